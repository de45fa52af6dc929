import type { PoolClient, RetryPolicy } from '@lienthong/platform';
import { enqueueOutbox, type OutboxRecord } from '../outbox/outbox.js';
import { deadLetterRecord, outcomeRecord } from '../outbox/outcomes.js';
import { formatVersion, type Version } from '../version.js';
import { settle, type CycleResult, type Settlement } from '../push/plan.js';
import type { PortalFailure } from '../push/portal.js';
import { decodeDossierRow, type DossierRow, type DossierRowRaw, type StepRow } from './rows.js';

/** Runs fn in a transaction on a client the caller holds (the worker keeps its connection for its locks). */
export async function inTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const r = await fn();
    await client.query('COMMIT');
    return r;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

export interface ResultContext {
  client: PoolClient;
  now: Date;
  /** dossier.events.v1 with its namespace, for the dead letters' headers. */
  dossierTopic: string;
  group: string;
}

export interface SyncedSnapshot {
  row: DossierRow;
  version: Version;
}

/**
 * Records snapshots the portal acknowledged. The portal version only moves forward (the WHERE), and
 * `resync` is cleared only if what went out is at least the newest snapshot: a resync asked for during
 * the push is kept. Returns the rows actually advanced.
 */
export async function recordSnapshotsSynced(ctx: ResultContext, items: readonly SyncedSnapshot[]): Promise<void> {
  await inTransaction(ctx.client, async () => {
    const outbox: OutboxRecord[] = [];
    for (const { row, version } of items) {
      const event = row.snapshotEvent!;
      const status = (event.data as { TrangThaiHoSo?: unknown }).TrangThaiHoSo;
      await ctx.client.query(
        `UPDATE sync_dossier SET portal_time = $2, portal_seq = $3, portal_event_id = $4, portal_status = $5,
           portal_synced_at = now(), last_attempt_at = now(), total_attempts = total_attempts + 1,
           resync = CASE WHEN (snapshot_time, snapshot_seq) <= ($2, $3) THEN false ELSE resync END,
           updated_at = now()
         WHERE ma_ho_so = $1 AND (portal_time IS NULL OR (portal_time, portal_seq) <= ($2, $3))`,
        [row.maHoSo, new Date(version.timeMs), version.seq.toString(), event.id, typeof status === 'string' ? status : null],
      );
      outbox.push(
        outcomeRecord(
          {
            maHoSo: row.maHoSo,
            outcome: 'synced',
            service: 'DongBoHoSoMC',
            eventIds: [event.id],
            version: formatVersion(version),
            attempts: row.attempts + 1,
            lagMs: Math.max(0, ctx.now.getTime() - version.timeMs),
          },
          ctx.now,
        ),
      );
    }
    await enqueueOutbox(ctx.client, outbox);
  });
}

/** Records a permanent refusal of a snapshot: remembered by version, dead-lettered with the portal's reason. */
export async function recordSnapshotRejected(ctx: ResultContext, row: DossierRow, f: PortalFailure): Promise<void> {
  const version = row.snapshotVersion!;
  const event = row.snapshotEvent!;
  const reason = f.portalMessage ?? f.message;
  await inTransaction(ctx.client, async () => {
    await ctx.client.query(
      `UPDATE sync_dossier SET rejected_time = $2, rejected_seq = $3,
         resync = CASE WHEN (snapshot_time, snapshot_seq) <= ($2, $3) THEN false ELSE resync END,
         last_error_code = $4, last_error = $5, last_attempt_at = now(), total_attempts = total_attempts + 1, updated_at = now()
       WHERE ma_ho_so = $1`,
      [row.maHoSo, new Date(version.timeMs), version.seq.toString(), f.code, reason.slice(0, 2_000)],
    );
    await enqueueOutbox(ctx.client, [
      deadLetterRecord(event, { originalTopic: ctx.dossierTopic, version, errorCode: f.code, reason, ...(f.portalCode ? { portalCode: f.portalCode } : {}), attempts: row.attempts + 1, group: ctx.group, now: ctx.now }),
      outcomeRecord(
        { maHoSo: row.maHoSo, outcome: 'rejected', service: 'DongBoHoSoMC', eventIds: [event.id], version: formatVersion(version), attempts: row.attempts + 1, errorCode: f.code, ...(f.portalCode ? { portalCode: f.portalCode } : {}), reason: reason.slice(0, 2_000) },
        ctx.now,
      ),
    ]);
  });
}

/** Records steps the portal acknowledged, with one outcome per dossier. */
export async function recordStepsPushed(ctx: ResultContext, steps: readonly StepRow[], attemptsOf: (maHoSo: string) => number): Promise<void> {
  await inTransaction(ctx.client, async () => {
    await ctx.client.query(
      `UPDATE sync_progress p SET pushed_at = now(), last_error = NULL
         FROM unnest($1::text[], $2::text[]) AS s(ma_ho_so, step_key)
        WHERE p.ma_ho_so = s.ma_ho_so AND p.step_key = s.step_key`,
      [steps.map((s) => s.maHoSo), steps.map((s) => s.stepKey)],
    );
    const byDossier = new Map<string, StepRow[]>();
    for (const s of steps) byDossier.set(s.maHoSo, [...(byDossier.get(s.maHoSo) ?? []), s]);
    const outbox = [...byDossier].map(([maHoSo, list]) =>
      outcomeRecord(
        {
          maHoSo,
          outcome: 'synced',
          service: 'CapNhatTienDoHoSoMC',
          eventIds: list.map((s) => s.event.id),
          version: null,
          attempts: attemptsOf(maHoSo) + 1,
          lagMs: Math.max(0, ctx.now.getTime() - Math.min(...list.map((s) => s.version.timeMs))),
        },
        ctx.now,
      ),
    );
    await enqueueOutbox(ctx.client, outbox);
  });
}

