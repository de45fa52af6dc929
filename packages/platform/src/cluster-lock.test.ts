import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPool, runExclusive, type Pool } from './index.js';
import { createTestDatabase, quietLogger } from '../../../tests/helpers/index.js';

describe('runExclusive: a scheduled job runs on one instance at a time (real Postgres)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: Pool;
  let b: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    // Two pools = two instances of a service.
    a = createPool({ connectionString: db.url, applicationName: 'lock-test-a', logger: quietLogger() });
    b = createPool({ connectionString: db.url, applicationName: 'lock-test-b', logger: quietLogger() });
  });
  afterAll(async () => {
    await a?.end();
    await b?.end();
    await db?.drop();
  });

  it('while one instance runs the job the other skips it; afterwards the other runs it', async () => {
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = runExclusive(a, 'test-job', async () => {
      entered();
      await holding;
      return 'first';
    });
    await inside;
    let ranOnB = false;
    expect(
      await runExclusive(b, 'test-job', async () => {
        ranOnB = true;
      }),
    ).toEqual({ ran: false });
    expect(ranOnB).toBe(false);
    // Another job's lock is independent.
    expect(await runExclusive(b, 'other-job', async () => 7)).toEqual({ ran: true, result: 7 });
    release();
    expect(await first).toEqual({ ran: true, result: 'first' });
    expect(await runExclusive(b, 'test-job', async () => 'second')).toEqual({ ran: true, result: 'second' });
  });

  it('a job that throws releases the lock and the error reaches the caller', async () => {
    await expect(
      runExclusive(a, 'failing-job', async () => {
        throw new Error('portal down');
      }),
    ).rejects.toThrow('portal down');
    expect(await runExclusive(b, 'failing-job', async () => 'ok')).toEqual({ ran: true, result: 'ok' });
  });

  it('the holder dying (its session killed) hands the lock to the next run elsewhere', async () => {
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    let pid = 0;
    const first = runExclusive(a, 'killed-job', async () => {
      const { rows } = await a.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = hashtext('killed-job')::oid AND granted`,
      );
      pid = rows[0]!.pid;
      await holding;
    });
    while (pid === 0) await new Promise((r) => setTimeout(r, 20));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    expect(await runExclusive(b, 'killed-job', async () => 'taken over')).toEqual({ ran: true, result: 'taken over' });
    release();
    // The dead holder's run finishes; its unlock fails quietly and its connection is not pooled again.
    await first;
    expect(await runExclusive(a, 'killed-job', async () => 'again')).toEqual({ ran: true, result: 'again' });
  });
});
