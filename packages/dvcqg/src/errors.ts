import { HubError, type ErrorKind } from '@lienthong/platform';

/**
 * Stable codes thrown by the DVCQG client (conventions §4). Callers key on `code` and `retriable`;
 * the platform's LT_HTTP_TIMEOUT / LT_HTTP_NETWORK / LT_HTTP_STATUS also pass through unchanged.
 */
export const DvcqgErrorCodes = Object.freeze({
  /** Login refused (retriable: false) or unreachable (retriable: true). */
  LOGIN_FAILED: 'LT_DVCQG_LOGIN_FAILED',
  /** The portal said the session expired even right after a fresh login. Retriable. */
  SESSION_EXPIRED: 'LT_DVCQG_SESSION_EXPIRED',
  /** DongBoHoSoMC create of a dossier the portal already holds [code T2]. Re-send with isUpdating true. */
  ALREADY_EXISTS: 'LT_DVCQG_ALREADY_EXISTS',
  /** Any other non-success error_code: permanent, carries portalCode/portalMessage. */
  REJECTED: 'LT_DVCQG_REJECTED',
  /** Non-JSON, HTML page, missing error_code, wrong shape, oversize body. Retriable. */
  BAD_RESPONSE: 'LT_DVCQG_BAD_RESPONSE',
  /** More than 10 CapNhatTienDoHoSoMC items in one call [code S1, T2]. Caller bug, not retriable. */
  TOO_MANY_ITEMS: 'LT_DVCQG_TOO_MANY_ITEMS',
  /** Empty batch, blank code, non-object item: a caller bug, never sent. */
  INVALID_ARGUMENT: 'LT_DVCQG_INVALID_ARGUMENT',
  /** createDvcqgClient options failed validation. */
  OPTIONS_INVALID: 'LT_DVCQG_OPTIONS_INVALID',
} as const);

export type DvcqgErrorCode = (typeof DvcqgErrorCodes)[keyof typeof DvcqgErrorCodes];

export interface DvcqgErrorOptions {
  retriable: boolean;
  kind?: ErrorKind;
  cause?: unknown;
  messageVi?: string;
  portalCode?: string;
  portalMessage?: string;
  /** The DVCQG service (operation) the call was for, e.g. DongBoHoSoMC. */
  service?: string;
  /** The dossier the portal's message names, when it names one of the batch's items. */
  maHoSo?: string;
}

/** Error of the DVCQG protocol layer; `portalCode`/`portalMessage` are the portal's own words when it answered. */
export class DvcqgError extends HubError {
  readonly portalCode?: string;
  readonly portalMessage?: string;
  readonly service?: string;
  readonly maHoSo?: string;

  constructor(code: DvcqgErrorCode, message: string, opts: DvcqgErrorOptions) {
    super(code, message, {
      kind: opts.kind ?? 'upstream',
      retriable: opts.retriable,
      cause: opts.cause,
      messageVi: opts.messageVi ?? message,
    });
    this.name = 'DvcqgError';
    if (opts.portalCode !== undefined) this.portalCode = opts.portalCode;
    if (opts.portalMessage !== undefined) this.portalMessage = opts.portalMessage;
    if (opts.service !== undefined) this.service = opts.service;
    if (opts.maHoSo !== undefined) this.maHoSo = opts.maHoSo;
  }
}

export function invalidArgument(message: string, messageVi: string): DvcqgError {
  return new DvcqgError(DvcqgErrorCodes.INVALID_ARGUMENT, message, { retriable: false, kind: 'invalid', messageVi });
}
