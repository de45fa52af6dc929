import { describe, expect, it } from 'vitest';
import {
  isDate8,
  isDateTime14,
  isDayMonthYear,
  isMonthYear,
  isoToDateTime14,
  isPlausibleYear,
  isRfc3339,
  toDateTime14,
} from './date-time.js';

describe('year range', () => {
  it('a date before 1900 exists (the format accepts it); 1900–2999 is only the plausible range, a warning [inf]', () => {
    expect(isDateTime14('18991231235959')).toBe(true);
    expect([1899, 1900, 2999, 3000].map(isPlausibleYear)).toEqual([false, true, true, false]);
  });
});

describe('yyyyMMddHHmmss', () => {
  it.each(['20250115083000', '20240229235959', '20251231000000', '19000101000000'])('accepts %s', (v) =>
    expect(isDateTime14(v)).toBe(true),
  );
  it.each([
    ['20250230120000', '30 February'],
    ['20250229120000', '29 February of a common year'],
    ['21000229120000', '2100 is not a leap year'],
    ['20250115240000', 'hour 24'],
    ['20250115236000', 'minute 60'],
    ['20250115235960', 'second 60'],
    ['20251301000000', 'month 13'],
    ['20250100000000', 'day 0'],
    ['00001231235959', 'year 0 does not exist'],
    ['2025011508300', '13 digits'],
    ['202501150830000', '15 digits'],
    ['2025-01-15T08:30', 'ISO'],
    ['', 'empty'],
  ])('refuses %s (%s)', (v) => expect(isDateTime14(v)).toBe(false));
});

describe('ISO 8601 with offset → Viet Nam local time', () => {
  it.each([
    ['2025-01-15T01:30:00Z', '20250115083000'],
    ['2025-01-15T08:30:00+07:00', '20250115083000'],
    ['2025-01-15T08:30:00+0700', '20250115083000'],
    ['2025-01-14T20:30:00-05:00', '20250115083000'],
    ['2025-01-15 01:30:00.999Z', '20250115083000'],
    ['2024-12-31T17:00:00Z', '20250101000000'],
  ])('%s → %s', (iso, local) => expect(isoToDateTime14(iso)).toBe(local));
  it.each(['2025-01-15T08:30:00', '2025-02-30T08:30:00Z', '2025-01-15', '15/01/2025 08:30:00Z'])('does not convert %s', (v) =>
    expect(isoToDateTime14(v)).toBeUndefined(),
  );
  it('formats an instant', () => expect(toDateTime14(new Date('2025-06-30T18:59:59Z'))).toBe('20250701015959'));
});

describe('the other date formats of the reference', () => {
  it('yyyyMMdd', () => {
    expect(isDate8('19900512')).toBe(true);
    expect(isDate8('19900532')).toBe(false);
  });
  it('dd/MM/yyyy', () => {
    expect(isDayMonthYear('16/01/2025')).toBe(true);
    expect(isDayMonthYear('01/16/2025')).toBe(false);
  });
  it('M-yyyy', () => {
    expect(isMonthYear('3-2025')).toBe(true);
    expect(isMonthYear('03-2025')).toBe(true);
    expect(isMonthYear('13-2025')).toBe(false);
  });
  it('RFC 3339', () => {
    expect(isRfc3339('2025-01-15T08:30:00+07:00')).toBe(true);
    expect(isRfc3339('2025-01-15T01:30:00.5Z')).toBe(true);
    expect(isRfc3339('2025-01-15T08:30:00')).toBe(false);
  });
});
