import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkYearFile, loadCalendar } from './calendar.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../calendar');
const cal = loadCalendar(dir);
const at = (local: string) => Date.parse(`${local}+07:00`);
const iso = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);

describe('working-day calendar', () => {
  it('ships 2024–2027 and says which years are inferred', () => {
    expect(cal.years).toEqual([
      { year: 2024, status: 'announced-unverified' },
      { year: 2025, status: 'announced-unverified' },
      { year: 2026, status: 'inferred' },
      { year: 2027, status: 'inferred' },
    ]);
    expect(cal.minutesPerDay).toBe(480);
  });

  it('knows weekends, Tết, swapped days and make-up Saturdays', () => {
    expect(cal.isWorkingDay('2025-01-24')).toBe(true); // Friday before Tết Ất Tỵ
    expect(cal.isWorkingDay('2025-01-25')).toBe(false); // Saturday
    for (const d of ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'])
      expect(cal.isWorkingDay(d)).toBe(false);
    expect(cal.isWorkingDay('2025-02-03')).toBe(true);
    expect(cal.isWorkingDay('2025-02-15')).toBe(true); // make-up Saturday
    expect(cal.isWorkingDay('2024-05-04')).toBe(true);
    expect(cal.isWorkingDay('2024-04-29')).toBe(false);
  });

  it('adds working minutes across a weekend and across Tết', () => {
    // Friday 16:00 + 2 working hours (one on Friday) → Monday 09:00
    expect(iso(cal.addWorkingMinutes(at('2024-03-08T16:00:00'), 120))).toBe('2024-03-11T09:00');
    // Friday 24/01/2025 16:00 + 2 h → Monday 03/02/2025 09:00 (Tết 27–31/01 and two weekends skipped)
    expect(iso(cal.addWorkingMinutes(at('2025-01-24T16:00:00'), 120))).toBe('2025-02-03T09:00');
    // The lunch break is not working time.
    expect(iso(cal.addWorkingMinutes(at('2024-03-11T11:30:00'), 60))).toBe('2024-03-11T13:30');
    expect(cal.workingMinutesBetween(at('2025-01-24T16:00:00'), at('2025-02-03T09:00:00'))).toBe(120);
    expect(cal.workingMinutesBetween(at('2024-03-11T10:00:00'), at('2024-03-11T09:00:00'))).toBe(0);
  });

  it('counts working days', () => {
    // 3 working days from Thursday 09:00 → Tuesday 09:00
    expect(iso(cal.addWorkingDays(at('2024-03-07T09:00:00'), 3))).toBe('2024-03-12T09:00');
  });

  it('refuses an unsound year file with every problem listed', () => {
    const bad = {
      year: 2030,
      status: 'inferred',
      note: 'x',
      weekend: [0, 6],
      workingHours: [['13:00', '12:00']],
      daysOff: [
        { date: '2030-01-05', name: 'Saturday', kind: 'holiday' },
        { date: '2031-01-01', name: 'x', kind: 'holiday' },
      ],
      workingDays: [{ date: '2030-01-07', name: 'Monday', kind: 'make-up' }],
    };
    const p = checkYearFile(bad, '2030.json');
    expect(p.join('\n')).toMatch(/2030-01-05 falls on a weekend/);
    expect(p.join('\n')).toMatch(/2031-01-01 is outside 2030/);
    expect(p.join('\n')).toMatch(/2030-01-07 is not a weekend day/);
    expect(p.join('\n')).toMatch(/increasing/);
    expect(checkYearFile({ year: 'x' }, '2030.json').length).toBeGreaterThan(0);
  });
});
