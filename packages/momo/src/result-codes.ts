/**
 * MoMo `resultCode` — the **current** table only [M1]. Older documents number differently (e.g. `1007` was
 * "bad signature") [M4]; mapping them would misread today's answers, so they are deliberately absent.
 *
 * Categories: what the hub should do with the code.
 * - success: paid. authorized: reserved, awaits capture (autoCapture=false only). pending: not final, ask again.
 * - payment_failed: final failure of the payment. request_error: our request was refused, payment unchanged.
 * - system_error: MoMo-side trouble, retry later. refund_error: refund results. unknown: not in the table.
 */
export type MomoResultCategory =
  'success' | 'authorized' | 'pending' | 'payment_failed' | 'request_error' | 'system_error' | 'refund_error' | 'unknown';

export interface MomoResultInfo {
  readonly code: number;
  readonly category: MomoResultCategory;
  readonly description: string;
}

const T: Record<number, [MomoResultCategory, string]> = {
  0: ['success', 'successful'],
  9000: ['authorized', 'authorized; awaiting capture or cancel'],
  1000: ['pending', 'initiated, awaiting user confirmation'],
  7000: ['pending', 'being processed'],
  7002: ['pending', 'being processed by the provider'],
  10: ['system_error', 'system under maintenance'],
  11: ['request_error', 'access denied'],
  12: ['request_error', 'API version not supported'],
  13: ['request_error', 'merchant authentication failed'],
  20: ['request_error', 'bad request format (or bad signature)'],
  21: ['request_error', 'invalid amount'],
  22: ['request_error', 'amount out of range'],
  40: ['request_error', 'duplicate requestId'],
  41: ['request_error', 'duplicate orderId'],
  42: ['request_error', 'orderId invalid or not found'],
  43: ['request_error', 'conflicting transaction in progress'],
  99: ['system_error', 'unknown error'],
  1001: ['payment_failed', 'insufficient funds'],
  1002: ['payment_failed', 'rejected by the issuer'],
  1003: ['payment_failed', 'cancelled (by merchant or timeout)'],
  1004: ['payment_failed', 'over the payment limit'],
  1005: ['payment_failed', 'payment URL or QR expired'],
  1006: ['payment_failed', 'user declined'],
  1007: ['payment_failed', 'account inactive'],
  1080: ['refund_error', 'refund failed'],
  1081: ['refund_error', 'already refunded or refund in progress'],
  1088: ['refund_error', 'not refundable'],
  4001: ['payment_failed', 'account restricted'],
  4002: ['payment_failed', 'account not verified with C06'],
};

/** The current `resultCode` table [M1], frozen. */
export const MOMO_RESULT_CODES: ReadonlyMap<number, MomoResultInfo> = new Map(
  Object.entries(T).map(([k, [category, description]]) => [Number(k), Object.freeze({ code: Number(k), category, description })]),
);

/** Looks a code up; codes outside the current table are `unknown` (never guessed from older tables). */
export function momoResult(code: number): MomoResultInfo {
  return MOMO_RESULT_CODES.get(code) ?? { code, category: 'unknown', description: 'not in the current resultCode table' };
}
