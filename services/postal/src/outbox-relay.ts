import { withTransaction, type Logger, type Pool } from '@lienthong/platform';
import type { CloudEvent, EventProducer } from '@lienthong/events';

/**
 * Publishes postal_outbox to postal.events.v1 in id order under a transaction-scoped advisory lock (one
 * relay across instances, so one order's events leave in the order they were written). A row is marked
 * only after Kafka committed it; a crash in between republishes the same CloudEvent id, which consumers
 * drop. Kafka down: nothing is lost, the rows wait.
 */
export function createOutboxRelay(deps: { pool: Pool; producer: EventProducer; topic: string; logger: Logger }) {
  const log = deps.logger.child({ component: 'postal-outbox' });
  return async function drain(batch = 200): Promise<number> {
    try {
      return await withTransaction(deps.pool, async (c) => {
        const lock = await c.query<{ ok: boolean }>(
          "SELECT pg_try_advisory_xact_lock(hashtext('lienthong-postal-outbox')) AS ok",
        );
        if (!lock.rows[0]?.ok) return 0;
        const rows = await c.query<{ id: string; event: CloudEvent }>(
          'SELECT id, event FROM postal_outbox WHERE published_at IS NULL ORDER BY id LIMIT $1',
          [batch],
        );
        if (rows.rowCount === 0) return 0;
        await deps.producer.publish(
          deps.topic,
          rows.rows.map((r) => r.event),
        );
        await c.query('UPDATE postal_outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.rows.map((r) => r.id)]);
        return rows.rowCount ?? 0;
      });
    } catch (err) {
      log.warn(
        { code: (err as { code?: string }).code, message: (err as Error).message },
        'postal outbox not published yet; will retry',
      );
      return 0;
    }
  };
}
