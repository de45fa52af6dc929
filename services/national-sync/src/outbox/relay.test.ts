/**
 * The outbox relay takes a batch in one statement (DELETE … RETURNING, issue 16) and commits the delete
 * only after Kafka acknowledged it. Real Postgres; the producer is a recording fake, since what is checked
 * here is the ledger side: order, nothing lost on a failed publish, nothing left behind.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPool, runMigrations, type Pool } from '@lienthong/platform';
import type { EventProducer, RawRecord } from '@lienthong/events';
import { createTestDatabase, quietLogger } from '../../../../tests/helpers/index.js';
import { migrationsDir } from '../app.js';
import { enqueueOutbox, type OutboxRecord, type OutboxTopic } from './outbox.js';
import { createOutboxRelay } from './relay.js';

function recordingProducer() {
  const sent: { topic: string; records: RawRecord[] }[] = [];
  let failNext = 0;
  const producer = {
    async publishRecords(topic: string, records: RawRecord[]) {
      if (failNext > 0) {
        failNext--;
        throw new Error('Kafka unavailable');
      }
      sent.push({ topic, records });
    },
    healthy: () => true,
  } as unknown as EventProducer;
  return { producer, sent, fail: (n: number) => (failNext = n) };
}

describe('outbox relay (real Postgres)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  // Each destination's topic name: the catalogue key under a test namespace.
  const topics = new Proxy({} as Record<OutboxTopic, string>, { get: (_, key) => `test.${String(key)}` });

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'relay-test', max: 4 });
    await runMigrations(pool, { service: 'national-sync', dir: migrationsDir });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });
  beforeEach(async () => {
    await pool.query('TRUNCATE sync_outbox');
  });

  async function enqueue(records: OutboxRecord[]) {
    const c = await pool.connect();
    try {
      await enqueueOutbox(c, records);
    } finally {
      c.release();
    }
  }
  const outcome = (key: string, n: number, hostile = ''): OutboxRecord => ({
    topic: n % 5 === 0 ? 'dossierEventsDlq' : 'syncOutcomes',
    key,
    value: JSON.stringify({ n, note: `"quoted" \\ back\u00e9 ${hostile}` }),
    headers: { 'ce-id': `id-${n}`, 'ce-type': 'vn.lienthong.sync.synced' },
  });

  it('publishes every record once, in the order written per topic and key, in batches, and empties the outbox', async () => {
    // Three keys interleaved, 1,200 records: more than two batches of 500; values with quotes, backslashes, non-ASCII.
    const written = Array.from({ length: 1_200 }, (_, n) => outcome(`k${n % 3}`, n, n % 7 === 0 ? '{"x":[1,2]}' : ''));
    for (let i = 0; i < written.length; i += 100) await enqueue(written.slice(i, i + 100));
    const { producer, sent } = recordingProducer();
    const relay = createOutboxRelay({ pool, producer, topics, logger: quietLogger() });
    expect(await relay.flush()).toBe(1_200);
    expect(sent.length).toBeGreaterThanOrEqual(3 * 2);
    expect(Math.max(...sent.map((s) => s.records.length))).toBeLessThanOrEqual(500);
    const got = sent.flatMap((s) => s.records.map((r) => ({ topic: s.topic, ...r })));
    expect(got).toHaveLength(1_200);
    for (const t of ['syncOutcomes', 'dossierEventsDlq'] as const)
      for (const k of ['k0', 'k1', 'k2']) {
        const want = written.filter((w) => w.topic === t && w.key === k).map((w) => w.value);
        expect(got.filter((g) => g.topic === topics[t] && g.key === k).map((g) => g.value)).toEqual(want);
      }
    expect(got.find((g) => g.headers?.['ce-id'] === 'id-7')).toMatchObject({ value: written[7]!.value });
    expect((await pool.query('SELECT count(*)::int AS n FROM sync_outbox')).rows[0].n).toBe(0);
  });

  it('a batch Kafka did not take stays in the outbox and goes out on the next run', async () => {
    await enqueue([outcome('a', 1), outcome('a', 2), outcome('b', 3)]);
    const { producer, sent, fail } = recordingProducer();
    const relay = createOutboxRelay({ pool, producer, topics, logger: quietLogger() });
    fail(1);
    await expect(relay.flush()).rejects.toThrow('Kafka unavailable');
    expect((await pool.query('SELECT count(*)::int AS n FROM sync_outbox')).rows[0].n).toBe(3);
    expect(await relay.flush()).toBe(3);
    expect(sent.flatMap((s) => s.records.map((r) => r.headers?.['ce-id']))).toEqual(['id-1', 'id-2', 'id-3']);
  });

  it('two relays side by side never send a record twice', async () => {
    await enqueue(Array.from({ length: 900 }, (_, n) => outcome(`k${n % 4}`, n)));
    const a = recordingProducer();
    const b = recordingProducer();
    const ra = createOutboxRelay({ pool, producer: a.producer, topics, logger: quietLogger(), batchSize: 50 });
    const rb = createOutboxRelay({ pool, producer: b.producer, topics, logger: quietLogger(), batchSize: 50 });
    const [na, nb] = await Promise.all([ra.flush(), rb.flush()]);
    expect(na + nb).toBe(900);
    const ids = [...a.sent, ...b.sent].flatMap((s) => s.records.map((r) => r.headers?.['ce-id']));
    expect(new Set(ids).size).toBe(900);
    expect(ids).toHaveLength(900);
  });
});
