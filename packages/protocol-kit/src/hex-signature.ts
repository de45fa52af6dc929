import { timingSafeEqual } from 'node:crypto';

const HEX = /^[0-9a-f]+$/;

/**
 * Constant-time comparison of a signature we computed (lowercase hex) with one we received.
 * The received value is lower-cased first: case carries no secret, and the providers' letter case is not
 * firmly documented everywhere (MoMo documents lowercase, payments.md §2.2; VNPAY's could not be
 * confirmed, payments.md §7; the PayGov sources compute lowercase x2, national-standard.md §8).
 * Lengths are checked before timingSafeEqual (which throws on unequal lengths); the length of an HMAC or
 * SHA-2 digest is public, so that early exit leaks nothing.
 */
export function hexSignatureEquals(expectedLowerHex: string, received: unknown): boolean {
  if (typeof received !== 'string' || received.length !== expectedLowerHex.length) return false;
  const given = received.toLowerCase();
  if (!HEX.test(given) || given.length % 2 !== 0) return false;
  return timingSafeEqual(Buffer.from(expectedLowerHex, 'hex'), Buffer.from(given, 'hex'));
}
