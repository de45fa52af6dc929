import { VNPAY_AMOUNT_LIMITS } from '@lienthong/vnpay';
import type { Provider } from './provider.js';

/**
 * Amounts each provider accepts, checked before anything is created so the citizen never lands on a
 * provider page that refuses the amount. VNPAY: 5,000 to under 1,000,000,000 VND, from the gateway's own
 * error text [V6e] (inferred); MoMo wallet: 1,000 to 50,000,000 [M1]; PayGov: no published limit (§4),
 * so only "positive and within bigint"; VNPT Pay and VietQR below.
 */
export const amountLimits: Readonly<Record<Provider, { min: number; max: number }>> = Object.freeze({
  vnpay: { min: VNPAY_AMOUNT_LIMITS.minVnd, max: VNPAY_AMOUNT_LIMITS.maxVndExclusive - 1 },
  momo: { min: 1_000, max: 50_000_000 },
  paygov: { min: 1, max: 999_999_999_999 },
  // VNPT Wallet through Xendit: 1,000 to 500,000,000 VND [X1] — the only published range (inferred for the gateway).
  vnptpay: { min: 1_000, max: 500_000_000 },
  // A bank transfer has no intermediary limit; tag 54 holds up to 13 digits [Q1].
  vietqr: { min: 1, max: 999_999_999_999 },
});
