import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, runMigrations, type Pool } from '@lienthong/platform';
import { createIdempotencyStore } from '../src/idempotency-store.js';
import { createTestDatabase } from '../../../tests/helpers/index.js';

let db: { url: string; drop: () => Promise<void> };
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'idem-test', max: 5 });
  await runMigrations(pool, {
    service: 'gateway',
    dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations'),
  });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('idempotency store (group-committed claims, real Postgres)', () => {
  it('lets exactly one of many concurrent claims of one key win, in one batch or across batches', async () => {
    const store = createIdempotencyStore(pool, { ttlHours: 24 });
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => store.claim('c1', 'same-key', 'h1')));
    const won = outcomes.filter((o) => o.status === 'fulfilled' && o.value.kind === 'claimed');
    expect(won).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'LT_GATEWAY_IDEMPOTENCY_IN_PROGRESS' });
    await store.complete('c1', 'same-key', { statusCode: 202, body: { accepted: [{ MaHoSo: 'x', eventId: 'e' }] } });
    expect(await store.claim('c1', 'same-key', 'h1')).toEqual({
      kind: 'replay',
      response: { statusCode: 202, body: { accepted: [{ MaHoSo: 'x', eventId: 'e' }] } },
    });
    await expect(store.claim('c1', 'same-key', 'other-body')).rejects.toMatchObject({ code: 'LT_GATEWAY_IDEMPOTENCY_MISMATCH' });
  });

  it('claims distinct keys of one batch independently, per client', async () => {
    const store = createIdempotencyStore(pool, { ttlHours: 24 });
    const r = await Promise.all([store.claim('c2', 'a', 'h'), store.claim('c2', 'b', 'h'), store.claim('c3', 'a', 'h')]);
    expect(r.map((x) => x.kind)).toEqual(['claimed', 'claimed', 'claimed']);
    await Promise.all([
      store.complete('c2', 'a', { statusCode: 202, body: { n: 1 } }),
      store.complete('c2', 'b', { statusCode: 202, body: { n: 2 } }),
    ]);
    expect(await store.claim('c2', 'b', 'h')).toMatchObject({ kind: 'replay', response: { body: { n: 2 } } });
    // c3's claim was not completed: released, it can be claimed again.
    await store.release('c3', 'a');
    expect(await store.claim('c3', 'a', 'h')).toEqual({ kind: 'claimed' });
  });

  it('takes over an expired entry', async () => {
    const store = createIdempotencyStore(pool, { ttlHours: 1 });
    await store.claim('c4', 'old', 'h-old');
    await store.complete('c4', 'old', { statusCode: 202, body: {} });
    await pool.query(`UPDATE gateway_idempotency SET created_at = now() - interval '2 hours' WHERE client_id = 'c4'`);
    expect(await store.claim('c4', 'old', 'h-new')).toEqual({ kind: 'claimed' });
  });

  /** The pool, with the statements recording answers (UPDATE … state = 'done') changed by `wrap`. */
  const withRecording = (wrap: (run: () => Promise<unknown>) => Promise<unknown>) => {
    const p = Object.create(pool) as Pool;
    p.query = ((text: unknown, ...rest: unknown[]) => {
      const run = () => (pool.query as (...a: unknown[]) => Promise<unknown>)(text, ...rest);
      return typeof text === 'string' && text.trimStart().startsWith('UPDATE gateway_idempotency') ? wrap(run) : run();
    }) as Pool['query'];
    return p;
  };

  it('answers a repeat from the record of an answer still being written, as if the handler had waited for it', async () => {
    // The record takes 300 ms: a repeat that did not wait for it would find the claim in_progress (409).
    const slow = withRecording(async (run) => {
      await new Promise((r) => setTimeout(r, 300));
      return run();
    });
    const store = createIdempotencyStore(slow, { ttlHours: 24 });
    expect(await store.claim('c5', 'k', 'h')).toEqual({ kind: 'claimed' });
    // The gateway answers 202 without awaiting complete (ingest-routes.ts); a repeat arrives at once.
    const recorded = store.complete('c5', 'k', { statusCode: 202, body: { n: 5 } });
    const repeat = store.claim('c5', 'k', 'h');
    expect(await repeat).toEqual({ kind: 'replay', response: { statusCode: 202, body: { n: 5 } } });
    await recorded;
    await expect(store.claim('c5', 'k', 'other')).rejects.toMatchObject({ code: 'LT_GATEWAY_IDEMPOTENCY_MISMATCH' });
  });

  it('flush waits for every answer being recorded', async () => {
    const store = createIdempotencyStore(pool, { ttlHours: 24 });
    await Promise.all(['a', 'b', 'c'].map((k) => store.claim('c6', k, 'h')));
    for (const k of ['a', 'b', 'c']) void store.complete('c6', k, { statusCode: 202, body: { k } });
    await store.flush();
    const { rows } = await pool.query(`SELECT key, state FROM gateway_idempotency WHERE client_id = 'c6' ORDER BY key`);
    expect(rows).toEqual([
      { key: 'a', state: 'done' },
      { key: 'b', state: 'done' },
      { key: 'c', state: 'done' },
    ]);
  });

  it('keeps the claim in progress when its answer cannot be recorded: a repeat gets 409, not a second publish', async () => {
    // Postgres refuses the record of the answer only (the claim went through).
    const failing = withRecording(() => Promise.reject(new Error('connection terminated')));
    const store = createIdempotencyStore(failing, { ttlHours: 24 });
    expect(await store.claim('c7', 'k', 'h')).toEqual({ kind: 'claimed' });
    const recorded = store.complete('c7', 'k', { statusCode: 202, body: {} });
    const repeat = store.claim('c7', 'k', 'h');
    await expect(recorded).rejects.toThrow('connection terminated');
    await expect(repeat).rejects.toMatchObject({ code: 'LT_GATEWAY_IDEMPOTENCY_IN_PROGRESS' });
    await store.flush();
    const { rows } = await pool.query(`SELECT state FROM gateway_idempotency WHERE client_id = 'c7'`);
    expect(rows).toEqual([{ state: 'in_progress' }]);
  });
});
