import { backoffDelay, type Clock, type Logger, type Pool, type RetryPolicy } from '@lienthong/platform';
import type { CloudEvent, EventProducer } from '@lienthong/events';
import type { PaymentMetrics } from './metrics.js';

export interface OutboxRelayOptions {
  pool: Pool;
  producer: EventProducer;
  /** payment.events.v1 under the namespace. */
  topic: string;
  logger: Logger;
  metrics: PaymentMetrics;
  clock: Clock;
  intervalMs: number;
  batchSize?: number;
  /** Backoff while Kafka refuses. */
  retry?: RetryPolicy;
}

export interface OutboxRelay {
  start(): void;
  /** Publish soon (after a settlement committed). Coalesces with a pass already running. */
  kick(): void;
  /** One pass: publishes every waiting event; resolves with how many were published. */
  drain(): Promise<number>;
  /** Stops the timer and waits for the pass in hand (the producer is flushed by its owner afterwards). */
  stop(): Promise<void>;
}

const LOCK = "hashtext('lienthong-payments-outbox')";

/**
 * Publishes the ledger's outbox to Kafka (transactional outbox; docs/payments.md "Guarantees").
 *
 * Why an outbox and not publish-then-mark: the event row is written in the very transaction that
 * settles the payment, so a committed settlement always has its event, even if Kafka is down for an hour
 * or the process dies right after the commit; the IPN is answered as soon as Postgres committed, never
 * held hostage by Kafka. The relay publishes waiting rows in id order with the transactional producer
 * (acks=all) and marks them published. The one duplicate it can produce — a crash between Kafka's commit
 * and the mark — carries the same CloudEvent id (ids are derived from the payment), so consumers drop it.
 *
 * One relay at a time across instances (a transaction-scoped advisory lock): events of one payment
 * (expired, then a late settlement) leave in the order they were written.
 */
export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const log = opts.logger.child({ component: 'outbox' });
  const batchSize = opts.batchSize ?? 500;
  const policy: RetryPolicy = opts.retry ?? {
    maxAttempts: Infinity,
    minDelayMs: 500,
    maxDelayMs: 30_000,
    factor: 2,
    jitter: 0.3,
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;
  let failures = 0;
  let pausedUntil = 0;

  async function passOnce(): Promise<{ published: number; more: boolean }> {
    const c = await opts.pool.connect();
    try {
      await c.query('BEGIN');
      const lock = await c.query(`SELECT pg_try_advisory_xact_lock(${LOCK}) AS ok`);
      if (!(lock.rows[0] as { ok: boolean }).ok) {
        await c.query('COMMIT');
        return { published: 0, more: false };
      }
      const rows = (
        await c.query(
          'SELECT outbox_id, event FROM payment_outbox WHERE published_at IS NULL ORDER BY outbox_id LIMIT $1 FOR UPDATE',
          [batchSize],
        )
      ).rows as { outbox_id: string; event: CloudEvent }[];
      if (rows.length === 0) {
        await c.query('COMMIT');
        opts.metrics.outboxBacklog.set(0);
        return { published: 0, more: false };
      }
      const ids = rows.map((r) => r.outbox_id);
      try {
        await opts.producer.publish(
          opts.topic,
          rows.map((r) => r.event),
        );
      } catch (err) {
        await c.query('UPDATE payment_outbox SET attempts = attempts + 1, last_error = $2 WHERE outbox_id = ANY($1::bigint[])', [
          ids,
          String((err as Error).message).slice(0, 500),
        ]);
        await c.query('COMMIT');
        opts.metrics.outboxBacklog.set(rows.length);
        throw err;
      }
      await c.query(
        'UPDATE payment_outbox SET published_at = $2, attempts = attempts + 1, last_error = NULL WHERE outbox_id = ANY($1::bigint[])',
        [ids, opts.clock.now()],
      );
      await c.query('COMMIT');
      opts.metrics.outboxPublished.inc(rows.length);
      log.debug({ published: rows.length }, 'payment events published');
      return { published: rows.length, more: rows.length === batchSize };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async function drainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const { published, more } = await passOnce();
      total += published;
      if (!more) return total;
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    if (Date.now() < pausedUntil) return schedule(pausedUntil - Date.now());
    void relay.drain().then(
      () => {
        failures = 0;
        schedule(opts.intervalMs);
      },
      (err) => {
        failures++;
        const delay = backoffDelay(policy, failures);
        pausedUntil = Date.now() + delay;
        log.warn({ err, failures, retryInMs: delay }, 'outbox relay could not publish; events stay in the ledger');
        schedule(delay);
      },
    );
  }

  const relay: OutboxRelay = {
    start() {
      stopped = false;
      schedule(0);
    },
    kick() {
      if (stopped || Date.now() < pausedUntil) return;
      if (running) {
        again = true;
        return;
      }
      schedule(0);
    },
    drain() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        let total = 0;
        try {
          do {
            again = false;
            total += await drainAll();
          } while (again);
          return total;
        } finally {
          running = undefined;
        }
      })();
      return running;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => 0);
    },
  };
  return relay;
}
