import { backoffDelay, type Clock, type Logger, type Pool, type PoolClient, type RetryPolicy } from '@lienthong/platform';
import type { CloudEvent, EventProducer } from '@lienthong/events';
import type { DeadlineMetrics } from './deadline/metrics.js';

/** Writes an event into the outbox inside the caller's transaction (the one that records the transition). */
export async function enqueueEvent(c: PoolClient, event: CloudEvent): Promise<void> {
  await c.query('INSERT INTO ops_outbox (event) VALUES ($1)', [JSON.stringify(event)]);
}

export interface OutboxRelay {
  start(): void;
  kick(): void;
  /** Publishes every waiting event; resolves with how many. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const LOCK = "hashtext('lienthong-operations-outbox')";

/**
 * Relays ops_outbox to dossier.deadline.v1 (the pattern of services/payments/src/outbox-relay.ts). A
 * transition is recorded (ops_deadline_notice, unique per dossier, kind and deadline) and its event queued
 * in one transaction, so a crash either loses both or keeps both, and a restart publishes what is waiting.
 * The relay publishes in id order under a transaction-scoped advisory lock (one relay at a time across
 * instances) and marks rows published after Kafka committed them. The one duplicate possible — the process
 * dying between Kafka's commit and the mark — carries the same CloudEvent id (derived from the dossier,
 * kind and deadline), so a consumer can drop it; docs/operations.md says so.
 */
export function createOutboxRelay(opts: {
  pool: Pool;
  producer: EventProducer;
  topic: string;
  logger: Logger;
  clock: Clock;
  intervalMs: number;
  metrics?: DeadlineMetrics;
}): OutboxRelay {
  const log = opts.logger.child({ component: 'outbox' });
  const policy: RetryPolicy = { maxAttempts: Infinity, minDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.3 };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  let failures = 0;

  async function passOnce(): Promise<{ published: number; more: boolean }> {
    const c = await opts.pool.connect();
    try {
      await c.query('BEGIN');
      const lock = (await c.query(`SELECT pg_try_advisory_xact_lock(${LOCK}) AS ok`)).rows[0] as { ok: boolean };
      if (!lock.ok) {
        await c.query('COMMIT');
        return { published: 0, more: false };
      }
      const rows = (
        await c.query(
          'SELECT outbox_id, event FROM ops_outbox WHERE published_at IS NULL ORDER BY outbox_id LIMIT 500 FOR UPDATE',
        )
      ).rows as {
        outbox_id: string;
        event: CloudEvent;
      }[];
      if (rows.length === 0) {
        await c.query('COMMIT');
        return { published: 0, more: false };
      }
      const ids = rows.map((r) => r.outbox_id);
      try {
        await opts.producer.publish(
          opts.topic,
          rows.map((r) => r.event),
        );
      } catch (err) {
        opts.metrics?.failures.inc({ stage: 'publish' });
        await c.query('UPDATE ops_outbox SET attempts = attempts + 1, last_error = $2 WHERE outbox_id = ANY($1::bigint[])', [
          ids,
          String((err as Error).message).slice(0, 500),
        ]);
        await c.query('COMMIT');
        throw err;
      }
      await c.query(
        'UPDATE ops_outbox SET published_at = $2, attempts = attempts + 1, last_error = NULL WHERE outbox_id = ANY($1::bigint[])',
        [ids, opts.clock.now()],
      );
      await c.query('COMMIT');
      log.debug({ published: rows.length }, 'deadline events published');
      return { published: rows.length, more: rows.length === 500 };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
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
    void relay.drain().then(
      () => {
        failures = 0;
        schedule(opts.intervalMs);
      },
      (err) => {
        failures++;
        const delay = backoffDelay(policy, failures);
        log.warn({ err, failures, retryInMs: delay }, 'outbox relay could not publish; events wait in Postgres');
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
      if (!stopped && !running && failures === 0) schedule(0);
    },
    drain() {
      if (running) return running;
      running = (async () => {
        let total = 0;
        try {
          for (;;) {
            const r = await passOnce();
            total += r.published;
            if (!r.more) return total;
          }
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
