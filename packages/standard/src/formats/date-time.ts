/**
 * yyyyMMddHHmmss in Asia/Ho_Chi_Minh, the date format of every DVCQG dossier packet [code S1, T2, X3].
 * Viet Nam has kept UTC+07:00 without daylight saving since 1975, so converting an instant with an explicit
 * offset to local time is exact; a time without an offset is not converted (that would guess the zone).
 */

const DATE_8 = /^(\d{4})(\d{2})(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i;
const VN_OFFSET_MS = 7 * 3600_000;
// A date must exist: years 0001–9999 (there is no year 0). Dates before 1900 or after 2999 are probably typing
// errors, not history, but that is [inf]: isPlausibleYear is a warning (rule-levels.ts, `year-range`), not here.
const MIN_YEAR = 1;
const MAX_YEAR = 9999;
const MIN_PLAUSIBLE_YEAR = 1900;
const MAX_PLAUSIBLE_YEAR = 2999;

/** True for a year in 1900–2999, where dossier dates plausibly fall [inf]. */
export function isPlausibleYear(year: number): boolean {
  return year >= MIN_PLAUSIBLE_YEAR && year <= MAX_PLAUSIBLE_YEAR;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : DAYS[month - 1]!;
}

/** True when the parts form a real calendar date (no 30 February, no month 13). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** True when the parts form a real time of day: hour 0–23, no leap second. */
export function isRealTime(hour: number, minute: number, second: number): boolean {
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** The decimal value of value[from, to), or -1 when a character is not a digit. Hot path: no regex, no allocation. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** True for a real local date-time written yyyyMMddHHmmss. */
export function isDateTime14(value: string): boolean {
  if (value.length !== 14) return false;
  const y = digitsAt(value, 0, 4);
  const mo = digitsAt(value, 4, 6);
  const d = digitsAt(value, 6, 8);
  const h = digitsAt(value, 8, 10);
  const mi = digitsAt(value, 10, 12);
  const s = digitsAt(value, 12, 14);
  return isRealDate(y, mo, d) && isRealTime(h, mi, s) && s >= 0;
}

/** True for a real date written yyyyMMdd. */
export function isDate8(value: string): boolean {
  const m = DATE_8.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** True for a real date written yyyy-MM-dd. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

const MONTH_YEAR = /^(\d{1,2})-(\d{4})$/;
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** True for M-yyyy, the month of a DongBoDanhGia summary [code S1]. */
export function isMonthYear(value: string): boolean {
  const m = MONTH_YEAR.exec(value);
  return m !== null && isRealDate(Number(m[2]), Number(m[1]), 1);
}

/** True for a real date written dd/MM/yyyy (Q&A NGAYTRALOI [code S1]). */
export function isDayMonthYear(value: string): boolean {
  const m = DMY.exec(value);
  return m !== null && isRealDate(Number(m[3]), Number(m[2]), Number(m[1]));
}

/** True for an RFC 3339 date-time with Z or an explicit offset, e.g. CloudEvents `time`. */
export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return isRealDate(y, mo, d) && isRealTime(h, mi, s);
}

/**
 * Converts an ISO 8601 date-time with an explicit offset ("2025-01-15T01:30:00Z", "…+07:00") to yyyyMMddHHmmss in
 * Viet Nam time; fractions of a second are dropped because the target has none. Returns undefined for anything else.
 */
export function isoToDateTime14(value: string): string | undefined {
  const m = ISO_WITH_OFFSET.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!isRealDate(y, mo, d) || !isRealTime(h, mi, s)) return undefined;
  const zone = m[7]!.toUpperCase();
  let offsetMs = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMs + VN_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(local.getUTCFullYear(), 4) +
    p(local.getUTCMonth() + 1) +
    p(local.getUTCDate()) +
    p(local.getUTCHours()) +
    p(local.getUTCMinutes()) +
    p(local.getUTCSeconds())
  );
}

/** Formats an instant as yyyyMMddHHmmss in Viet Nam time (for senders and tests). */
export function toDateTime14(instant: Date): string {
  return isoToDateTime14(instant.toISOString()) as string;
}

/** Compares two valid yyyyMMddHHmmss strings; fixed width makes string order equal time order. */
export function compareDateTime14(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
