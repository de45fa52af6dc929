import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPool, describeDbError, isConnectionError, withTransaction } from './index.js';
import { captureLogger, createTestDatabase, eventually } from '../../../tests/helpers/index.js';

/**
 * A Postgres restart as a connection sees it: the server ends the backend with 57P01 "terminating
 * connection due to administrator command". pg_terminate_backend sends exactly that to one backend, so
 * the shared server keeps running for everyone else.
 */
describe('createPool: a lost connection never ends the process (real Postgres)', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function terminate(pid: number): Promise<void> {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
  }

  it('a checked-out client and an idle one both lose their connection: logged by code and message, the pool serves again', async () => {
    const cap = captureLogger('db-test');
    const pool = createPool({ connectionString: db.url, applicationName: 'db-test', logger: cap.logger, max: 3 });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      // Checked out and doing nothing, as a pusher holding its client between queries is.
      const held = await pool.connect();
      const heldPid = (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // Idle in the pool.
      const idle = await pool.connect();
      const idlePid = (await idle.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      idle.release();

      await terminate(heldPid);
      await terminate(idlePid);
      // Both losses are seen: the held client logged, and the pool dropped its dead idle client (until then a
      // query may still pick it and fail with 57P01 — a transient the callers' retry or the consumer runner absorbs).
      await eventually(
        () => pool.idleCount === 0 && cap.lines().filter((l) => l.includes('postgres connection lost')).length >= 2,
        {
          what: 'both losses seen',
        },
      );

      // The held client is broken: its next query fails with a connection error, and releasing it discards it.
      const err = await held.query('SELECT 1').catch((e: unknown) => e);
      expect(isConnectionError(err)).toBe(true);
      held.release(err as Error);

      // The pool hands out working connections again.
      expect((await pool.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n).toBe(1);
      expect(await withTransaction(pool, async (c) => (await c.query<{ n: number }>('SELECT 2 AS n')).rows[0]!.n)).toBe(2);

      expect(uncaught).toEqual([]);
      const lost = cap
        .lines()
        .filter((l) => l.includes('postgres connection lost'))
        .map((l) => JSON.parse(l) as { pgError: { code?: string; message: string } });
      for (const line of lost) expect(['code', 'message']).toEqual(expect.arrayContaining(Object.keys(line.pgError)));
      expect(lost.map((l) => l.pgError.code)).toContain('57P01');
      // By code and message: a short line, not the client object (≈ 8 KB before).
      for (const l of cap.lines().filter((x) => x.includes('postgres'))) expect(l.length).toBeLessThan(1_000);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
    }
  });

  it('describeDbError keeps code and message only', () => {
    const e = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
      client: { huge: 'x'.repeat(10_000) },
    });
    expect(describeDbError(e)).toEqual({ code: '57P01', message: 'terminating connection due to administrator command' });
    expect(describeDbError('boom')).toEqual({ message: 'boom' });
  });
});
