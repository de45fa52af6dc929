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
});
