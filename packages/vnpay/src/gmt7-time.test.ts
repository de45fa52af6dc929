import { afterEach, describe, expect, it } from 'vitest';
import { formatVnpayDate, parseVnpayDate } from './gmt7-time.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('GMT+7 stamps', () => {
  it('formats the same instant identically under UTC, Asia/Ho_Chi_Minh and America/New_York', () => {
    const instant = new Date('2025-12-31T17:30:05Z'); // 00:30:05 on 1 Jan 2026 in Hanoi
    const out: string[] = [];
    const localHours: number[] = [];
    for (const tz of ['UTC', 'Asia/Ho_Chi_Minh', 'America/New_York']) {
      process.env.TZ = tz;
      localHours.push(instant.getHours());
      out.push(formatVnpayDate(instant));
    }
    // The TZ switch really took effect (local hours differ) and the stamp did not move.
    expect(new Set(localHours).size).toBe(3);
    expect(out).toEqual(['20260101003005', '20260101003005', '20260101003005']);
  });

  it('round-trips through parse', () => {
    const instant = new Date('2024-02-29T23:59:59Z');
    expect(formatVnpayDate(instant)).toBe('20240301065959');
    expect(parseVnpayDate('20240301065959')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
  });

  it('refuses impossible or malformed stamps', () => {
    for (const s of [
      '20240230120000',
      '20241301000000',
      '20240101246000',
      '2024010112000',
      'x0240101120000',
      '',
      20240101120000,
      null,
    ]) {
      expect(parseVnpayDate(s)).toBeUndefined();
    }
  });

  it('throws on an invalid Date', () => {
    expect(() => formatVnpayDate(new Date('nope'))).toThrow(/valid Date/);
  });
});