/** Records a permanent refusal of one step: it is not sent again until a replay. */
export async function recordStepRejected(ctx: ResultContext, step: StepRow, attempts: number, f: PortalFailure): Promise<void> {
  const reason = f.portalMessage ?? f.message;
  await inTransaction(ctx.client, async () => {
    await ctx.client.query(`UPDATE sync_progress SET rejected_at = now(), last_error = $3 WHERE ma_ho_so = $1 AND step_key = $2`, [
      step.maHoSo,
      step.stepKey,
      `${f.code}: ${reason}`.slice(0, 2_000),
    ]);
    await enqueueOutbox(ctx.client, [
      deadLetterRecord(step.event, { originalTopic: ctx.dossierTopic, version: step.version, errorCode: f.code, reason, ...(f.portalCode ? { portalCode: f.portalCode } : {}), attempts: attempts + 1, group: ctx.group, now: ctx.now }),
      outcomeRecord(
        { maHoSo: step.maHoSo, outcome: 'rejected', service: 'CapNhatTienDoHoSoMC', eventIds: [step.event.id], version: null, attempts: attempts + 1, errorCode: f.code, ...(f.portalCode ? { portalCode: f.portalCode } : {}), reason: reason.slice(0, 2_000) },
        ctx.now,
      ),
    ]);
  });
}

/**
 * Ends a cycle: re-reads each claimed dossier under its row lock (so a version ingested during the push
 * is seen and keeps the dossier due) and writes its state, next due time and retry bookkeeping, plus a
 * `retrying` outcome for each dossier that failed transiently.
 */
export async function settleCycle(ctx: ResultContext, results: ReadonlyMap<string, CycleResult>, policy: RetryPolicy): Promise<Map<string, Settlement>> {
  const keys = [...results.keys()];
  const out = new Map<string, Settlement>();
  if (keys.length === 0) return out;
  await inTransaction(ctx.client, async () => {
    const rows = await ctx.client.query<DossierRowRaw>(`SELECT * FROM sync_dossier WHERE ma_ho_so = ANY($1::text[]) ORDER BY ma_ho_so FOR UPDATE`, [keys]);
    const counts = await ctx.client.query<{ ma_ho_so: string; pending: string; rejected: string }>(
      `SELECT ma_ho_so, count(*) FILTER (WHERE pushed_at IS NULL AND rejected_at IS NULL) AS pending,
              count(*) FILTER (WHERE pushed_at IS NULL AND rejected_at IS NOT NULL) AS rejected
         FROM sync_progress WHERE ma_ho_so = ANY($1::text[]) GROUP BY ma_ho_so`,
      [keys],
    );
    const countOf = new Map(counts.rows.map((c) => [c.ma_ho_so, c]));
    const outbox: OutboxRecord[] = [];
    for (const raw of rows.rows) {
      const row = decodeDossierRow(raw);
      const c = countOf.get(row.maHoSo);
      const s = settle(row, Number(c?.pending ?? 0), Number(c?.rejected ?? 0), results.get(row.maHoSo) ?? {}, policy);
      out.set(row.maHoSo, s);
      const f = s.retrying;
      await ctx.client.query(
        `UPDATE sync_dossier SET state = $2,
           due_at = CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() + ($3::bigint * interval '1 millisecond') END,
           attempts = $4, total_attempts = total_attempts + $5,
           last_error_code = CASE WHEN $6::text IS NOT NULL THEN $6 WHEN $2 = 'synced' THEN NULL ELSE last_error_code END,
           last_error = CASE WHEN $6::text IS NOT NULL THEN $7 WHEN $2 = 'synced' THEN NULL ELSE last_error END,
           last_attempt_at = CASE WHEN $6::text IS NOT NULL THEN now() ELSE last_attempt_at END,
           updated_at = now()
         WHERE ma_ho_so = $1`,
        [row.maHoSo, s.state, s.dueInMs, s.attempts, f ? 1 : 0, f?.code ?? null, f?.message ?? null],
      );
      if (f) {
        outbox.push(
          outcomeRecord(
            {
              maHoSo: row.maHoSo,
              outcome: 'retrying',
              service: results.get(row.maHoSo)?.failedService ?? 'DongBoHoSoMC',
              eventIds: row.snapshotEvent ? [row.snapshotEvent.id] : [],
              version: formatVersion(row.snapshotVersion),
              attempts: s.attempts,
              errorCode: f.code,
              reason: f.message,
              nextAttemptAt: new Date(ctx.now.getTime() + (s.dueInMs ?? 0)).toISOString(),
            },
            ctx.now,
          ),
        );
      }
    }
    await enqueueOutbox(ctx.client, outbox);
  });
  return out;
}
