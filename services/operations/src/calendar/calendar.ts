import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { OpsError } from '../errors.js';

/**
 * The working-day calendar (issue 9 §3): weekends, Vietnamese public holidays and the swapped days the
 * government announces each year, as one JSON file per year (services/operations/calendar/<year>.json),
 * validated at start. Time is Vietnamese local time, UTC+7 all year (no daylight saving), so local dates
 * and minutes are computed by shifting the instant by 7 hours: no time-zone library is needed.
 */
export interface CalendarYearFile {
  year: number;
  /** `announced-unverified` (recalled from the official notice), `announced` (checked), `inferred`. */
  status: 'announced' | 'announced-unverified' | 'inferred';
  note: string;
  /** Days of the week that are rest days (0 = Sunday … 6 = Saturday). */
  weekend: number[];
  /** Working hours of a working day, local time, e.g. [["08:00","12:00"],["13:00","17:00"]] [inf]. */
  workingHours: [string, string][];
  daysOff: { date: string; name: string; kind: 'holiday' | 'compensatory' | 'swapped' }[];
  workingDays: { date: string; name: string; kind: 'make-up' }[];
}

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateFile = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: ['year', 'status', 'note', 'weekend', 'workingHours', 'daysOff', 'workingDays'],
  properties: {
    year: { type: 'integer', minimum: 2000, maximum: 2100 },
    status: { enum: ['announced', 'announced-unverified', 'inferred'] },
    note: { type: 'string', minLength: 1 },
    weekend: { type: 'array', uniqueItems: true, maxItems: 6, items: { type: 'integer', minimum: 0, maximum: 6 } },
    workingHours: {
      type: 'array',
      minItems: 1,
      maxItems: 4,
      items: {
        type: 'array',
        minItems: 2,
        maxItems: 2,
        items: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
      },
    },
    daysOff: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['date', 'name', 'kind'],
        properties: {
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          name: { type: 'string', minLength: 1 },
          kind: { enum: ['holiday', 'compensatory', 'swapped'] },
        },
      },
    },
    workingDays: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['date', 'name', 'kind'],
        properties: {
          date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          name: { type: 'string', minLength: 1 },
          kind: { const: 'make-up' },
        },
      },
    },
  },
});

export interface WorkingCalendar {
  /** Years loaded, with their status (announced or inferred). */
  readonly years: ReadonlyArray<{ year: number; status: CalendarYearFile['status'] }>;
  /** Working minutes in a full working day (480 with 8:00–12:00, 13:00–17:00). */
  readonly minutesPerDay: number;
  /** Whether the local date `yyyy-mm-dd` is a working day. */
  isWorkingDay(localDate: string): boolean;
  /** Working minutes in [a, b) (0 when b ≤ a). */
  workingMinutesBetween(aMs: number, bMs: number): number;
  /** The instant reached after `minutes` working minutes from `fromMs` (the end of the last minute). */
  addWorkingMinutes(fromMs: number, minutes: number): number;
  /** `days` working days later at the same working position: addWorkingMinutes(from, days × minutesPerDay) [inf]. */
  addWorkingDays(fromMs: number, days: number): number;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const localDateOf = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
/** The instant of local midnight of the local day containing `ms`. */
const localMidnight = (ms: number) => Math.floor((ms + VN_OFFSET_MS) / DAY_MS) * DAY_MS - VN_OFFSET_MS;

/** Checks one year file beyond its schema; returns every problem (an empty list when it is sound). */
export function checkYearFile(f: unknown, fileName: string): string[] {
  if (!validateFile(f)) return (validateFile.errors ?? []).map((e) => `${fileName}${e.instancePath} ${e.message}`);
  const y = f as CalendarYearFile;
  const problems: string[] = [];
  if (fileName !== `${y.year}.json`) problems.push(`${fileName}: year ${y.year} does not match the file name`);
  const seen = new Set<string>();
  const weekend = new Set(y.weekend);
  const check = (d: string, what: string) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== d) problems.push(`${fileName}: ${what} ${d} is not a date`);
    else if (!d.startsWith(`${y.year}-`)) problems.push(`${fileName}: ${what} ${d} is outside ${y.year}`);
    if (seen.has(d)) problems.push(`${fileName}: ${d} listed twice`);
    seen.add(d);
    return new Date(t).getUTCDay();
  };
  for (const d of y.daysOff) {
    if (weekend.has(check(d.date, 'day off')))
      problems.push(`${fileName}: day off ${d.date} falls on a weekend (list its compensatory weekday instead)`);
  }
  for (const d of y.workingDays) {
    if (!weekend.has(check(d.date, 'working day')))
      problems.push(`${fileName}: make-up working day ${d.date} is not a weekend day`);
  }
  let last = -1;
  for (const [a, b] of y.workingHours) {
    if (toMinutes(a) >= toMinutes(b) || toMinutes(a) < last)
      problems.push(`${fileName}: working hours must be increasing, non-overlapping intervals`);
    last = toMinutes(b);
  }
  return problems;
}

