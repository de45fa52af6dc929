import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import { createConsumerRunner, type ConsumerRunner, type EventProducer } from '@lienthong/events';
import {
  Gauge,
  type CircuitBreaker,
  type Clock,
  type Logger,
  type Pool,
  type Registry,
  type RetryPolicy,
} from '@lienthong/platform';
import type { SyncMetrics } from '../metrics.js';
import type { WakeableLoop } from '../wakeable-loop.js';
import { createOutboundHandler } from './consume.js';
import { createOutboundPusher, type OutboundPortal } from './pusher.js';
import { outboundRoutes } from './routes.js';

export { OUTBOUND_EVENT_TYPES } from './consume.js';
export type { OutboundPortal } from './pusher.js';

export interface OutboundDeps {
  pool: Pool;
  kafka: Kafka;
  /** For the consumer's dead letters (the runner writes them). */
  producer: EventProducer;
  portal: OutboundPortal;
  breaker: CircuitBreaker;
  logger: Logger;
  clock: Clock;
  metrics: SyncMetrics;
  registry: Registry;
  /** national.outbound.v1 with its namespace. */
  topic: string;
  /** national-sync's consumer group of it. */
  group: string;
  batchSize: number;
  pollMs: number;
  retryPolicy: RetryPolicy;
  maxAttempts: number;
  /** Backoff of the consumer while the ledger is unreachable (the dossier consumer's). */
  ingestRetry: RetryPolicy;
  ledgerProbe: () => Promise<void>;
  /** Called after a cycle that wrote outcomes (wakes the outbox relay). */
  onProgress: () => void;
}

export interface Outbound {
  consumer: ConsumerRunner;
  pusher: WakeableLoop;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

/**
 * Answers to citizens' questions and statuses of promotion-notice dossiers, province → portal (issue 13), through
 * the same reliable path as dossiers: consumer → ledger (sync_outbound) → pusher → DVCQG, outcomes and dead letters
 * through the transactional outbox, operator replay. One place wires it; app.ts starts and stops its parts with the
 * dossier ones.
 */
export function createOutbound(deps: OutboundDeps): Outbound {
  const pusher = createOutboundPusher({
    pool: deps.pool,
    portal: deps.portal,
    breaker: deps.breaker,
    logger: deps.logger,
    clock: deps.clock,
    metrics: deps.metrics,
    batchSize: deps.batchSize,
    pollMs: deps.pollMs,
    retryPolicy: deps.retryPolicy,
    maxAttempts: deps.maxAttempts,
    topic: deps.topic,
    group: deps.group,
    onProgress: deps.onProgress,
  });
  const consumer = createConsumerRunner({
    kafka: deps.kafka,
    logger: deps.logger,
    groupId: deps.group,
    topics: [deps.topic],
    producer: deps.producer,
    handle: createOutboundHandler({ pool: deps.pool, metrics: deps.metrics, onRecorded: () => pusher.wake() }),
    retry: deps.ingestRetry,
    probe: deps.ledgerProbe,
    // No `metrics`: the consumer runner's metrics are registered once per registry, by the dossier consumer.
  });
  // Read from the ledger at scrape time, like national_sync_backlog: the same truth on every instance.
  new Gauge({
    name: 'national_sync_outbound_backlog',
    help: 'answers and promotion statuses by state that are not synced (due, retrying, dead-lettered)',
    labelNames: ['kind', 'state'],
    registers: [deps.registry],
    async collect() {
      try {
        const r = await deps.pool.query<{ kind: string; state: string; n: number }>(
          `SELECT kind, CASE WHEN due_at IS NOT NULL AND state <> 'retrying' THEN 'due' ELSE state END AS state, count(*)::int AS n
             FROM sync_outbound WHERE state <> 'synced' OR due_at IS NOT NULL GROUP BY 1, 2`,
        );
        this.reset();
        for (const x of r.rows) this.set({ kind: x.kind, state: x.state }, x.n);
      } catch {
        // A scrape must not fail because the ledger is down; /health/ready reports that.
      }
    },
  });
  return {
    consumer,
    pusher,
    registerRoutes: (app) => outboundRoutes(app, { pool: deps.pool, onReplayed: () => pusher.wake() }),
  };
}
