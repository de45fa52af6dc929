import type { PoolClient, RetryPolicy } from '@lienthong/platform';
import { enqueueOutbox, type OutboxRecord } from '../outbox/outbox.js';
import { deadLetterRecord, outcomeRecord } from '../outbox/outcomes.js';
import type { Version } from '../version.js';
import { settle, type CycleResult, type Settlement } from '../push/plan.js';
import type { PortalFailure } from '../push/portal.js';
import { decodeDossierRow, type DossierRow, type DossierRowRaw, type StepRow } from './rows.js';

/** The portal's own code and words for an outcome event, when it gave any. */
function portalWords(f: PortalFailure): { errorCode: string; portalCode?: string; portalMessage?: string } {
  return {
    errorCode: f.code,
    ...(f.portalCode ? { portalCode: f.portalCode } : {}),
    ...(f.portalMessage ? { portalMessage: f.portalMessage } : {}),
  };
}

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
 * the push is kept.
 */
export async function recordSnapshotsSynced(ctx: ResultContext, items: readonly SyncedSnapshot[]): Promise<void> {
  await inTransaction(ctx.client, async () => {
    // One statement for the whole call: a cycle's bookkeeping must cost little next to the portal call.
    await ctx.client.query(
      `UPDATE sync_dossier d SET portal_time = s.t, portal_seq = s.seq, portal_event_id = s.event_id, portal_status = s.status,
         portal_synced_at = now(), last_attempt_at = now(), total_attempts = d.total_attempts + 1,
         resync = CASE WHEN (d.snapshot_time, d.snapshot_seq) <= (s.t, s.seq) THEN false ELSE d.resync END,
         updated_at = now()
       FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[]) AS s(ma_ho_so, t, seq, event_id, status)
       WHERE d.ma_ho_so = s.ma_ho_so AND (d.portal_time IS NULL OR (d.portal_time, d.portal_seq) <= (s.t, s.seq))`,
      [
        items.map((i) => i.row.maHoSo),
        items.map((i) => new Date(i.version.timeMs)),
        items.map((i) => i.version.seq.toString()),
        items.map((i) => i.row.snapshotEvent!.id),
        items.map((i) => {
          const status = (i.row.snapshotEvent!.data as { TrangThaiHoSo?: unknown }).TrangThaiHoSo;
          return typeof status === 'string' ? status : null;
        }),
      ],
    );
    const outbox = items.map(({ row }) =>
      outcomeRecord(
        {
          maHoSo: row.maHoSo,
          outcome: 'synced',
          service: 'DongBoHoSoMC',
          sourceEventId: row.snapshotEvent!.id,
          attempts: row.attempts + 1,
        },
        ctx.now,
      ),
    );
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
      deadLetterRecord(event, {
        originalTopic: ctx.dossierTopic,
        version,
        errorCode: f.code,
        reason,
        ...(f.portalCode ? { portalCode: f.portalCode } : {}),
        attempts: row.attempts + 1,
        group: ctx.group,
        now: ctx.now,
      }),
      outcomeRecord(
        {
          maHoSo: row.maHoSo,
          outcome: 'rejected',
          service: 'DongBoHoSoMC',
          sourceEventId: event.id,
          attempts: row.attempts + 1,
          ...portalWords(f),
        },
        ctx.now,
      ),
    ]);
  });
}