/**
 * Builds the calendar from year files. A date in a year that has no file counts weekends only (and the
 * working hours of the newest year): the service logs at start which years are covered, and a year is
 * added by dropping a file in (docs/operations.md).
 */
export function createCalendar(files: CalendarYearFile[]): WorkingCalendar {
  if (files.length === 0)
    throw new OpsError('LT_OPS_CALENDAR_INVALID', 'no calendar year loaded', {
      kind: 'internal',
      messageVi: 'chưa có lịch làm việc năm nào',
    });
  const sorted = [...files].sort((a, b) => a.year - b.year);
  const byYear = new Map(sorted.map((f) => [f.year, f]));
  const newest = sorted[sorted.length - 1]!;
  const off = new Set(sorted.flatMap((f) => f.daysOff.map((d) => d.date)));
  const on = new Set(sorted.flatMap((f) => f.workingDays.map((d) => d.date)));
  const intervalsOf = (year: number) =>
    (byYear.get(year) ?? newest).workingHours.map(([a, b]) => [toMinutes(a), toMinutes(b)] as const);
  const weekendOf = (year: number) => new Set((byYear.get(year) ?? { weekend: [0, 6] }).weekend);
  const minutesPerDay = intervalsOf(newest.year).reduce((s, [a, b]) => s + (b - a), 0);
  const dayCache = new Map<string, boolean>();

  function isWorkingDay(date: string): boolean {
    const cached = dayCache.get(date);
    if (cached !== undefined) return cached;
    const year = Number(date.slice(0, 4));
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    const r = on.has(date) ? true : off.has(date) ? false : !weekendOf(year).has(dow);
    if (dayCache.size > 50_000) dayCache.clear();
    dayCache.set(date, r);
    return r;
  }

  /** Working intervals of the local day starting at `midnight`, as absolute [start, end) instants. */
  function intervalsOn(midnight: number): (readonly [number, number])[] {
    const date = localDateOf(midnight);
    if (!isWorkingDay(date)) return [];
    return intervalsOf(Number(date.slice(0, 4))).map(([a, b]) => [midnight + a * 60_000, midnight + b * 60_000] as const);
  }

  function workingMinutesBetween(aMs: number, bMs: number): number {
    if (!(bMs > aMs)) return 0;
    let total = 0;
    for (let day = localMidnight(aMs); day < bMs; day += DAY_MS) {
      for (const [s, e] of intervalsOn(day)) {
        const lo = Math.max(s, aMs);
        const hi = Math.min(e, bMs);
        if (hi > lo) total += hi - lo;
      }
    }
    return total / 60_000;
  }

  function addWorkingMinutes(fromMs: number, minutes: number): number {
    if (!(minutes > 0)) return fromMs;
    let left = minutes * 60_000;
    // Bounded: 10 years of days at most, so a bad input can never loop forever.
    for (let day = localMidnight(fromMs), n = 0; n < 3_700; day += DAY_MS, n++) {
      for (const [s, e] of intervalsOn(day)) {
        const lo = Math.max(s, fromMs);
        if (e <= lo) continue;
        if (e - lo >= left) return lo + left;
        left -= e - lo;
      }
    }
    throw new OpsError('LT_OPS_CALENDAR_RANGE', 'working time beyond ten years', {
      kind: 'invalid',
      messageVi: 'thời gian vượt quá 10 năm',
    });
  }

  return {
    years: sorted.map((f) => ({ year: f.year, status: f.status })),
    minutesPerDay,
    isWorkingDay,
    workingMinutesBetween,
    addWorkingMinutes,
    addWorkingDays: (fromMs, days) => addWorkingMinutes(fromMs, days * minutesPerDay),
  };
}

/** Loads and validates every `<year>.json` of a folder; throws listing every problem (start fails). */
export function loadCalendar(dir: string): WorkingCalendar {
  const names = readdirSync(dir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort();
  const problems: string[] = [];
  const files: CalendarYearFile[] = [];
  for (const name of names) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
    } catch (err) {
      problems.push(`${name}: not JSON (${(err as Error).message})`);
      continue;
    }
    const p = checkYearFile(parsed, name);
    if (p.length) problems.push(...p);
    else files.push(parsed as CalendarYearFile);
  }
  if (problems.length || files.length === 0) {
    const why = problems.length ? problems.join('; ') : `no <year>.json in ${dir}`;
    throw new OpsError('LT_OPS_CALENDAR_INVALID', `working-day calendar invalid: ${why}`, {
      kind: 'internal',
      messageVi: `lịch làm việc không hợp lệ: ${why}`,
    });
  }
  return createCalendar(files);
}

export { localDateOf };
