/**
 * `yyyyMMddHHmmss` in GMT+7, the time stamp of VNPAY (`vnp_CreateDate`, `vnp_PayDate` [V1]) and of the
 * DVCQG payment platform (`ThoiGianGD` [T6][S5]). Computed from the instant plus a fixed +7 h and read in
 * UTC, so the result never depends on process.env.TZ (payments.md §5, defect 1). Vietnam has kept UTC+7
 * without daylight saving since 1975, so a fixed offset is exact.
 */
const OFFSET_MS = 7 * 60 * 60 * 1000;
const STAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Formats an instant as `yyyyMMddHHmmss` in GMT+7; undefined for an invalid Date (the caller throws its own error). */
export function formatGmt7Stamp(instant: Date): string | undefined {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) return undefined;
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
export function parseGmt7Stamp(stamp: unknown): Date | undefined {
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