/** Records steps the portal acknowledged, with one outcome per dossier. */
export async function recordStepsPushed(
  ctx: ResultContext,
  steps: readonly StepRow[],
  attemptsOf: (maHoSo: string) => number,
): Promise<void> {
  await inTransaction(ctx.client, async () => {
    await ctx.client.query(
      `UPDATE sync_progress p SET pushed_at = now(), last_error = NULL
         FROM unnest($1::text[], $2::text[]) AS s(ma_ho_so, step_key)
        WHERE p.ma_ho_so = s.ma_ho_so AND p.step_key = s.step_key`,
      [steps.map((s) => s.maHoSo), steps.map((s) => s.stepKey)],
    );
    // One outcome per step: each names the dossier event it reports on.
    const outbox = steps.map((s) =>
      outcomeRecord(
        {
          maHoSo: s.maHoSo,
          outcome: 'synced',
          service: 'CapNhatTienDoHoSoMC',
          sourceEventId: s.event.id,
          attempts: attemptsOf(s.maHoSo) + 1,
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
    await ctx.client.query(
      `UPDATE sync_progress SET rejected_at = now(), last_error = $3 WHERE ma_ho_so = $1 AND step_key = $2`,
      [step.maHoSo, step.stepKey, `${f.code}: ${reason}`.slice(0, 2_000)],
    );
    await enqueueOutbox(ctx.client, [
      deadLetterRecord(step.event, {
        originalTopic: ctx.dossierTopic,
        version: step.version,
        errorCode: f.code,
        reason,
        ...(f.portalCode ? { portalCode: f.portalCode } : {}),
        attempts: attempts + 1,
        group: ctx.group,
        now: ctx.now,
      }),
      outcomeRecord(
        {
          maHoSo: step.maHoSo,
          outcome: 'rejected',
          service: 'CapNhatTienDoHoSoMC',
          sourceEventId: step.event.id,
          attempts: attempts + 1,
          ...portalWords(f),
        },
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
export async function settleCycle(
  ctx: ResultContext,
  results: ReadonlyMap<string, CycleResult>,
  policy: RetryPolicy,
): Promise<Map<string, Settlement>> {
  const keys = [...results.keys()];
  const out = new Map<string, Settlement>();
  if (keys.length === 0) return out;
  await inTransaction(ctx.client, async () => {
    const rows = await ctx.client.query<DossierRowRaw>(
      `SELECT * FROM sync_dossier WHERE ma_ho_so = ANY($1::text[]) ORDER BY ma_ho_so FOR UPDATE`,
      [keys],
    );
    const counts = await ctx.client.query<{ ma_ho_so: string; pending: string; rejected: string }>(
      `SELECT ma_ho_so, count(*) FILTER (WHERE pushed_at IS NULL AND rejected_at IS NULL) AS pending,
              count(*) FILTER (WHERE pushed_at IS NULL AND rejected_at IS NOT NULL) AS rejected
         FROM sync_progress WHERE ma_ho_so = ANY($1::text[]) GROUP BY ma_ho_so`,
      [keys],
    );
    const countOf = new Map(counts.rows.map((c) => [c.ma_ho_so, c]));
    const outbox: OutboxRecord[] = [];
    const updates: { maHoSo: string; s: Settlement; f: PortalFailure | undefined }[] = [];
    for (const raw of rows.rows) {
      const row = decodeDossierRow(raw);
      const c = countOf.get(row.maHoSo);
      const s = settle(row, Number(c?.pending ?? 0), Number(c?.rejected ?? 0), results.get(row.maHoSo) ?? {}, policy);
      out.set(row.maHoSo, s);
      const f = s.retrying;
      updates.push({ maHoSo: row.maHoSo, s, f });
      if (f) {
        outbox.push(
          outcomeRecord(
            {
              maHoSo: row.maHoSo,
              outcome: 'retrying',
              service: results.get(row.maHoSo)?.failedService ?? 'DongBoHoSoMC',
              ...(results.get(row.maHoSo)?.failedService !== 'CapNhatTienDoHoSoMC' && row.snapshotEvent
                ? { sourceEventId: row.snapshotEvent.id }
                : {}),
              attempts: s.attempts,
              ...portalWords(f),
            },
            ctx.now,
          ),
        );
      }
    }
    await ctx.client.query(
      `UPDATE sync_dossier d SET state = u.state,
         due_at = CASE WHEN u.due_in IS NULL THEN NULL ELSE now() + (u.due_in * interval '1 millisecond') END,
         attempts = u.attempts, total_attempts = d.total_attempts + u.failed,
         last_error_code = CASE WHEN u.code IS NOT NULL THEN u.code WHEN u.state = 'synced' THEN NULL ELSE d.last_error_code END,
         last_error = CASE WHEN u.code IS NOT NULL THEN u.message WHEN u.state = 'synced' THEN NULL ELSE d.last_error END,
         last_attempt_at = CASE WHEN u.code IS NOT NULL THEN now() ELSE d.last_attempt_at END,
         updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::int[], $6::text[], $7::text[])
         AS u(ma_ho_so, state, due_in, attempts, failed, code, message)
       WHERE d.ma_ho_so = u.ma_ho_so`,
      [
        updates.map((u) => u.maHoSo),
        updates.map((u) => u.s.state),
        updates.map((u) => u.s.dueInMs),
        updates.map((u) => u.s.attempts),
        updates.map((u) => (u.f ? 1 : 0)),
        updates.map((u) => u.f?.code ?? null),
        updates.map((u) => u.f?.message ?? null),
      ],
    );
    await enqueueOutbox(ctx.client, outbox);
  });
  return out;
}
