import { VNPAY_AMOUNT_LIMITS } from '@lienthong/vnpay';
import type { Provider } from './provider.js';

/**
 * Amounts each provider accepts, checked before anything is created so the citizen never lands on a
 * provider page that refuses the amount. VNPAY: 5,000 to under 1,000,000,000 VND, from the gateway's own
 * error text [V6e] (inferred); MoMo wallet: 1,000 to 50,000,000 [M1]; PayGov: no published limit (§4),
 * so only "positive and within bigint".
 */
export const amountLimits: Readonly<Record<Provider, { min: number; max: number }>> = Object.freeze({
  vnpay: { min: VNPAY_AMOUNT_LIMITS.minVnd, max: VNPAY_AMOUNT_LIMITS.maxVndExclusive - 1 },
  momo: { min: 1_000, max: 50_000_000 },
  paygov: { min: 1, max: 999_999_999_999 },
});
