import type { PoolClient } from '@lienthong/platform';
import { decodeDossierRow, decodeStepRow, type DossierRow, type DossierRowRaw, type StepRow, type StepRowRaw } from './rows.js';

/**
 * Advisory-lock key space of national-sync's per-dossier push lock ('LT' + 1). The two-int form of
 * pg_advisory_lock never collides with the one-bigint form the migrations use.
 */
export const PUSH_LOCK_SPACE = 0x4c5401;

/**
 * Claims up to `max` due dossiers for one push cycle on `client`, a connection the worker holds for the
 * whole cycle. The claim is a session-level advisory lock per dossier, so:
 *  - pushes of one dossier are serialized across workers and instances: versions go out in order;
 *  - ingest never waits on it (it is not a row lock), so a slow portal does not stall the consumer;
 *  - a crashed or SIGKILLed instance drops its connection and with it every claim, at once.
 * The rows are read after the locks are taken, so the cycle sees the newest snapshot and everything the
 * previous holder committed (it hands its locks over at its commit, see settleCycle); rows no longer due
 * (another worker finished them meanwhile) are released at once. One round trip: the lock-then-read runs
 * in sync_claim_due (migrations/002-push-claim.sql, replaced by 004-claim-hashed-exclude.sql), whose read takes
 * its own snapshot after the locks.
 * Dossiers another worker holds are stepped over, so concurrent claims do not come back empty.
 * Each row carries its version (xmin) and its step counts (DossierRow.rowVersion, pendingSteps).
 */
export async function claimDueDossiers(client: PoolClient, max: number, exclude: readonly string[]): Promise<DossierRow[]> {
  const r = await client.query<DossierRowRaw>({
    name: 'ns-claim',
    text: `SELECT (c.dossier).*, c.row_version::text AS row_version, c.pending_steps, c.rejected_steps
             FROM sync_claim_due($1, $2::text[], $3) c`,
    values: [max, exclude, PUSH_LOCK_SPACE],
  });
  return r.rows.map(decodeDossierRow);
}

/**
 * SQL that hands the push locks of `$param` (a text[] of MaHoSo) over to the caller's transaction: a
 * transaction-level hold is taken on each (granted at once: this session holds the key) and the session
 * hold is released, so the lock stays held until the transaction ends and is released by its commit.
 * Postgres makes a commit visible before it releases the transaction's locks, so the next claimer of a
 * dossier (whose read follows its lock) sees this cycle's settlement — the release costs no round trip
 * of its own, and never lets another worker read the row between the settlement and its commit.
 * On a rollback the locks are gone too; the pusher then drops the connection anyway.
 */
export function handOverPushLocksSql(param: string): string {
  return `SELECT pg_advisory_xact_lock(${PUSH_LOCK_SPACE}, hashtext(m)), pg_advisory_unlock(${PUSH_LOCK_SPACE}, hashtext(m))
            FROM unnest(${param}::text[]) m`;
}

/** Releases the push locks of a cycle. */
export async function releaseDossiers(client: PoolClient, maHoSos: readonly string[]): Promise<void> {
  if (maHoSos.length === 0) return;
  await client.query(`SELECT pg_advisory_unlock(${PUSH_LOCK_SPACE}, hashtext(m)) FROM unnest($1::text[]) m`, [maHoSos]);
}

/** Progress steps not yet acknowledged nor rejected, per dossier in version order. */
export async function pendingSteps(client: PoolClient, maHoSos: readonly string[]): Promise<StepRow[]> {
  if (maHoSos.length === 0) return [];
  const r = await client.query<StepRowRaw>(
    `SELECT ma_ho_so, step_key, event, ver_time, ver_seq FROM sync_progress
      WHERE ma_ho_so = ANY($1::text[]) AND pushed_at IS NULL AND rejected_at IS NULL
      ORDER BY ma_ho_so, ver_time, ver_seq`,
    [maHoSos],
  );
  return r.rows.map(decodeStepRow);
}
