/**
 * Errors of the VNPT Pay protocol package (docs/payment-protocols.md, reference vnptpay-vietqr.md §1).
 * Stable `LT_VNPTPAY_*` codes; builders throw {@link VnptpayError} on bad input, readers return results.
 */
export type VnptpayErrorCode = 'LT_VNPTPAY_INVALID_CONFIG' | 'LT_VNPTPAY_INVALID_INPUT';

export class VnptpayError extends Error {
  readonly code: VnptpayErrorCode;
  readonly kind = 'invalid' as const;
  readonly retriable = false;
  readonly details: readonly { field: string; reason: string }[];

  constructor(code: VnptpayErrorCode, message: string, details: { field: string; reason: string }[] = []) {
    super(message);
    this.name = 'VnptpayError';
    this.code = code;
    this.details = Object.freeze(details);
  }
}

/** Why a notification or an answer was not accepted (results, not exceptions). */
export type VnptpayRejection = 'malformed' | 'unknown_merchant' | 'bad_signature';
