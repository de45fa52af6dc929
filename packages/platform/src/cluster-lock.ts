import type { Pool } from './db.js';

/** What {@link runExclusive} did: ran `fn` (and its result), or skipped because another holder had the lock. */
export type ExclusiveRun<T> = { ran: true; result: T } | { ran: false };

/**
 * Runs `fn` on at most one instance of the cluster at a time: a scheduled job (a poll of the national
 * portal, a reconciliation, a nightly sync) that every instance schedules, but that must run once. The
 * lock is a Postgres session-level advisory lock on `hashtext(name)`, held on a dedicated connection for
 * the whole run, so:
 * - an instance that finds it taken skips this run (`{ ran: false }`) instead of queueing behind it;
 * - an instance that dies (SIGKILL, lost network) loses its session and the lock with it, so the next
 *   scheduled run elsewhere takes over — no lease to expire, no stale holder;
 * - the converse: if the holder's connection is cut while `fn` still runs, another instance may start the
 *   same job. Jobs run under this lock must therefore be safe to overlap once in a while (they are: each
 *   one records its effects idempotently); the lock removes the routine double run, not every one.
 * `hashtext` collisions between two names only make two jobs take turns, never run a job twice.
 */
export async function runExclusive<T>(pool: Pool, name: string, fn: () => Promise<T>): Promise<ExclusiveRun<T>> {
  const conn = await pool.connect();
  let broken = false;
  try {
    let got: boolean;
    try {
      got = (await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name])).rows[0]?.ok === true;
    } catch (err) {
      // A failed lock query leaves the connection in an unknown state: do not hand it back to the pool.
      broken = true;
      throw err;
    }
    if (!got) return { ran: false };
    try {
      return { ran: true, result: await fn() };
    } finally {
      await conn.query('SELECT pg_advisory_unlock(hashtext($1))', [name]).catch(() => {
        // The session is gone, and the lock with it: drop the connection rather than pool it.
        broken = true;
      });
    }
  } finally {
    conn.release(broken);
  }
}
