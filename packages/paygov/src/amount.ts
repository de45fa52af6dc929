import { PaygovError } from './errors.js';

/** Throws unless `amount` is a positive safe integer of VND. */
export function assertPaygovVnd(amount: unknown, field = 'amountVnd'): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new PaygovError('LT_PAYGOV_INVALID_AMOUNT', `${field} must be a positive integer number of VND`, [
      { field, reason: `got ${typeof amount === 'number' ? String(amount) : typeof amount}` },
    ]);
  }
}

/** VND → `SoTien` as INIT sends it: a decimal string [T6] (scalars are strings in the national packets, §2). */
export function toSoTien(vnd: number, field = 'amountVnd'): string {
  assertPaygovVnd(vnd, field);
  return String(vnd);
}

/** `SoTien` from a callback (an int in the confirm [T6][S5], a string elsewhere) → VND, or undefined if not a whole non-negative amount. */
export function fromSoTien(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}
