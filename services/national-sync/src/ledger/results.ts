import type { PoolClient, RetryPolicy } from '@lienthong/platform';
import { enqueueOutbox, outboxInsertSql, outboxJson, type OutboxRecord } from '../outbox/outbox.js';
import { deadLetterRecord, outcomeRecord, type PortalService } from '../outbox/outcomes.js';
import { compareVersions, type Version } from '../version.js';
import { settle, type CycleResult, type Settlement } from '../push/plan.js';
import type { PortalFailure } from '../push/portal.js';
import { handOverPushLocksSql } from './claim.js';
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

/** The synced outcomes of snapshots the portal acknowledged. */
function syncedOutcomes(rows: readonly DossierRow[], now: Date): OutboxRecord[] {
  return rows.map((row) =>
    outcomeRecord(
      {
        maHoSo: row.maHoSo,
        outcome: 'synced',
        service: 'DongBoHoSoMC',
        sourceEventId: row.snapshotEvent!.id,
        attempts: row.attempts + 1,
      },
      now,
    ),
  );
}

/** The portal status a snapshot carries (its TrangThaiHoSo), for portal_status. */
function statusOf(row: DossierRow): string | null {
  const status = (row.snapshotEvent?.data as { TrangThaiHoSo?: unknown } | undefined)?.TrangThaiHoSo;
  return typeof status === 'string' ? status : null;
}

/**
 * Records snapshots the portal acknowledged, and their outcomes, in one statement (atomic without a
 * transaction of its own). The portal version only moves forward (the WHERE), and `resync` is cleared only
 * if what went out is at least the newest snapshot and nobody wrote the row since the claim (its xmin is
 * still the claimed one): a resync asked for during the push (a fee settlement, a replay, the reconciler)
 * is kept, and the dossier pushed again rather than the request lost.
 *
 * A push cycle records its acknowledged snapshots with its settlement (settleCycle), in the statement that
 * ends the cycle; this is the settlement's path for a dossier written to during the push.
 */
