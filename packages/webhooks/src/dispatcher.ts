import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '@lienthong/platform';
import type pg from 'pg';
import { signatureHeader, SIGNATURE_HEADER } from './signature.js';
import { deliveryBackoff, type DeliveryRetryPolicy } from './backoff.js';
import { toDelivery, type DeliveryRow, type SubscriptionStore } from './store.js';
import type { WebhookSender } from './sender.js';

export interface WebhookDispatcherOptions {
  pool: pg.Pool;
  store: SubscriptionStore;
  send: WebhookSender;
  clock: Clock;
  logger: Logger;
  /** The service whose queued deliveries this dispatcher sends (deliveries.origin). */
  origin: string;
  policy: DeliveryRetryPolicy;
  /** How long a claimed delivery is reserved for this process (> send timeout); after a crash it is claimed again. */
  leaseMs?: number;
  batchSize?: number;
  pollMs?: number;
  random?: () => number;
}

export interface WebhookDispatcher {
  /** One pass: claims the due head-of-line deliveries and sends them; returns how many were attempted. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
  /** Queues a copy of a delivery to send again now (after the current queue of its subject). */
  redeliver(deliveryId: string): Promise<DeliveryRow | undefined>;
}

/**
 * Sends queued webhook deliveries (design.md flow 6).
 *
 * Ordering per dossier: a delivery is claimed only when no earlier (lower seq) pending delivery of the same
 * subscription, subject and origin exists, so the events of one MaHoSo reach a subscriber in the order they were
 * queued, and a receiver outage holds the later ones back instead of reordering them. A delivery that gives up
 * (after `policy.retryForMs`) is marked failed and unblocks the next; a manual redelivery queues a copy at the end.
 *
 * At-least-once: a claim is a lease (`lease_until`), not a held transaction, so no connection is held during the
 * HTTP call; if the process dies after the receiver answered but before the row was updated, the delivery is sent
 * again after the lease. Receivers deduplicate on the CloudEvent `id` (also the `webhook-event-id` header).
 */
