import type { CloudEvent } from '@lienthong/events';
import type { Pool, PoolClient } from '@lienthong/platform';
import type { NationalOutboundEvent } from '@lienthong/standard';
import { ledgerError } from '../errors.js';
import { inTransaction } from '../ledger/results.js';
import { enqueueOutbox, type OutboxRecord } from '../outbox/outbox.js';
import type { OutboundDecision } from './plan.js';
import { RETRIES_EXHAUSTED } from './outcomes.js';
import {
  decodeOutboundRow,
  type OutboundKind,
  type OutboundRow,
  type OutboundRowRaw,
  type OutboundState,
  type OutboundVersion,
} from './rows.js';

/**
 * Advisory-lock key space of the push lock of an answer or status ('LT' + 2; dossiers use 'LT' + 1, claim.ts), so
 * pushes of one key are serialized across workers and instances and a dead instance drops its claims at once.
 */
export const OUTBOUND_LOCK_SPACE = 0x4c5402;
const lockKey = (kind: string, key: string) => `${kind}:${key}`;

/**
 * Records an accepted packet if it is newer than the one the ledger holds (one atomic statement: of two concurrent
 * writers the older loses whichever commits first; an equal version — a redelivery — is stale). A recorded version
 * makes the key due at once, except while it waits out a retry backoff (an outage must not turn every new report
 * into an immediate push); either way the pusher sends the newest version when it gets there.
 */
export async function recordOutbound(
  pool: Pool,
  r: { kind: OutboundKind; key: string; agency: string; event: CloudEvent<NationalOutboundEvent>; version: OutboundVersion },
): Promise<'recorded' | 'stale'> {
  try {
    const res = await pool.query(
      `INSERT INTO sync_outbound AS o (kind, key, agency, event, ver_rank, ver_time, ver_seq, state, due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', now())
       ON CONFLICT (kind, key) DO UPDATE SET agency = EXCLUDED.agency, event = EXCLUDED.event,
         ver_rank = EXCLUDED.ver_rank, ver_time = EXCLUDED.ver_time, ver_seq = EXCLUDED.ver_seq,
         state = CASE WHEN o.state = 'retrying' THEN 'retrying' ELSE 'pending' END,
         due_at = CASE WHEN o.state = 'retrying' AND o.due_at IS NOT NULL THEN o.due_at ELSE now() END,
         -- a version given up on spent its attempts; a newer one starts with all of them
         attempts = CASE WHEN o.state = 'dead-lettered' THEN 0 ELSE o.attempts END,
         updated_at = now()
       WHERE (o.ver_rank, o.ver_time, o.ver_seq) < (EXCLUDED.ver_rank, EXCLUDED.ver_time, EXCLUDED.ver_seq)
       RETURNING kind`,
      [r.kind, r.key, r.agency, JSON.stringify(r.event), r.version.rank, new Date(r.version.timeMs), r.version.seq.toString()],
    );
    return res.rowCount === 1 ? 'recorded' : 'stale';
  } catch (err) {
    throw ledgerError(err, 'record outbound packet');
  }
}

/**
 * Operator replay of one key: the newest version goes out again (even if the portal is believed to hold it), the
 * version given up on is forgotten, attempts start over. Never an old packet: the pusher reads the newest.
 */
export async function replayOutbound(pool: Pool, kind: OutboundKind, key: string): Promise<boolean> {
  const r = await pool.query(
    `UPDATE sync_outbound SET resync = true, due_at = now(), state = 'pending', attempts = 0,
       dead_rank = NULL, dead_time = NULL, dead_seq = NULL, updated_at = now()
     WHERE kind = $1 AND key = $2`,
    [kind, key],
  );
  return r.rowCount === 1;
}

/**
 * Claims up to `max` due keys on `client` (a connection the worker keeps for the cycle): a session advisory lock
 * per key, then the rows are read in a second statement — after the locks, so the cycle sees what the previous
 * holder committed before releasing them. Keys no longer due are released at once.
 */
