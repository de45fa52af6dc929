import { formatGmt7Stamp, parseGmt7Stamp } from '@lienthong/protocol-kit';
import { PaygovError } from './errors.js';

/*
 * PayGov's `ThoiGianGD` is `yyyyMMddHHmmss` in local (Asia/Ho_Chi_Minh) time [T6][S5] (national-standard.md §2),
 * the GMT+7 stamp of protocol-kit. OpenCPS formats with 24-hour `HH`; TD uses 12-hour `hh`, a bug
 * (13:05 → "01") that we do not copy — but we verify whatever string a peer sends.
 */

/** Formats an instant as `yyyyMMddHHmmss` in GMT+7. Throws on an invalid Date. */
export function formatPaygovTime(instant: Date): string {
  const stamp = formatGmt7Stamp(instant);
  if (stamp === undefined) {
    throw new PaygovError('LT_PAYGOV_INVALID_INPUT', 'expected a valid Date', [{ field: 'date', reason: 'invalid Date' }]);
  }
  return stamp;
}

/** Parses a GMT+7 `yyyyMMddHHmmss` stamp into an instant; undefined when it is not a real calendar time. */
export function parsePaygovTime(stamp: unknown): Date | undefined {
  return parseGmt7Stamp(stamp);
}
