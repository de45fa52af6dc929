import type { WorkingCalendar } from '../calendar/calendar.js';
import type { SnapshotFacts, StepFacts } from './facts.js';

/** What the catalogue says of the dossier's procedure (LayThuTuc, reference §5), when known. */
export interface ProcedureTerms {
  /** THOIGIANGIAIQUYET of the procedure (the largest over channels [inf]). */
  legalDays: number | null;
  /** DONVITINH mentions "làm việc" → working days; otherwise calendar days [inf]. */
  workingDays: boolean;
}

/** The derived columns of a dossier: everything the deadline job and the 766 rules read. */
export interface Derived {
  startAt: number | null;
  endAt: number | null;
  endStatus: number | null;
  suppCount: number;
  supp1Req: number | null;
  supp1Done: number | null;
  supp2Req: number | null;
  /** One supplement request open and no second: the clock is stopped (2.1). */
  clockStopped: boolean;
  /** NgayHenTra, or NgayTiepNhan + the procedure's legal time when NgayHenTra is missing (2.1). */
  dueBase: number | null;
  /** dueBase moved by the citizen's time of a completed first round, in working time [inf]. */
  dueAt: number | null;
  /** When the dossier is (or becomes) overdue; null when it ended, its clock is stopped, or no deadline is known. */
  overdueAt: number | null;
  /** 2.2: resolution time of a dossier finished as 9 or 10, less the citizen's supplement time. */
  resolutionWorkingMinutes: number | null;
  resolutionCalendarMs: number | null;
}

const minOf = (xs: number[]) => (xs.length ? Math.min(...xs) : undefined);

/**
 * End time by the 766 priority (indicators-766.md 2.1): 9 > 10 > 8/refused (3) > 7 (withdrawn, only if the
 * dossier had been received). Step times come first; the snapshot's dates stand in when no step carries
 * the status (NgayKetThucXuLy for 9, NgayTra for 10, NgayTuChoi for 3/8 [inf]).
 */
function endOf(snap: SnapshotFacts | null, steps: StepFacts[], received: boolean): { at: number; status: number } | undefined {
  const at = (...codes: number[]) => minOf(steps.filter((s) => codes.includes(s.trangThai)).map((s) => s.at));
  const st = snap?.trangThai ?? null;
  const nine = at(9) ?? (st === 9 || st === 10 ? (snap?.ngayKetThuc ?? undefined) : undefined);
  if (nine !== undefined) return { at: nine, status: 9 };
  const ten = at(10) ?? (st === 10 ? (snap?.ngayTra ?? snap?.ngayKetThuc ?? undefined) : undefined);
  if (ten !== undefined) return { at: ten, status: 10 };
  const refused = at(8, 3) ?? (st === 8 || st === 3 ? (snap?.ngayTuChoi ?? snap?.ngayKetThuc ?? undefined) : undefined);
  if (refused !== undefined) return { at: refused, status: st === 3 ? 3 : 8 };
  if (received) {
    const withdrawn = at(7) ?? (st === 7 ? (snap?.ngayKetThuc ?? undefined) : undefined);
    if (withdrawn !== undefined) return { at: withdrawn, status: 7 };
  }
  return undefined;
}

/**
 * Supplement rounds from the steps: a step with TrangThai 5 opens a round (consecutive 5s are one round),
 * the next step with any other status closes it (the citizen supplied, processing resumed) [inf: the
 * standard has no "supplement received" status]. Without 5-steps, DanhSachHoSoBoSung's rounds are used;
 * a snapshot whose status is 5 with no round known opens one at the snapshot's acceptance time [inf].
 */
function roundsOf(snap: SnapshotFacts | null, steps: StepFacts[], snapTimeMs: number | null): [number, number | null][] {
  const rounds: [number, number | null][] = [];
  let open: number | undefined;
  for (const s of steps) {
    if (s.trangThai === 5) {
      if (open === undefined) open = s.at;
    } else if (open !== undefined) {
      rounds.push([open, s.at]);
      open = undefined;
    }
  }
  if (open !== undefined) rounds.push([open, null]);
  if (rounds.length === 0 && snap) rounds.push(...[...snap.supplementRounds].sort((a, b) => a[0] - b[0]));
  if (rounds.length === 0 && snap?.trangThai === 5 && snapTimeMs !== null) rounds.push([snapTimeMs, null]);
  return rounds;
}

/**
 * Derives a dossier's deadline state from the set of its facts. Pure and order-free: steps are sorted by
 * their own ThoiDiemXuLy here, so the same set of facts gives the same columns whatever order the events
 * arrived in (the idempotency argument of store.ts relies on this).
 */
export function deriveDossier(input: {
  snap: SnapshotFacts | null;
  snapTimeMs: number | null;
  steps: StepFacts[];
  procedure: ProcedureTerms | null;
  calendar: WorkingCalendar;
}): Derived {
  const { snap, calendar } = input;
  const steps = [...input.steps].sort((a, b) => a.at - b.at || a.trangThai - b.trangThai);
  const startAt = snap?.ngayTiepNhan ?? minOf(steps.filter((s) => s.trangThai === 2).map((s) => s.at)) ?? null;
  const end = endOf(snap, steps, startAt !== null);
  const rounds = roundsOf(snap, steps, input.snapTimeMs);
  const [r1, r2] = rounds;

  let dueBase: number | null = snap?.ngayHenTra ?? null;
  const terms = input.procedure;
  if (dueBase === null && startAt !== null && terms?.legalDays) {
    dueBase = terms.workingDays ? calendar.addWorkingDays(startAt, terms.legalDays) : startAt + terms.legalDays * 86_400_000;
  }
  let dueAt = dueBase;
  if (dueBase !== null && r1 && r1[1] !== null && r1[0] < dueBase) {
    // The citizen's time does not count: the working time left when the request went out resumes when the
    // supplement came in (so a round across a weekend or Tết moves the deadline by working minutes) [inf].
    const left = calendar.workingMinutesBetween(r1[0], dueBase);
    dueAt = calendar.addWorkingMinutes(Math.max(r1[1], r1[0]), left);
  }
  const clockStopped = !!r1 && r1[1] === null && !r2;
  let overdueAt: number | null = null;
  if (!end && dueAt !== null) {
    if (r2)
      overdueAt = Math.min(r2[0], dueAt); // a second request makes the dossier overdue (2.1)
    else if (!clockStopped) overdueAt = dueAt;
  }

  let resolutionWorkingMinutes: number | null = null;
  let resolutionCalendarMs: number | null = null;
  if (end && (end.status === 9 || end.status === 10) && startAt !== null && end.at >= startAt) {
    const closed = rounds.filter((r): r is [number, number] => r[1] !== null && r[1] <= end.at);
    resolutionCalendarMs = Math.max(0, end.at - startAt - closed.reduce((s, [a, b]) => s + Math.max(0, b - a), 0));
    resolutionWorkingMinutes = Math.max(
      0,
      calendar.workingMinutesBetween(startAt, end.at) - closed.reduce((s, [a, b]) => s + calendar.workingMinutesBetween(a, b), 0),
    );
  }

  return {
    startAt,
    endAt: end?.at ?? null,
    endStatus: end?.status ?? null,
    suppCount: rounds.length,
    supp1Req: r1?.[0] ?? null,
    supp1Done: r1?.[1] ?? null,
    supp2Req: r2?.[0] ?? null,
    clockStopped,
    dueBase,
    dueAt,
    overdueAt,
    resolutionWorkingMinutes,
    resolutionCalendarMs,
  };
}
