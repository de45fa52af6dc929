/**
 * Errors of the VNPAY protocol package. Codes are stable (`LT_VNPAY_*`) and are what logs, dashboards and
 * the payments service key on. `kind` uses the platform's vocabulary (invalid, upstream, …) so a service
 * can map a VnpayError to its own HubError without a lookup table; this package stays dependency-free
 * (the skeleton gives it no dependencies, and the reference recommends a small signer with none, §5).
 */
export type VnpayErrorCode = 'LT_VNPAY_INVALID_CONFIG' | 'LT_VNPAY_INVALID_AMOUNT' | 'LT_VNPAY_INVALID_INPUT';

export interface VnpayErrorDetail {
  /** Name of the offending option or field, e.g. `tmnCode`, `orderInfo`. */
  field: string;
  reason: string;
}

/** Thrown by builders and factories on bad input (a programming or configuration error, never retriable). */
export class VnpayError extends Error {
  readonly code: VnpayErrorCode;
  readonly kind = 'invalid' as const;
  readonly retriable = false;
  readonly details: readonly VnpayErrorDetail[];

  constructor(code: VnpayErrorCode, message: string, details: VnpayErrorDetail[] = [], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'VnpayError';
    this.code = code;
    this.details = Object.freeze(details);
  }
}

/**
 * Stable codes of a refused callback or query answer. These are results, not exceptions: a forged or broken
 * notification is expected traffic, and the caller must answer it (IPN reply 97/99), not crash.
 */
export type VnpayRejectionCode =
  | 'LT_VNPAY_MALFORMED'
  | 'LT_VNPAY_SIGNATURE_MISSING'
  | 'LT_VNPAY_SIGNATURE_MISMATCH'
  | 'LT_VNPAY_TERMINAL_MISMATCH'
  | 'LT_VNPAY_TXNREF_MISMATCH'
  | 'LT_VNPAY_QUERY_FAILED';
