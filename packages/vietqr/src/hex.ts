import { createHash, timingSafeEqual } from 'node:crypto';
export { hexSignatureEquals } from '@lienthong/protocol-kit';

/** Constant-time comparison of two secrets of any length (both hashed first, so lengths leak nothing). */
export function secretEquals(expected: string, received: unknown): boolean {
  if (typeof received !== 'string') return false;
  return timingSafeEqual(createHash('sha256').update(expected).digest(), createHash('sha256').update(received).digest());
}
