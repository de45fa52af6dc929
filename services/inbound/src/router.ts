import type { CloudEvent } from '@lienthong/events';
import { withTransaction, type Logger, type Pool } from '@lienthong/platform';
import type { Webhooks } from '@lienthong/webhooks';

/**
 * Consumer of national.inbound.v1: queues one signed webhook delivery per subscriber of the packet's
 * agency and kind (packages/webhooks: retries, order per dossier, attempt log), in one transaction with
 * the packet's `routed` mark. Nobody subscribed, or no agency: `routed = false`, listed for operators and
 * routed again when they ask (after a subscription exists) — never dropped. Redelivered records queue
 * nothing twice (deliveries are unique per subscription and event id).
 */
export function createInboundRouter(deps: { pool: Pool; webhooks: Pick<Webhooks, 'enqueue'>; logger: Logger }) {
  const log = deps.logger.child({ component: 'inbound-router' });
  async function route(event: CloudEvent): Promise<number> {
    const data = event.data as { refKey?: unknown; agency?: unknown; kind?: unknown } | null;
    if (!data || typeof data.refKey !== 'string') return 0;
    const refKey = data.refKey;
    const agency = typeof data.agency === 'string' ? data.agency : null;
    return withTransaction(deps.pool, async (c) => {
      const queued = agency ? await deps.webhooks.enqueue(c, event as unknown as Parameters<Webhooks['enqueue']>[1], agency) : 0;
      // An upsert, not an update: the receiver commits its row only after Kafka committed the record, so the
      // router can see the record first. The insert then waits on the receiver's uncommitted row and updates
      // it once committed; if the receiver rolled back after Kafka had the record, the row is made here — the
      // packet is on Kafka, so a portal retry must be answered "duplicate".
      const total = await c.query<{ deliveries: number }>(
        `INSERT INTO inbound_packets (ref_key, kind, ma_ho_so, agency, event_id, event, state, routed, deliveries, published_at, routed_at)
         VALUES ($1, $3, $4, $5, $6, $7, 'published', $2 > 0, $2, now(), now())
         ON CONFLICT (ref_key) DO UPDATE SET routed = (inbound_packets.deliveries + $2) > 0, deliveries = inbound_packets.deliveries + $2, routed_at = now()
         RETURNING deliveries`,
        [refKey, queued, String(data.kind ?? 'unknown'), event.subject, agency, event.id, JSON.stringify(event)],
      );
      if ((total.rows[0]?.deliveries ?? 0) === 0)
        log.warn({ maHoSo: event.subject, agency }, 'inbound packet has no subscriber; kept for operators');
      return queued;
    });
  }
  return { route };
}
