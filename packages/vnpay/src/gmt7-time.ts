import { formatGmt7Stamp, parseGmt7Stamp } from '@lienthong/protocol-kit';
import { VnpayError } from './errors.js';

/*
 * VNPAY wants `yyyyMMddHHmmss` in GMT+7 [V1]. The stamp is protocol-kit's, computed from the instant so it
 * never depends on process.env.TZ — the `vnpay` library reads local fields and is right only under TZ=UTC
 * (payments.md §5, defect 1; "prod-only failure blamed on server TZ", vnpay #40).
 */

/** Formats an instant as VNPAY's `yyyyMMddHHmmss` in GMT+7. Throws on an invalid Date. */
export function formatVnpayDate(instant: Date): string {
  const stamp = formatGmt7Stamp(instant);
  if (stamp === undefined) {
    throw new VnpayError('LT_VNPAY_INVALID_INPUT', 'expected a valid Date', [{ field: 'date', reason: 'invalid Date' }]);
  }
  return stamp;
}

/** Parses a GMT+7 `yyyyMMddHHmmss` stamp into an instant; undefined when it is not a real calendar time. */
export function parseVnpayDate(stamp: unknown): Date | undefined {
  return parseGmt7Stamp(stamp);
}
