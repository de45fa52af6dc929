import type { Kafka } from 'kafkajs';
import { createConsumerRunner, fetchHighWatermarks, type EventProducer, type SigningKey } from '@lienthong/events';
import type { Logger, Pool } from '@lienthong/platform';
import { OpsError } from '../errors.js';
import { checkSchemaName, ensureReadModel } from './schema.js';
import type { ReadModelStore } from './store.js';
import { createReadModelHandler } from './handler.js';

export interface RebuildOptions {
  kafka: Kafka;
  producer: EventProducer;
  pool: Pool;
  logger: Logger;
  /** The fresh schema to build into; refused when it already holds dossiers. */
  schema: string;
  topics: string[];
  /** A store writing into `schema`. */
  store: ReadModelStore;
  /** Consumer group of this rebuild (new, so it starts at offset 0). */
  groupId: string;
  timeoutMs?: number;
  /** As the service: settlements replayed count only when signed. */
  signingKeys?: readonly SigningKey[];
}

/**
 * Replays the read model's topics from offset 0 into a fresh schema (docs/operations.md, "Rebuilding the
 * read model"): records the high watermark of every partition first, consumes with a new consumer group
 * from the beginning, and stops once each partition was fetched to it (transactions open at the start
 * ended first). Events
 * published meanwhile are applied too or left for the service (it consumes them with its own group): the
 * read model is idempotent, so either is correct. Returns how many records were handled.
 */
export async function rebuildReadModel(o: RebuildOptions): Promise<{ records: number; schema: string }> {
  const schema = checkSchemaName(o.schema);
  const exists = (
    await o.pool.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'dossier'])
  ).rowCount;
  if (exists) {
    const n = Number(((await o.pool.query(`SELECT count(*) AS n FROM ${schema}.dossier`)).rows[0] as { n: string }).n);
    if (n > 0)
      throw new OpsError('LT_OPS_REBUILD_NOT_FRESH', `schema ${schema} already holds ${n} dossiers; rebuild into a fresh one`, {
        kind: 'conflict',
      });
  }
  await ensureReadModel(o.pool, schema);
  // High watermarks, not kafkajs's admin end offsets: those are last stable offsets, which stop at a
  // transaction still open when the rebuild starts (a gateway lane that hung when a broker died, until the
  // coordinator aborts it) — records other producers committed after it would be left out of the rebuilt
  // schema. The rebuild waits for such a transaction to end (its timeout at most).
  const ends = new Map<string, bigint>();
  for (const t of o.topics) for (const [p, end] of await fetchHighWatermarks(o.kafka, t)) ends.set(`${t}:${p}`, end);
  const handle = createReadModelHandler({ store: o.store, ...(o.signingKeys ? { signingKeys: o.signingKeys } : {}) });
  let records = 0;
  const runner = createConsumerRunner({
    kafka: o.kafka,
    logger: o.logger,
    groupId: o.groupId,
    topics: o.topics,
    producer: o.producer,
    fromBeginning: true,
    retry: { maxAttempts: 5, minDelayMs: 200, maxDelayMs: 5_000, factor: 2, jitter: 0.3 },
    handle: async (event, ctx) => {
      await handle(event, ctx);
      records++;
    },
  });
  // What kafkajs fetched per partition, transaction markers and aborted records included.
  const fetched = new Map<string, bigint>();
  runner.consumer.on(runner.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const k = `${payload.topic}:${payload.partition}`;
    if (!ends.has(k)) return;
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (fetched.get(k) ?? 0n)) fetched.set(k, next);
  });
  await runner.start();
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  try {
    for (;;) {
      // A partition is caught up when what was fetched (markers and aborted records, which are never handed
      // to the handler, included) reaches its end; kafkajs reports a batch fetched only after the runner
      // handled it, and a batch left part-handled (a dependency down) leaves its partition waiting.
      const done = runner.waiting().length === 0 && [...ends].every(([k, end]) => end === 0n || (fetched.get(k) ?? 0n) >= end);
      if (done) break;
      if (Date.now() > deadline)
        throw new OpsError('LT_OPS_REBUILD_TIMEOUT', 'rebuild did not catch up in time', { kind: 'unavailable' });
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_000)); // let the batch in hand finish and its offsets commit
  } finally {
    await runner.stop();
  }
  o.logger.info({ schema, records }, 'read model rebuilt');
  return { records, schema };
}
