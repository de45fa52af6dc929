import { describe, expect, it } from 'vitest';
import { nextVnDayStart, notBeforeQuiet, parseQuietHours, vnDay } from './schedule.js';

describe('outbox time rules (Asia/Ho_Chi_Minh, UTC+7)', () => {
  const q = parseQuietHours('21:00-07:00');
  it('holds messages in the quiet window until it ends, across midnight', () => {
    expect(notBeforeQuiet(new Date('2026-12-05T15:30:00Z'), q).toISOString()).toBe('2026-12-06T00:00:00.000Z'); // 22:30 → 07:00
    expect(notBeforeQuiet(new Date('2026-12-05T20:00:00Z'), q).toISOString()).toBe('2026-12-06T00:00:00.000Z'); // 03:00 → 07:00
    expect(notBeforeQuiet(new Date('2026-12-06T00:00:00Z'), q).toISOString()).toBe('2026-12-06T00:00:00.000Z'); // 07:00: open
    expect(notBeforeQuiet(new Date('2026-12-05T13:59:00Z'), q).toISOString()).toBe('2026-12-05T13:59:00.000Z'); // 20:59: open
    expect(notBeforeQuiet(new Date('2026-12-05T15:30:00Z'), parseQuietHours('off')).toISOString()).toBe(
      '2026-12-05T15:30:00.000Z',
    );
    expect(notBeforeQuiet(new Date('2026-12-05T05:30:00Z'), parseQuietHours('12:00-13:00')).toISOString()).toBe(
      '2026-12-05T06:00:00.000Z',
    );
  });
  it('counts quota per Vietnamese day and waits until the next one', () => {
    expect(vnDay(new Date('2026-12-05T16:59:59Z'))).toBe('2026-12-05');
    expect(vnDay(new Date('2026-12-05T17:00:00Z'))).toBe('2026-12-06');
    expect(nextVnDayStart(new Date('2026-12-05T16:59:59Z')).toISOString()).toBe('2026-12-05T17:00:00.000Z');
    expect(nextVnDayStart(new Date('2026-12-31T18:00:00Z')).toISOString()).toBe('2027-01-01T17:00:00.000Z');
  });
});
