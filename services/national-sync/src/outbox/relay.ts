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
  /**
   * Shortest time between two relay batches while records keep coming (default 25 ms): each push cycle
   * wakes the relay, and a Kafka transaction plus three ledger round trips for each cycle's few outcomes
   * cost more than the outcomes themselves (issue 16). A batch that fills batchSize goes at once.
   */
  lingerMs?: number;
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
  const lingerMs = opts.lingerMs ?? 25;

  async function relayOnce(): Promise<number> {
    return withTransaction(opts.pool, async (c) => {
      // Deleted and returned in one statement; the delete commits only after Kafka acknowledged the batch
      // (a failure rolls it back), and until then the rows stay locked, so another relay skips them.
      const r = await c.query<OutboxRow>({
        name: 'ns-outbox-take',
        text: `DELETE FROM sync_outbox WHERE id IN (SELECT id FROM sync_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
               RETURNING id, topic, key, value, headers`,
        values: [batchSize],
      });
      if (r.rows.length === 0) return 0;
      // RETURNING follows no order: publish in id order, which keeps each key's records in the order written.
      const rows = r.rows.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const byTopic = new Map<string, RawRecord[]>();
      for (const row of rows) {
        const topic = opts.topics[row.topic];
        if (!topic) throw new Error(`outbox row ${row.id} has unknown destination ${row.topic}`);
        const list = byTopic.get(topic) ?? [];
        list.push({ key: row.key, value: row.value, headers: row.headers });
        byTopic.set(topic, list);
      }
      // The producer puts concurrent publishes into one Kafka transaction: all of the batch or none.
      await Promise.all([...byTopic].map(([topic, records]) => opts.producer.publishRecords(topic, records)));
      return rows.length;
    });
  }

  const loop = createWakeableLoop({
    name: 'outbox-relay',
    logger: log,
    idleMs: opts.pollMs ?? 200,
    async step() {
      try {
        const n = await relayOnce();
        if (n > 0 && n < batchSize && lingerMs > 0) await new Promise((r) => setTimeout(r, lingerMs));
        return n > 0;
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
