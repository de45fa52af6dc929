import { describe, expect, it } from 'vitest';
import { apologyWarnings, type DossierDeadlineState } from './apology-warnings.js';

const t = (local: string) => new Date(`${local}:00+07:00`);
const open: DossierDeadlineState = { due_at: null, overdue_at: null, end_at: null, clock_stopped: false };
const weekdays = (d: string) => ![0, 6].includes(new Date(`${d}T12:00:00+07:00`).getUTCDay());
const codes = (w: ReturnType<typeof apologyWarnings>) => w.map((x) => `${x.path} ${x.code}`);

describe('apologyWarnings', () => {
  const now = t('2024-05-08T10:00');

  it('nothing to say of a dossier past its deadline, with a new working day', () => {
    const late = { ...open, due_at: t('2024-05-07T17:00'), overdue_at: t('2024-05-07T17:00') };
    expect(apologyWarnings(late, now, '2024-05-10', weekdays)).toEqual([]);
  });

  it('at the deadline’s own minute the dossier is still on time (as the deadline scan reads it)', () => {
    const due = { ...open, due_at: now, overdue_at: now };
    expect(codes(apologyWarnings(due, now, '2024-05-10', weekdays))).toEqual(['/MaHoSo LT_OPS_APOLOGY_NOT_OVERDUE']);
    const oneMinuteLate = new Date(now.getTime() + 60_000);
    expect(apologyWarnings(due, oneMinuteLate, '2024-05-10', weekdays)).toEqual([]);
  });

  it('says why the hub does not count it as overdue: no deadline, the clock stopped, not passed, finished', () => {
    const noDeadline = apologyWarnings(open, now, '2024-05-10', weekdays);
    expect(noDeadline[0]!.message_en).toMatch(/no deadline/);
    const stopped = apologyWarnings({ ...open, due_at: t('2024-05-03T17:00'), clock_stopped: true }, now, '2024-05-10', weekdays);
    expect(stopped[0]!.message_en).toMatch(/supplement request is open/);
    expect(stopped[0]!.message).toMatch(/bổ sung/);
    const notYet = apologyWarnings({ ...open, overdue_at: t('2024-05-09T17:00') }, now, '2024-05-10', weekdays);
    expect(notYet[0]!.message_en).toContain('09/05/2024 17:00');
    const ended = apologyWarnings(
      { ...open, overdue_at: t('2024-05-03T17:00'), end_at: t('2024-05-06T09:00') },
      now,
      '2024-05-10',
      weekdays,
    );
    expect(codes(ended)).toEqual(['/MaHoSo LT_OPS_APOLOGY_DOSSIER_ENDED']);
    expect(ended[0]!.message).toContain('06/05/2024 09:00');
  });

  it('a new date off the calendar is a warning on /newDueDate, beside any other', () => {
    expect(codes(apologyWarnings(open, now, '2024-05-11', weekdays))).toEqual([
      '/MaHoSo LT_OPS_APOLOGY_NOT_OVERDUE',
      '/newDueDate LT_OPS_APOLOGY_NOT_WORKING_DAY',
    ]);
  });
});
