import { VnpayError } from './errors.js';

/** `vnp_Amount` is Numeric[1,12] and carries VND × 100 [V1]. */
const MAX_WIRE_DIGITS = 12;
const WIRE = /^\d{1,15}$/;

/**
 * The amount range in the gateway's own error text, copied in many repositories: 5,000 to under
 * 1,000,000,000 VND [V6e]. Inferred, not a written rule (payments.md §7), so builders do not enforce it;
 * services may check it to fail early.
 */
export const VNPAY_AMOUNT_LIMITS = Object.freeze({ minVnd: 5_000, maxVndExclusive: 1_000_000_000 });

/** Throws unless `amount` is a positive safe integer number of VND (the hub never handles fractions of a đồng). */
export function assertVnd(amount: unknown, field = 'amountVnd'): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new VnpayError('LT_VNPAY_INVALID_AMOUNT', `${field} must be a positive integer number of VND`, [
      { field, reason: `got ${typeof amount === 'number' ? String(amount) : typeof amount}` },
    ]);
  }
}

/** VND → the wire value of `vnp_Amount` (× 100, as a decimal string). Multiplying before hashing matters: dividing first is the classic "Wrong checksum" (vnpay #15/#17). */
export function toVnpayAmount(vnd: number): string {
  assertVnd(vnd);
  const wire = `${vnd}00`;
  if (wire.length > MAX_WIRE_DIGITS) {
    throw new VnpayError('LT_VNPAY_INVALID_AMOUNT', 'amountVnd too large for vnp_Amount (Numeric[1,12])', [
      { field: 'amountVnd', reason: `at most ${10 ** (MAX_WIRE_DIGITS - 2) - 1}` },
    ]);
  }
  return wire;
}

/**
 * The wire `vnp_Amount` → VND, or undefined when it is not digits or not a whole number of đồng
 * (a value not ending in "00" cannot come from an integer VND amount, so it is malformed, not rounded).
 */
export function fromVnpayAmount(wire: unknown): number | undefined {
  if (typeof wire !== 'string' || !WIRE.test(wire) || !wire.endsWith('00')) return undefined;
  return Number(wire.slice(0, -2) || '0');
}
