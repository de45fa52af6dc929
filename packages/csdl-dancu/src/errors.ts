import { HubError, type ErrorKind } from '@lienthong/platform';

/**
 * Stable codes of the population-database (CSDLQGDC) client (conventions §4). Domain errors: the service's
 * error handler maps `kind` to a status (unavailable → 503, upstream → 502, forbidden → 403).
 */
export const CsdlErrorCodes = {
  /** The peer is down, timed out, answered 5xx or its circuit is open: retry later. */
  UNAVAILABLE: 'LT_CSDL_UNAVAILABLE',
  /** The reply is not a well-formed SOAP 1.1 envelope of the expected namespace (HTML page, cut XML…). */
  BAD_REPLY: 'LT_CSDL_BAD_REPLY',
  /** The reply carries a DOCTYPE or an entity declaration: refused before parsing (XXE, billion laughs). */
  HOSTILE_REPLY: 'LT_CSDL_HOSTILE_REPLY',
  /** The reply is larger than the configured cap. */
  REPLY_TOO_LARGE: 'LT_CSDL_REPLY_TOO_LARGE',
  /** A SOAP Fault. */
  SOAP_FAULT: 'LT_CSDL_SOAP_FAULT',
  /** "004": the procedure (MaDVC) is not licensed to query the population DB [code X4]. */
  PROCEDURE_NOT_LICENSED: 'LT_CSDL_PROCEDURE_NOT_LICENSED',
  /** "005": the officer (MaCanBo) lacks permission [code X4]. */
  OFFICER_NOT_PERMITTED: 'LT_CSDL_OFFICER_NOT_PERMITTED',
  /** Any other error code in the reply. */
  PEER_ERROR: 'LT_CSDL_PEER_ERROR',
  /** The LGSP token endpoint refused our credentials or answered without a token. */
  TOKEN_REFUSED: 'LT_CSDL_TOKEN_REFUSED',
} as const;
export type CsdlErrorCode = (typeof CsdlErrorCodes)[keyof typeof CsdlErrorCodes];

export class CsdlError extends HubError {
  /** The peer's own error code ("004", "005", a faultcode), when it gave one. */
  readonly peerCode: string | undefined;
  constructor(
    code: CsdlErrorCode,
    en: string,
    vi: string,
    opts: { kind: ErrorKind; retriable?: boolean; cause?: unknown; peerCode?: string },
  ) {
    super(code, en, { kind: opts.kind, retriable: opts.retriable ?? false, messageVi: vi, cause: opts.cause });
    this.name = 'CsdlError';
    this.peerCode = opts.peerCode;
  }
}
