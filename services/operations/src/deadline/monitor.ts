import cron, { type ScheduledTask } from 'node-cron';
import { createEvent, type CloudEvent } from '@lienthong/events';
import type { Clock, Logger, Pool } from '@lienthong/platform';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { checkSchemaName } from '../read-model/schema.js';
import { enqueueEvent } from '../outbox.js';
import type { DeadlineMetrics } from './metrics.js';

export const DUE_SOON = 'vn.lienthong.dossier.due-soon';
export const OVERDUE = 'vn.lienthong.dossier.overdue';
export const deadlineSchemaId = 'https://lienthong.gov.vn/schemas/events/dossier-deadline.v1.json';

/** `data` of a due-soon / overdue event (schemas/events/dossier-deadline.v1.json). */
export interface DeadlineEventData {
  MaHoSo: string;
  agencyCode: string;
  kind: 'due-soon' | 'overdue';
  deadline: string;
  NgayHenTra: string | null;
  TrangThaiHoSo: number | null;
  workingMinutesLate: number;
  workingMinutesLeft: number;
  daysLate: number;
  secondSupplementRequest: boolean;
  detectedAt: string;
}

const VN_OFFSET_MS = 7 * 3_600_000;
const to14 = (d: Date | null) =>
  d ? new Date(d.getTime() + VN_OFFSET_MS).toISOString().replace(/[-:T]/g, '').slice(0, 14) : null;

/** The CloudEvent of a transition; its id is derived from dossier, kind and deadline (one per transition). */
export function deadlineEvent(data: DeadlineEventData, at: Date): CloudEvent<DeadlineEventData> {
  return createEvent({
    id: `deadline-${data.MaHoSo}-${data.kind}-${Date.parse(data.deadline)}`,
    source: 'urn:lienthong:operations',
    type: data.kind === 'overdue' ? OVERDUE : DUE_SOON,
    subject: data.MaHoSo,
    dataschema: deadlineSchemaId,
    data,
    time: at,
  });
}

export interface DeadlineMonitor {
  /** One scan at the clock's now: records and queues every new transition; returns how many. */
  scanOnce(): Promise<{ overdue: number; dueSoon: number; leader: boolean }>;
  schedule(expression: string): void;
  stop(): Promise<void>;
}

interface Candidate {
  ma_ho_so: string;
  agency_code: string;
  due_at: Date;
  overdue_at: Date;
  ngay_hen_tra: Date | null;
  trang_thai: number | null;
  supp2_req: Date | null;
}

const LOCK = "hashtext('lienthong-operations-deadline')";

/**
 * Finds dossiers that became overdue or due soon (issue 9 §4). `overdue_at` is derived by the read model
 * (deriveDossier): NgayHenTra (or NgayTiepNhan + the legal time) moved by a completed supplement round,
 * null while one supplement request is open (the clock stops), the second request's time when there is one.
 *
 * Exactly once per dossier, kind and deadline: the transition is an INSERT into ops_deadline_notice with
 * that primary key, and the event is queued in the outbox in the same transaction, so a restart mid-run,
 * two instances, or a scan repeated after a crash can never announce it twice. Only one instance scans at
 * a time (the leader: whoever holds the transaction-scoped advisory lock), so two schedulers never race.
 */
