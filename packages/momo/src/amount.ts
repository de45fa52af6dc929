import { MomoError } from './errors.js';
import type { MomoRequestType } from './request-types.js';

/**
 * Amount limits per payment method, integer VND: wallet 1,000–50,000,000; ATM 10,000–50,000,000 [M6].
 * Credit cards: pages show 10,000,000 and 50,000,000 as the maximum (unresolved, §7); we apply the larger
 * and let MoMo answer 21/22 if it is lower.
 */
export const MOMO_AMOUNT_LIMITS: Readonly<Record<MomoRequestType, { min: number; max: number }>> = Object.freeze({
  captureWallet: { min: 1_000, max: 50_000_000 },
  payWithATM: { min: 10_000, max: 50_000_000 },
  payWithCC: { min: 10_000, max: 50_000_000 },
  payWithMethod: { min: 1_000, max: 50_000_000 },
});

/** Throws unless `amount` is a positive safe integer of VND (MoMo `amount` is a Long of VND [M1]). */
export function assertMomoVnd(amount: unknown, field = 'amountVnd'): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new MomoError('LT_MOMO_INVALID_AMOUNT', `${field} must be a positive integer number of VND`, [
      { field, reason: `got ${typeof amount === 'number' ? String(amount) : typeof amount}` },
    ]);
  }
}

/** Throws unless the amount is within the method's documented range [M1][M6]. */
export function assertMomoAmountFor(requestType: MomoRequestType, amount: unknown): asserts amount is number {
  assertMomoVnd(amount);
  const { min, max } = MOMO_AMOUNT_LIMITS[requestType];
  if (amount < min || amount > max) {
    throw new MomoError('LT_MOMO_INVALID_AMOUNT', `amountVnd must be ${min}-${max} VND for ${requestType}`, [
      { field: 'amountVnd', reason: `out of range for ${requestType} [M1][M6]` },
    ]);
  }
}