export async function claimDueOutbound(client: PoolClient, max: number, exclude: readonly string[]): Promise<OutboundRow[]> {
  const locked = await client.query<{ kind: string; key: string }>(
    `SELECT c.kind, c.key FROM (
       SELECT kind, key FROM sync_outbound
        WHERE due_at <= now() AND NOT ((kind || ':' || key) = ANY($2::text[]))
        ORDER BY due_at LIMIT $1) c
      WHERE pg_try_advisory_lock(${OUTBOUND_LOCK_SPACE}, hashtext(c.kind || ':' || c.key))`,
    [max, exclude],
  );
  if (locked.rows.length === 0) return [];
  const keys = locked.rows.map((r) => lockKey(r.kind, r.key));
  const rows = await client.query<OutboundRowRaw>(
    `SELECT * FROM sync_outbound WHERE (kind || ':' || key) = ANY($1::text[]) AND due_at IS NOT NULL AND due_at <= now()`,
    [keys],
  );
  const due = new Set(rows.rows.map((r) => lockKey(r.kind, r.key)));
  const gone = keys.filter((k) => !due.has(k));
  if (gone.length) await releaseOutbound(client, gone);
  return rows.rows.map(decodeOutboundRow);
}

/** Releases push locks (`kind:key`). */
export async function releaseOutbound(client: PoolClient, lockKeys: readonly string[]): Promise<void> {
  if (lockKeys.length === 0) return;
  await client.query(`SELECT pg_advisory_unlock(${OUTBOUND_LOCK_SPACE}, hashtext(k)) FROM unnest($1::text[]) k`, [lockKeys]);
}

export const lockKeyOf = (row: Pick<OutboundRow, 'kind' | 'key'>) => lockKey(row.kind, row.key);

/**
 * Writes a push's result in one transaction: the row is re-read under its row lock (a version ingested during the
 * push is seen), `decide` turns it into the ledger change, and the outcome and dead letter go to the outbox with
 * it — a crash never leaves one without the other. The portal version only moves forward (the WHERE of its CASE).
 */
export async function settleOutbound(
  client: PoolClient,
  pushed: Pick<OutboundRow, 'kind' | 'key' | 'event'>,
  decide: (now: OutboundRow) => { decision: OutboundDecision; records: OutboxRecord[] },
): Promise<OutboundDecision | undefined> {
  return inTransaction(client, async () => {
    const r = await client.query<OutboundRowRaw>('SELECT * FROM sync_outbound WHERE kind = $1 AND key = $2 FOR UPDATE', [
      pushed.kind,
      pushed.key,
    ]);
    if (!r.rows[0]) return undefined;
    const { decision: d, records } = decide(decodeOutboundRow(r.rows[0]));
    const f = d.outcome.kind === 'synced' ? undefined : d.outcome.failure;
    await client.query(
      `UPDATE sync_outbound SET state = $3,
         due_at = CASE WHEN $4::bigint IS NULL THEN NULL ELSE now() + ($4::bigint * interval '1 millisecond') END,
         attempts = $5, total_attempts = total_attempts + 1,
         portal_rank = CASE WHEN $6::text IS NOT NULL AND (portal_time IS NULL OR (portal_rank, portal_time, portal_seq) < ($6::text COLLATE "C", $7::timestamptz, $8::bigint)) THEN $6 ELSE portal_rank END,
         portal_seq = CASE WHEN $6::text IS NOT NULL AND (portal_time IS NULL OR (portal_rank, portal_time, portal_seq) < ($6::text COLLATE "C", $7::timestamptz, $8::bigint)) THEN $8 ELSE portal_seq END,
         portal_event_id = CASE WHEN $6::text IS NOT NULL AND (portal_time IS NULL OR (portal_rank, portal_time, portal_seq) < ($6::text COLLATE "C", $7::timestamptz, $8::bigint)) THEN $9 ELSE portal_event_id END,
         portal_synced_at = CASE WHEN $6::text IS NOT NULL THEN now() ELSE portal_synced_at END,
         portal_time = CASE WHEN $6::text IS NOT NULL AND (portal_time IS NULL OR (portal_rank, portal_time, portal_seq) < ($6::text COLLATE "C", $7::timestamptz, $8::bigint)) THEN $7 ELSE portal_time END,
         dead_rank = CASE WHEN $10::text IS NOT NULL THEN $10 ELSE dead_rank END,
         dead_time = CASE WHEN $10::text IS NOT NULL THEN $11::timestamptz ELSE dead_time END,
         dead_seq = CASE WHEN $10::text IS NOT NULL THEN $12::bigint ELSE dead_seq END,
         resync = CASE WHEN $13 THEN false ELSE resync END,
         last_error_code = CASE WHEN $14::text IS NOT NULL THEN $14 WHEN $3 = 'synced' THEN NULL ELSE last_error_code END,
         last_error = CASE WHEN $14::text IS NOT NULL THEN $15 WHEN $3 = 'synced' THEN NULL ELSE last_error END,
         last_attempt_at = now(), updated_at = now()
       WHERE kind = $1 AND key = $2`,
      [
        pushed.kind,
        pushed.key,
        d.state,
        d.dueInMs === null ? null : Math.round(d.dueInMs),
        d.attempts,
        d.portalVersion?.rank ?? null,
        d.portalVersion ? new Date(d.portalVersion.timeMs) : null,
        d.portalVersion?.seq.toString() ?? null,
        d.portalVersion ? pushed.event.id : null,
        d.deadVersion?.rank ?? null,
        d.deadVersion ? new Date(d.deadVersion.timeMs) : null,
        d.deadVersion?.seq.toString() ?? null,
        d.clearResync,
        f ? (d.outcome.kind === 'exhausted' ? RETRIES_EXHAUSTED : f.code) : null,
        f ? (f.portalMessage ?? f.message).slice(0, 2_000) : null,
      ],
    );
    await enqueueOutbox(client, records);
    return d;
  });
}