export function createDeadlineMonitor(deps: {
  pool: Pool;
  schema: string;
  calendar: WorkingCalendar;
  clock: Clock;
  logger: Logger;
  dueSoonWorkingHours: number;
  onQueued?: () => void;
  metrics?: DeadlineMetrics;
}): DeadlineMonitor {
  const s = checkSchemaName(deps.schema);
  const log = deps.logger.child({ component: 'deadline-monitor' });
  let task: ScheduledTask | undefined;
  let inFlight: Promise<unknown> | undefined;

  async function scanOnce() {
    const now = deps.clock.now();
    const bound = new Date(deps.calendar.addWorkingMinutes(now.getTime(), deps.dueSoonWorkingHours * 60));
    const c = await deps.pool.connect();
    try {
      await c.query('BEGIN');
      const lock = (await c.query(`SELECT pg_try_advisory_xact_lock(${LOCK}) AS ok`)).rows[0] as { ok: boolean };
      if (!lock.ok) {
        await c.query('COMMIT');
        return { overdue: 0, dueSoon: 0, leader: false };
      }
      const pick = (kind: 'overdue' | 'due-soon', cond: string) =>
        c.query(
          `SELECT d.ma_ho_so, d.agency_code, d.due_at, d.overdue_at, d.ngay_hen_tra, d.trang_thai, d.supp2_req FROM ${s}.dossier d
           WHERE ${cond} AND d.end_at IS NULL AND (d.trang_thai IS NULL OR d.trang_thai NOT IN (3, 7, 8, 9, 10))
             AND NOT EXISTS (SELECT 1 FROM ops_deadline_notice n WHERE n.ma_ho_so = d.ma_ho_so AND n.kind = '${kind}' AND n.deadline = d.due_at)
           ORDER BY d.overdue_at LIMIT 2000`,
          kind === 'overdue' ? [now] : [now, bound],
        );
      // Overdue once the deadline has passed: at the deadline's own minute the dossier is still on time.
      const overdue = (await pick('overdue', 'd.overdue_at < $1')).rows as Candidate[];
      const dueSoon = (await pick('due-soon', 'd.overdue_at >= $1 AND d.overdue_at <= $2')).rows as Candidate[];
      const counts = { overdue: 0, dueSoon: 0 };
      for (const [kind, list] of [
        ['overdue', overdue],
        ['due-soon', dueSoon],
      ] as const) {
        for (const r of list) {
          const ins = await c.query(
            `INSERT INTO ops_deadline_notice (ma_ho_so, kind, deadline, agency_code, detected_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
            [r.ma_ho_so, kind, r.due_at, r.agency_code, now],
          );
          if (!ins.rowCount) continue;
          const late =
            kind === 'overdue' ? Math.round(deps.calendar.workingMinutesBetween(r.overdue_at.getTime(), now.getTime())) : 0;
          const left =
            kind === 'due-soon' ? Math.round(deps.calendar.workingMinutesBetween(now.getTime(), r.overdue_at.getTime())) : 0;
          await enqueueEvent(
            c,
            deadlineEvent(
              {
                MaHoSo: r.ma_ho_so,
                agencyCode: r.agency_code,
                kind,
                deadline: r.due_at.toISOString(),
                NgayHenTra: to14(r.ngay_hen_tra),
                TrangThaiHoSo: r.trang_thai,
                workingMinutesLate: late,
                workingMinutesLeft: left,
                daysLate: Math.floor(late / deps.calendar.minutesPerDay),
                secondSupplementRequest: r.supp2_req !== null && r.supp2_req.getTime() <= r.overdue_at.getTime(),
                detectedAt: now.toISOString(),
              },
              now,
            ),
          );
          if (kind === 'overdue') counts.overdue++;
          else counts.dueSoon++;
        }
      }
      await c.query('COMMIT');
      deps.metrics?.transitions.inc({ kind: 'overdue' }, counts.overdue);
      deps.metrics?.transitions.inc({ kind: 'due-soon' }, counts.dueSoon);
      if (counts.overdue || counts.dueSoon) {
        log.info(counts, 'deadline transitions recorded');
        deps.onQueued?.();
      }
      return { ...counts, leader: true };
    } catch (err) {
      deps.metrics?.failures.inc({ stage: 'scan' });
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  return {
    scanOnce,
    schedule(expression) {
      if (!cron.validate(expression)) throw new Error(`OPERATIONS_DEADLINE_CRON: invalid cron expression "${expression}"`);
      task = cron.schedule(
        expression,
        async () => {
          inFlight = scanOnce().catch((err) => log.error({ err }, 'deadline scan failed'));
          await inFlight;
          inFlight = undefined;
        },
        { name: 'operations-deadline', noOverlap: true },
      );
    },
    async stop() {
      if (task) {
        await task.stop();
        await task.destroy();
      }
      await inFlight;
    },
  };
}
