export { buildApp, type GatewayDeps } from './app.js';
export { gatewayService } from './service.js';
export {
  createIdempotencyStore,
  contentKey,
  requestHash,
  type IdempotencyStore,
  type IdempotencyStoreOptions,
} from './idempotency-store.js';
export { gatewayConfigSchema, loadGatewayConfig, type GatewayConfig } from './config.js';
