/**
 * Errors of the PayGov protocol package (DVCQG payment platform, national-standard.md §8). Stable codes
 * (`LT_PAYGOV_*`); `kind` uses the platform's vocabulary. Dependency-free, like the VNPAY and MoMo packages.
 */
export type PaygovErrorCode = 'LT_PAYGOV_INVALID_CONFIG' | 'LT_PAYGOV_INVALID_AMOUNT' | 'LT_PAYGOV_INVALID_INPUT';

export interface PaygovErrorDetail {
  field: string;
  reason: string;
}

/** Thrown by builders and factories on bad input; never retriable. */
export class PaygovError extends Error {
  readonly code: PaygovErrorCode;
  readonly kind = 'invalid' as const;
  readonly retriable = false;
  readonly details: readonly PaygovErrorDetail[];

  constructor(code: PaygovErrorCode, message: string, details: PaygovErrorDetail[] = [], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PaygovError';
    this.code = code;
    this.details = Object.freeze(details);
  }
}

/** Stable codes of a refused callback or answer (results, not exceptions). */
export type PaygovRejectionCode =
  | 'LT_PAYGOV_MALFORMED'
  | 'LT_PAYGOV_SIGNATURE_MISSING'
  | 'LT_PAYGOV_SIGNATURE_MISMATCH'
  | 'LT_PAYGOV_PARTNER_MISMATCH'
  | 'LT_PAYGOV_ECHO_MISMATCH'
  | 'LT_PAYGOV_REJECTED'
  | 'LT_PAYGOV_QUERY_FAILED';