export function createWebhookDispatcher(opts: WebhookDispatcherOptions): WebhookDispatcher {
  const leaseMs = opts.leaseMs ?? 60_000;
  const batchSize = opts.batchSize ?? 16;
  const pollMs = opts.pollMs ?? 1_000;
  const log = opts.logger.child({ component: 'webhook-dispatcher' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  async function claim(): Promise<(DeliveryRow & { body: string })[]> {
    const now = opts.clock.now();
    const r = await opts.pool.query(
      `UPDATE webhook_deliveries d SET lease_until = $3
       WHERE d.id IN (
         SELECT c.id FROM webhook_deliveries c
         WHERE c.origin = $1 AND c.status = 'pending' AND c.next_attempt_at <= $2 AND (c.lease_until IS NULL OR c.lease_until <= $2)
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                           WHERE e.subscription_id = c.subscription_id AND e.subject = c.subject AND e.origin = c.origin
                             AND e.status = 'pending' AND e.seq < c.seq)
         ORDER BY c.next_attempt_at, c.seq
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING d.*`,
      [opts.origin, now, new Date(now.getTime() + leaseMs), batchSize],
    );
    return r.rows.map((row) => ({ ...toDelivery(row), body: row.body as string }));
  }

  async function attempt(d: DeliveryRow & { body: string }): Promise<void> {
    const sub = await opts.store.signingSecrets(d.subscriptionId);
    const startedAt = opts.clock.now();
    const n = d.attempts + 1;
    let result: { ok: boolean; statusCode?: number; error?: string; responseExcerpt?: string; durationMs: number };
    if (!sub || !sub.active) {
      result = { ok: false, error: 'subscription disabled or deleted', durationMs: 0 };
    } else {
      const ts = Math.floor(startedAt.getTime() / 1000);
      result = await opts.send({
        url: sub.url,
        body: d.body,
        headers: {
          [SIGNATURE_HEADER]: signatureHeader(sub.secrets, ts, d.body),
          'webhook-id': d.id,
          'webhook-event-id': d.eventId,
          'webhook-attempt': String(n),
        },
      });
    }
    const now = opts.clock.now();
    const client = await opts.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
         VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (delivery_id, attempt) DO NOTHING`,
        [d.id, n, startedAt, result.durationMs, result.statusCode ?? null, result.error ?? null, result.responseExcerpt ?? null],
      );
      if (result.ok) {
        await client.query(
          `UPDATE webhook_deliveries SET status='delivered', attempts=$2, delivered_at=$3, lease_until=NULL, last_status=$4, last_error=NULL WHERE id=$1`,
          [d.id, n, now, result.statusCode ?? null],
        );
      } else {
        const giveUp = !sub || !sub.active || now.getTime() >= new Date(d.giveUpAt).getTime();
        const next = new Date(now.getTime() + deliveryBackoff(opts.policy, n, opts.random));
        await client.query(
          `UPDATE webhook_deliveries SET status=$2, attempts=$3, next_attempt_at=$4, lease_until=NULL, last_status=$5, last_error=$6 WHERE id=$1`,
          [d.id, giveUp ? 'failed' : 'pending', n, next, result.statusCode ?? null, result.error ?? null],
        );
        log[giveUp ? 'warn' : 'info'](
          {
            deliveryId: d.id,
            subscriptionId: d.subscriptionId,
            eventType: d.eventType,
            attempt: n,
            status: result.statusCode,
            error: result.error,
            gaveUp: giveUp,
          },
          giveUp ? 'webhook delivery gave up' : 'webhook delivery failed; will retry',
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async function tick(): Promise<number> {
    const claimed = await claim();
    await Promise.all(
      claimed.map((d) =>
        attempt(d).catch((err) =>
          log.error({ err, deliveryId: d.id }, 'webhook delivery could not be recorded; retried after the lease'),
        ),
      ),
    );
    return claimed.length;
  }

  const loop = async () => {
    if (stopped) return;
    let n = 0;
    try {
      running = tick();
      n = (await running) as number;
    } catch (err) {
      log.warn({ err }, 'webhook dispatch pass failed');
    } finally {
      running = undefined;
    }
    if (!stopped) timer = setTimeout(loop, n >= batchSize ? 0 : pollMs);
  };

  return {
    tick,
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
    async redeliver(deliveryId) {
      const now = opts.clock.now();
      const r = await opts.pool.query(
        `INSERT INTO webhook_deliveries (id, subscription_id, origin, event_id, event_type, subject, agency, body, status, next_attempt_at, give_up_at, created_at, redelivery_of)
         SELECT $2, subscription_id, origin, event_id, event_type, subject, agency, body, 'pending', $3, $4, $3, id FROM webhook_deliveries WHERE id = $1
         RETURNING *`,
        [deliveryId, randomUUID(), now, new Date(now.getTime() + opts.policy.retryForMs)],
      );
      return r.rows[0] ? toDelivery(r.rows[0]) : undefined;
    },
  };
}

/** Deliveries and their attempts, for the API and operators. */
export async function listDeliveries(
  db: pg.Pool,
  filter: { subscriptionId: string; status?: string | undefined; limit: number },
): Promise<DeliveryRow[]> {
  const r = await db.query(
    `SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY seq DESC LIMIT $3`,
    [filter.subscriptionId, filter.status ?? null, filter.limit],
  );
  return r.rows.map(toDelivery);
}

export async function getDelivery(
  db: pg.Pool,
  id: string,
): Promise<(DeliveryRow & { attemptsLog: import('./store.js').AttemptRow[] }) | undefined> {
  const r = await db.query('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
  if (!r.rows[0]) return undefined;
  const a = await db.query('SELECT * FROM webhook_delivery_attempts WHERE delivery_id = $1 ORDER BY attempt', [id]);
  return {
    ...toDelivery(r.rows[0]),
    attemptsLog: a.rows.map((x) => ({
      attempt: x.attempt,
      startedAt: (x.started_at as Date).toISOString(),
      durationMs: x.duration_ms,
      statusCode: x.status_code,
      error: x.error,
      responseExcerpt: x.response_excerpt,
    })),
  };
}
