/**
 * @lienthong/dvcqg — the DVCQG (Cổng Dịch vụ công quốc gia) adapter-style protocol: the client the hub
 * uses, and the constants the sandbox shares with it so both speak the same dialect.
 * Protocol notes and what is confirmed vs inferred: docs/dvcqg-protocol.md.
 */
export { createDvcqgClient } from './client.js';
export { defaultDvcqgRetryPolicy, type DvcqgClientOptions } from './options.js';
export type { DvcqgAnswer, DvcqgClient, DvcqgAgency, DvcqgProcedureSummary } from './types.js';
export { DvcqgError, DvcqgErrorCodes, type DvcqgErrorCode } from './errors.js';
export {
  isPortalSuccess,
  isAlreadyExists,
  isSessionExpired,
  portalCodeOf,
  PORTAL_ERROR_CODE,
  ALREADY_EXISTS_CODES,
  ALREADY_EXISTS_PORTAL_CODE,
  SESSION_EXPIRED_PORTAL_CODE,
  SESSION_EXPIRED_MESSAGE,
} from './portal-codes.js';
export {
  DvcqgServices,
  endpointOfService,
  MAX_PROGRESS_ITEMS,
  defaultDvcqgPaths,
  type DvcqgService,
  type DvcqgEndpoint,
} from './services.js';
export { expiryOf } from './session.js';
export { refuseDvcqgDemoSecrets, SANDBOX_DVCQG_PASSWORD } from './demo-secrets.js';
export {
  checkPromotionStatusData,
  reducePromotionStatus,
  reportablePromotionStatuses,
  type PromotionStatusCheck,
} from './promotion-status.js';
