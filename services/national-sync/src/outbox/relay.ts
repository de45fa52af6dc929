import { withTransaction, errorMessage, type Logger, type Pool } from '@lienthong/platform';
import type { EventProducer, RawRecord } from '@lienthong/events';
import type { OutboxTopic } from './outbox.js';
import { createWakeableLoop, type WakeableLoop } from '../wakeable-loop.js';

export interface OutboxRelayOptions {
  pool: Pool;
  producer: EventProducer;
  /** Topic names (with namespace) of each outbox destination. */
  topics: Record<OutboxTopic, string>;
  logger: Logger;
  pollMs?: number;
  batchSize?: number;
}

interface OutboxRow {
  id: string;
  topic: OutboxTopic;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Publishes the outbox to Kafka and deletes what Kafka acknowledged, in one database transaction per
 * batch. A crash between the Kafka commit and the database commit publishes the batch again: outcome
 * events and dead letters are at-least-once, and readers dedupe on the CloudEvent id (`ce-id`).
 * FOR UPDATE SKIP LOCKED lets several instances relay side by side without sending a row twice.
 */
export function createOutboxRelay(opts: OutboxRelayOptions): WakeableLoop & { flush(): Promise<number> } {
  const log = opts.logger.child({ component: 'outbox-relay' });
  const batchSize = opts.batchSize ?? 500;

  async function relayOnce(): Promise<number> {
    return withTransaction(opts.pool, async (c) => {
      const r = await c.query<OutboxRow>(
        `SELECT id, topic, key, value, headers FROM sync_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (r.rows.length === 0) return 0;
      const byTopic = new Map<string, RawRecord[]>();
      for (const row of r.rows) {
        const topic = opts.topics[row.topic];
        if (!topic) throw new Error(`outbox row ${row.id} has unknown destination ${row.topic}`);
        const list = byTopic.get(topic) ?? [];
        list.push({ key: row.key, value: row.value, headers: row.headers });
        byTopic.set(topic, list);
      }
      // The producer puts concurrent publishes into one Kafka transaction: all of the batch or none.
      await Promise.all([...byTopic].map(([topic, records]) => opts.producer.publishRecords(topic, records)));
      await c.query('DELETE FROM sync_outbox WHERE id = ANY($1::bigint[])', [r.rows.map((x) => x.id)]);
      return r.rows.length;
    });
  }

  const loop = createWakeableLoop({
    name: 'outbox-relay',
    logger: log,
    idleMs: opts.pollMs ?? 200,
    async step() {
      try {
        return (await relayOnce()) > 0;
      } catch (err) {
        log.warn({ err: errorMessage(err) }, 'outbox relay failed; will retry');
        return 'backoff';
      }
    },
  });

  return {
    ...loop,
    /** Relays until the outbox is empty (shutdown, tests); returns how many records went out. */
    async flush() {
      let total = 0;
      for (;;) {
        const n = await relayOnce();
        total += n;
        if (n === 0) return total;
      }
    },
  };
}
