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
 * The rows are read after the locks are taken, so the cycle sees the newest snapshot; rows no longer due
 * (another worker finished them meanwhile) are released immediately.
 */
export async function claimDueDossiers(client: PoolClient, max: number, exclude: readonly string[]): Promise<DossierRow[]> {
  // Per the Postgres manual, locking in the outer query over a LIMITed subquery locks only those rows.
  const locked = await client.query<{ ma_ho_so: string }>(
    `SELECT c.ma_ho_so FROM (
       SELECT ma_ho_so FROM sync_dossier
        WHERE due_at <= now() AND NOT (ma_ho_so = ANY($2::text[]))
        ORDER BY due_at LIMIT $1) c
      WHERE pg_try_advisory_lock(${PUSH_LOCK_SPACE}, hashtext(c.ma_ho_so))`,
    [max, exclude],
  );
  const keys = locked.rows.map((r) => r.ma_ho_so);
  if (keys.length === 0) return [];
  const rows = await client.query<DossierRowRaw>(
    `SELECT * FROM sync_dossier WHERE ma_ho_so = ANY($1::text[]) AND due_at IS NOT NULL AND due_at <= now()`,
    [keys],
  );
  const due = new Set(rows.rows.map((r) => r.ma_ho_so));
  const gone = keys.filter((k) => !due.has(k));
  if (gone.length) await releaseDossiers(client, gone);
  return rows.rows.map(decodeDossierRow);
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