/**
 * A claimed key with nothing to push (another worker finished it meanwhile): no longer due, in the state it is in
 * (no attempt counted). A version ingested since the claim keeps it due (the WHERE re-checks under the row lock).
 */
export async function settleIdleOutbound(client: PoolClient, row: OutboundRow, state: OutboundState): Promise<void> {
  await client.query(
    `UPDATE sync_outbound SET state = $3, due_at = NULL, updated_at = now()
      WHERE kind = $1 AND key = $2 AND NOT resync AND (ver_rank, ver_time, ver_seq) = ($4::text COLLATE "C", $5::timestamptz, $6::bigint)`,
    [row.kind, row.key, state, row.version.rank, new Date(row.version.timeMs), row.version.seq.toString()],
  );
}

/** The ledger entry of one key, for the admin API (never the packet's text). */
export async function readOutbound(pool: Pool, kind: OutboundKind, key: string) {
  const r = await pool.query<OutboundRowRaw>('SELECT * FROM sync_outbound WHERE kind = $1 AND key = $2', [kind, key]);
  const x = r.rows[0];
  if (!x) return undefined;
  const row = decodeOutboundRow(x);
  const fmt = (v: OutboundVersion | undefined) =>
    v ? { rank: v.rank || null, acceptedAt: new Date(v.timeMs).toISOString(), seq: v.seq.toString() } : null;
  return {
    kind: row.kind,
    key: row.key,
    agency: row.agency,
    eventId: x.event.id,
    state: row.state,
    version: fmt(row.version),
    portalVersion: fmt(row.portalVersion),
    deadVersion: fmt(row.deadVersion),
    dueAt: x.due_at?.toISOString() ?? null,
    resync: row.resync,
    attempts: row.attempts,
    totalAttempts: x.total_attempts,
    lastErrorCode: x.last_error_code,
    lastError: x.last_error,
    lastAttemptAt: x.last_attempt_at?.toISOString() ?? null,
    portalSyncedAt: x.portal_synced_at?.toISOString() ?? null,
    ...(row.kind === 'promotion-status'
      ? {
          TrangThai: String((x.event.data.packet as { TrangThai?: unknown }).TrangThai ?? ''),
          reportedStatus: x.event.data.reportedStatus ?? null,
        }
      : {}),
  };
}