export async function recordSnapshotsSynced(ctx: ResultContext, items: readonly SyncedSnapshot[]): Promise<void> {
  if (items.length === 0) return;
  await ctx.client.query(
    `WITH s AS (
       UPDATE sync_dossier d SET portal_time = s.t, portal_seq = s.seq, portal_event_id = s.event_id, portal_status = s.status,
         portal_synced_at = now(), last_attempt_at = now(), total_attempts = d.total_attempts + 1,
         resync = CASE WHEN d.xmin = s.row_version AND (d.snapshot_time, d.snapshot_seq) <= (s.t, s.seq) THEN false ELSE d.resync END,
         updated_at = now()
       FROM unnest($1::text[], $2::timestamptz[], $3::bigint[], $4::text[], $5::text[], $6::xid[])
         AS s(ma_ho_so, t, seq, event_id, status, row_version)
       WHERE d.ma_ho_so = s.ma_ho_so AND (d.portal_time IS NULL OR (d.portal_time, d.portal_seq) <= (s.t, s.seq))
       RETURNING d.ma_ho_so)
     ${outboxInsertSql('$7')}`,
    [
      items.map((i) => i.row.maHoSo),
      items.map((i) => new Date(i.version.timeMs)),
      items.map((i) => i.version.seq.toString()),
      items.map((i) => i.row.snapshotEvent!.id),
      items.map((i) => statusOf(i.row)),
      items.map((i) => i.row.rowVersion ?? null),
      outboxJson(
        syncedOutcomes(
          items.map((i) => i.row),
          ctx.now,
        ),
      ),
    ],
  );
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

/** Records steps the portal acknowledged, with one outcome per step, in one statement. */
export async function recordStepsPushed(
  ctx: ResultContext,
  steps: readonly StepRow[],
  attemptsOf: (maHoSo: string) => number,
): Promise<void> {
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
  await ctx.client.query(
    `WITH p AS (
       UPDATE sync_progress p SET pushed_at = now(), last_error = NULL
         FROM unnest($1::text[], $2::text[]) AS s(ma_ho_so, step_key)
        WHERE p.ma_ho_so = s.ma_ho_so AND p.step_key = s.step_key
        RETURNING p.ma_ho_so)
     ${outboxInsertSql('$3')}`,
    [steps.map((s) => s.maHoSo), steps.map((s) => s.stepKey), outboxJson(outbox)],
  );
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

/** A settlement to write: the dossier, what was decided, and (optimistic) the step counts it was decided on. */
interface PlannedSettlement {
  row: DossierRow;
  s: Settlement;
  service: PortalService;
  /** The snapshot the portal acknowledged in the cycle, recorded with the settlement. */
  synced: boolean;
  pending: number | null;
  rejected: number | null;
}

/**
 * One statement that ends a push cycle for the dossiers of `$1…$14`: records the snapshots the portal
 * acknowledged (as recordSnapshotsSynced does: the portal version only moves forward, resync cleared),
 * writes the settlements, adds the outcomes of `$15` (synced, retrying) for the dossiers it wrote, and hands
 * their push locks over to its transaction (released at its commit, ledger/claim.ts).
 *
 * Guarded: a row is written only if it is still exactly as the decision saw it — the claimed xmin (every
 * write of a row gives it a new one, so nothing was recorded for the dossier during the push) and the
 * claimed counts of pending and refused steps less what the cycle pushed (a replay resets refused steps
 * without touching the dossier row). The dossiers it returns are the ones written.
 */
function settlementSql(guarded: boolean): string {
  const guard = guarded
    ? `AND d.xmin = u.row_version
       AND (u.pending, u.rejected) = (SELECT count(*) FILTER (WHERE p.rejected_at IS NULL), count(*) FILTER (WHERE p.rejected_at IS NOT NULL)
                                        FROM sync_progress p WHERE p.ma_ho_so = d.ma_ho_so AND p.pushed_at IS NULL)`
    : '';
  const synced = `u.synced_t IS NOT NULL`;
  return `WITH s AS (
      UPDATE sync_dossier d SET
        portal_time = CASE WHEN ${synced} THEN u.synced_t ELSE d.portal_time END,
        portal_seq = CASE WHEN ${synced} THEN u.synced_seq ELSE d.portal_seq END,
        portal_event_id = CASE WHEN ${synced} THEN u.event_id ELSE d.portal_event_id END,
        portal_status = CASE WHEN ${synced} THEN u.status ELSE d.portal_status END,
        portal_synced_at = CASE WHEN ${synced} THEN now() ELSE d.portal_synced_at END,
        resync = CASE WHEN ${synced} AND (d.snapshot_time, d.snapshot_seq) <= (u.synced_t, u.synced_seq) THEN false ELSE d.resync END,
        state = u.state,
        due_at = CASE WHEN u.due_in IS NULL THEN NULL ELSE now() + (u.due_in * interval '1 millisecond') END,
        attempts = u.attempts, total_attempts = d.total_attempts + u.failed + (${synced})::int,
        last_error_code = CASE WHEN u.code IS NOT NULL THEN u.code WHEN u.state = 'synced' THEN NULL ELSE d.last_error_code END,
        last_error = CASE WHEN u.code IS NOT NULL THEN u.message WHEN u.state = 'synced' THEN NULL ELSE d.last_error END,
        last_attempt_at = CASE WHEN u.code IS NOT NULL OR ${synced} THEN now() ELSE d.last_attempt_at END,
        updated_at = now()
      FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::int[], $6::text[], $7::text[], $8::xid[], $9::int[], $10::int[],
                  $11::timestamptz[], $12::bigint[], $13::text[], $14::text[])
        AS u(ma_ho_so, state, due_in, attempts, failed, code, message, row_version, pending, rejected,
             synced_t, synced_seq, event_id, status)
      WHERE d.ma_ho_so = u.ma_ho_so
        AND (NOT ${synced} OR d.portal_time IS NULL OR (d.portal_time, d.portal_seq) <= (u.synced_t, u.synced_seq)) ${guard}
      RETURNING d.ma_ho_so),
    o AS (${outboxInsertSql('$15', 'WHERE r.key IN (SELECT ma_ho_so FROM s)')}),
    h AS (${handOverPushLocksSql('ARRAY(SELECT ma_ho_so FROM s)')})
    SELECT ma_ho_so, (SELECT count(*) FROM h) AS handed_over FROM s`;
}

const settleOptimisticSql = settlementSql(true);
const settleLockedSql = settlementSql(false);

async function writeSettlements(
  ctx: ResultContext,
  planned: readonly PlannedSettlement[],
  guarded: boolean,
): Promise<Set<string>> {
  const outbox = syncedOutcomes(
    planned.filter((p) => p.synced).map((p) => p.row),
    ctx.now,
  );
  for (const { row, s, service } of planned) {
    const f = s.retrying;
    if (!f) continue;
    outbox.push(
      outcomeRecord(
        {
          maHoSo: row.maHoSo,
          outcome: 'retrying',
          service,
          ...(service !== 'CapNhatTienDoHoSoMC' && row.snapshotEvent ? { sourceEventId: row.snapshotEvent.id } : {}),
          attempts: s.attempts,
          ...portalWords(f),
        },
        ctx.now,
      ),
    );
  }
  const syncedVersion = (p: PlannedSettlement) => (p.synced ? p.row.snapshotVersion : undefined);
  // A named (prepared) statement: parsed and planned once per connection, not once per cycle.
  const r = await ctx.client.query<{ ma_ho_so: string }>({
    name: guarded ? 'ns-settle-optimistic' : 'ns-settle-locked',
    text: guarded ? settleOptimisticSql : settleLockedSql,
    values: [
      planned.map((p) => p.row.maHoSo),
      planned.map((p) => p.s.state),
      planned.map((p) => p.s.dueInMs),
      planned.map((p) => p.s.attempts),
      planned.map((p) => (p.s.retrying ? 1 : 0)),
      planned.map((p) => p.s.retrying?.code ?? null),
      planned.map((p) => p.s.retrying?.message ?? null),
      planned.map((p) => (guarded ? (p.row.rowVersion ?? null) : null)),
      planned.map((p) => p.pending),
      planned.map((p) => p.rejected),
      planned.map((p) => {
        const v = syncedVersion(p);
        return v ? new Date(v.timeMs) : null;
      }),
      planned.map((p) => syncedVersion(p)?.seq.toString() ?? null),
      planned.map((p) => (p.synced ? p.row.snapshotEvent!.id : null)),
      planned.map((p) => (p.synced ? statusOf(p.row) : null)),
      outboxJson(outbox),
    ],
  });
  return new Set(r.rows.map((x) => x.ma_ho_so));
}

/** The claimed row as recording its acknowledged snapshot makes it (recordSnapshotsSynced's SET, on an unchanged row). */
function afterSync(row: DossierRow): DossierRow {
  const v = row.snapshotVersion!;
  return {
    ...row,
    portalVersion: compareVersions(v, row.portalVersion) >= 0 ? v : row.portalVersion,
    resync: compareVersions(row.snapshotVersion, v) <= 0 ? false : row.resync,
  };
}

/**
 * Ends a cycle: records the snapshots the portal acknowledged (with their outcomes), writes each claimed
 * dossier's state, next due time and retry bookkeeping, plus a `retrying` outcome for each dossier that
 * failed transiently, and releases the dossiers' push locks (handed over to the settlement's transaction,
 * so another worker that takes one sees the settlement). The returned map holds every dossier settled and
 * released (the caller releases any other it claimed).
 *
 * The decision (plan.ts `settle`) needs the row as it is *now*, including whatever ingest recorded during
 * the push. Two ways to get it, the same decision either way:
 *  1. optimistic, one round trip for the whole cycle: the row as the claim read it (with the acknowledged
 *     snapshot applied) and the step counts less the steps this cycle pushed; written only where the row
 *     still has the claimed version and those counts (settlementSql), i.e. where nothing was recorded for
 *     the dossier during the push — the common case of a backlog;
 *  2. for the others, in a transaction: record the acknowledged snapshots, re-read under the row lock
 *     (SELECT … FOR UPDATE), decide, write.
 */
export async function settleCycle(
  ctx: ResultContext,
  claimed: readonly DossierRow[],
  results: ReadonlyMap<string, CycleResult>,
  policy: RetryPolicy,
): Promise<Map<string, Settlement>> {
  const out = new Map<string, Settlement>();
  if (claimed.length === 0) return out;
  const serviceOf = (m: string): PortalService => results.get(m)?.failedService ?? 'DongBoHoSoMC';
  const synced = (row: DossierRow) => results.get(row.maHoSo)?.snapshotSynced === true && row.snapshotVersion !== undefined;

  const optimistic: PlannedSettlement[] = [];
  for (const claim of claimed) {
    if (claim.rowVersion === undefined || claim.pendingSteps === undefined) continue;
    const cycle = results.get(claim.maHoSo) ?? {};
    const row = synced(claim) ? afterSync(claim) : claim;
    const pending = claim.pendingSteps - (cycle.stepsPushed ?? 0);
    const rejected = claim.rejectedSteps ?? 0;
    const s = settle(row, pending, rejected, cycle, policy);
    optimistic.push({ row, s, service: serviceOf(claim.maHoSo), synced: synced(claim), pending, rejected });
  }
  if (optimistic.length > 0) {
    const written = await writeSettlements(ctx, optimistic, true);
    for (const p of optimistic) if (written.has(p.row.maHoSo)) out.set(p.row.maHoSo, p.s);
  }

  const rest = claimed.filter((c) => !out.has(c.maHoSo));
  if (rest.length === 0) return out;
  await inTransaction(ctx.client, async () => {
    await recordSnapshotsSynced(
      ctx,
      rest.filter(synced).map((row) => ({ row, version: row.snapshotVersion! })),
    );
    const rows = await ctx.client.query<DossierRowRaw>(
      `SELECT d.*, c.pending AS pending_steps, c.rejected AS rejected_steps
         FROM sync_dossier d
         CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE p.rejected_at IS NULL)::int AS pending,
                  count(*) FILTER (WHERE p.rejected_at IS NOT NULL)::int AS rejected
             FROM sync_progress p WHERE p.ma_ho_so = d.ma_ho_so AND p.pushed_at IS NULL) c
        WHERE d.ma_ho_so = ANY($1::text[]) ORDER BY d.ma_ho_so FOR UPDATE OF d`,
      [rest.map((c) => c.maHoSo)],
    );
    const planned = rows.rows.map((raw): PlannedSettlement => {
      const row = decodeDossierRow(raw);
      const s = settle(row, row.pendingSteps ?? 0, row.rejectedSteps ?? 0, results.get(row.maHoSo) ?? {}, policy);
      return { row, s, service: serviceOf(row.maHoSo), synced: false, pending: null, rejected: null };
    });
    if (planned.length === 0) return;
    await writeSettlements(ctx, planned, false);
    for (const p of planned) out.set(p.row.maHoSo, p.s);
  });
  return out;
}
