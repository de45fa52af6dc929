import { HubError, type ErrorKind } from '@lienthong/platform';

/** Stable codes of the business-registry client (conventions §4). */
export const DkkdErrorCodes = {
  /** The registry is down, timed out, answered 5xx, or its circuit is open. */
  UNAVAILABLE: 'LT_DKKD_UNAVAILABLE',
  /** The reply is not the route's JSON shape (HTML page, cut JSON, wrong fields). */
  BAD_REPLY: 'LT_DKKD_BAD_REPLY',
  REPLY_TOO_LARGE: 'LT_DKKD_REPLY_TOO_LARGE',
  /** The token endpoint refused our credentials or answered without a token. */
  TOKEN_REFUSED: 'LT_DKKD_TOKEN_REFUSED',
} as const;
export type DkkdErrorCode = (typeof DkkdErrorCodes)[keyof typeof DkkdErrorCodes];

export class DkkdError extends HubError {
  constructor(
    code: DkkdErrorCode,
    en: string,
    vi: string,
    opts: { kind: ErrorKind; retriable?: boolean; cause?: unknown; peerCode?: string },
  ) {
    super(code, en, { kind: opts.kind, retriable: opts.retriable ?? false, messageVi: vi, cause: opts.cause });
    this.name = 'DkkdError';
    this.peerCode = opts.peerCode;
  }
  readonly peerCode: string | undefined;
}
