import { VnpayError } from './errors.js';

/**
 * VNPAY wants `yyyyMMddHHmmss` in GMT+7 [V1]. We compute it from the instant plus a fixed +7 h offset and
 * read the UTC fields, so the result never depends on process.env.TZ — the `vnpay` library reads local
 * fields and is right only under TZ=UTC (payments.md §5, defect 1; "prod-only failure blamed on server TZ",
 * vnpay #40). Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact.
 */
const OFFSET_MS = 7 * 60 * 60 * 1000;
const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Formats an instant as VNPAY's `yyyyMMddHHmmss` in GMT+7. Throws on an invalid Date. */
export function formatVnpayDate(instant: Date): string {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new VnpayError('LT_VNPAY_INVALID_INPUT', 'expected a valid Date', [{ field: 'date', reason: 'invalid Date' }]);
  }
  const t = new Date(instant.getTime() + OFFSET_MS);
  return (
    pad(t.getUTCFullYear(), 4) +
    pad(t.getUTCMonth() + 1) +
    pad(t.getUTCDate()) +
    pad(t.getUTCHours()) +
    pad(t.getUTCMinutes()) +
    pad(t.getUTCSeconds())
  );
}

/** Parses a GMT+7 `yyyyMMddHHmmss` stamp into an instant; undefined when it is not a real calendar time. */
export function parseVnpayDate(stamp: unknown): Date | undefined {
  if (typeof stamp !== 'string') return undefined;
  const m = STAMP.exec(stamp);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  // Date.UTC silently rolls 2024-02-30 over to March; refuse anything that did not round-trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return new Date(utc - OFFSET_MS);
}
