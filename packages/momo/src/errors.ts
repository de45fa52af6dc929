/**
 * Errors of the MoMo protocol package. Stable codes (`LT_MOMO_*`); `kind` uses the platform's vocabulary so
 * a service can wrap a MomoError in its HubError. Dependency-free on purpose (skeleton; payments.md §5).
 */
export type MomoErrorCode = 'LT_MOMO_INVALID_CONFIG' | 'LT_MOMO_INVALID_AMOUNT' | 'LT_MOMO_INVALID_INPUT';

export interface MomoErrorDetail {
  field: string;
  reason: string;
}

/** Thrown by builders and factories on bad input; never retriable. */
export class MomoError extends Error {
  readonly code: MomoErrorCode;
  readonly kind = 'invalid' as const;
  readonly retriable = false;
  readonly details: readonly MomoErrorDetail[];

  constructor(code: MomoErrorCode, message: string, details: MomoErrorDetail[] = [], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MomoError';
    this.code = code;
    this.details = Object.freeze(details);
  }
}

/** Stable codes of a refused IPN or answer (results, not exceptions). */
export type MomoRejectionCode =
  | 'LT_MOMO_MALFORMED'
  | 'LT_MOMO_SIGNATURE_MISSING'
  | 'LT_MOMO_SIGNATURE_MISMATCH'
  | 'LT_MOMO_PARTNER_MISMATCH'
  | 'LT_MOMO_ECHO_MISMATCH'
  | 'LT_MOMO_REJECTED'
  | 'LT_MOMO_QUERY_FAILED';
