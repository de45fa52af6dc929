import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import {
  createCircuitBreaker,
  createHttpServer,
  createMetricsRegistry,
  systemClock,
  type ApiClientRegistry,
  type Clock,
  type Logger,
  type Pool,
  type Registry,
  type RetryPolicy,
} from '@lienthong/platform';
import {
  createConsumerRunner,
  dlqOf,
  signingKeysForStart,
  topicNames,
  type ConsumerRunner,
  type EventProducer,
} from '@lienthong/events';
import type { SyncConfig } from './config.js';
import { createDossierEventHandler } from './consume/dossier-events.js';
import { createFeeSettlementHandler } from './fees/fee-settlement.js';
import { requireSignedSettlements } from './fees/settlement-signature.js';
import { createLedgerIngest } from './ledger/ingest.js';
import { createSyncMetrics } from './metrics.js';
import { createOutboxRelay } from './outbox/relay.js';
import type { PortalClient } from './push/portal.js';
import { createPusher, type Pusher } from './push/pusher.js';
import { createReconciler, type Reconciler } from './reconcile/reconciler.js';
import { createReplayer, type Replayer } from './replay/replayer.js';
import { adminRoutes } from './routes/admin-routes.js';
import { createOutbound, type Outbound } from './outbound/index.js';

/** Settings buildApp reads: the service config (tests may pass a partial one over the defaults). */
export type AppConfig = Omit<
  SyncConfig,
  'DATABASE_URL' | 'API_CLIENTS_FILE' | 'DVCQG_USERNAME' | 'DVCQG_PASSWORD' | 'DVCQG_MADONVI' | 'DVCQG_BASE_URL' | 'KAFKA_BROKERS'
>;

export interface AppDeps {
  config: Readonly<AppConfig>;
  logger: Logger;
  /** Postgres of the ledger, migrations already applied (runService does it; tests call runMigrations). */
  pool: Pool;
  kafka: Kafka;
  /** API clients of the admin API (the service passes the reloadable registry; tests one built in memory). */
  clients: ApiClientRegistry;
  /** Transactional producer for dead letters and the outbox; the caller connects and disconnects it. */
  producer: EventProducer;
  /** The DVCQG client (createDvcqgClient from @lienthong/dvcqg) or a fake with the same methods. */
  portal: PortalClient;
  clock?: Clock;
  metrics?: Registry;
  /** Start consumers, pushers, the relay and the cron job when the app is ready. Default true. */
  workers?: boolean;
}

/** The background parts of the service, for main.ts, tests and the bench. */
export interface SyncRuntime {
  pusher: Pusher;
  relay: ReturnType<typeof createOutboxRelay>;
  reconciler: Reconciler;
  replayer: Replayer;
  consumers: ConsumerRunner[];
  topics: ReturnType<typeof topicNames>;
  /** Answers and promotion statuses (NATIONAL_SYNC_OUTBOUND); its consumer is among `consumers`. */
  outbound?: Outbound;
}

export type SyncApp = FastifyInstance & { sync: SyncRuntime };

export const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

/**
 * Backoff of a consumer partition paused while the ledger (Postgres) is unreachable: the runner never
 * dead-letters an infrastructure failure, it waits and resumes from the same event (docs/events.md);
 * `maxAttempts` is ignored. Only an event that is itself wrong is dead-lettered.
 */
const ingestRetry: RetryPolicy = Object.freeze({
  maxAttempts: Number.MAX_SAFE_INTEGER,
  minDelayMs: 200,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
});

/**
 * national-sync as a fastify app (conventions §1): health, readiness, metrics and the admin API over
 * HTTP, and — started on `ready`, stopped on `close` — the dossier-event consumer (ledger ingest), the
 * pushers, the outbox relay and the reconciliation cron. Tests drive it with app.inject().
 */
/** Starts a consumer, retrying with backoff while Kafka is unreachable, until started or closing. */
async function startWithRetry(c: ConsumerRunner, logger: Logger, closing: () => boolean): Promise<void> {
  for (let attempt = 1; !closing(); attempt++) {
    try {
      await c.start();
      return;
    } catch (err) {
      if (closing()) return;
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      logger.error({ err: (err as Error).message, attempt, delayMs }, 'consumer did not start; retrying');
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

export async function buildApp(deps: AppDeps): Promise<SyncApp> {
  const cfg = deps.config;
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger;
  const registry = deps.metrics ?? createMetricsRegistry('national-sync');
  const topics = topicNames(cfg.KAFKA_TOPIC_NAMESPACE);
  const group = cfg.NATIONAL_SYNC_GROUP_ID;
  // A consumer partition paused on a ledger outage resumes once this answers.
  const ledgerProbe = async () => {
    await deps.pool.query('SELECT 1');
  };
  // Checked by the config schema's pattern; parsed once here. With keys, an unsigned or forged settlement is
  // dead-lettered; without (transition until every payments producer signs), settlements are accepted
  // unsigned and the start says so loudly (docs/events.md#signed-settlements).
  // Refused in production when fee settlements are consumed (packages/events signingKeysForStart).
  const signingKeys =
    cfg.NATIONAL_SYNC_PAYMENTS || cfg.EVENT_SIGNING_KEYS
      ? signingKeysForStart({
          spec: cfg.EVENT_SIGNING_KEYS,
          nodeEnv: process.env.NODE_ENV,
          logger,
          consequence:
            'fee settlements are accepted WITHOUT a producer signature: set EVENT_SIGNING_KEYS (the same keys as payments) to refuse forged ones',
        })
      : undefined;

  const breaker = createCircuitBreaker({
    name: 'dvcqg',
    failureThreshold: cfg.NATIONAL_SYNC_BREAKER_THRESHOLD,
    openMs: cfg.NATIONAL_SYNC_BREAKER_OPEN_MS,
  });
  const metrics = createSyncMetrics(registry, deps.pool, breaker);
  const ingest = createLedgerIngest(deps.pool);
  const relay = createOutboxRelay({
    pool: deps.pool,
    producer: deps.producer,
    topics: {
      syncOutcomes: topics.syncOutcomes,
      dossierEventsDlq: dlqOf(topics.dossierEvents),
      nationalOutboundDlq: dlqOf(topics.nationalOutbound),
    },
    logger,
  });
  const pushRetry: RetryPolicy = {
    maxAttempts: Number.MAX_SAFE_INTEGER,
    minDelayMs: cfg.NATIONAL_SYNC_RETRY_MIN_MS,
    maxDelayMs: cfg.NATIONAL_SYNC_RETRY_MAX_MS,
    factor: 2,
    jitter: cfg.NATIONAL_SYNC_RETRY_JITTER,
  };
  const pusher = createPusher({
    pool: deps.pool,
    portal: deps.portal,
    breaker,
    logger,
    clock,
    metrics,
    batchSize: cfg.NATIONAL_SYNC_BATCH_SIZE,
    claimSize: cfg.NATIONAL_SYNC_CLAIM_SIZE,
    progressBatch: Math.min(10, cfg.NATIONAL_SYNC_PROGRESS_BATCH),
    dossierTopic: topics.dossierEvents,
    group,
    workers: cfg.NATIONAL_SYNC_WORKERS,
    pollMs: cfg.NATIONAL_SYNC_POLL_MS,
    retryPolicy: pushRetry,
    onProgress: () => relay.wake(),
  });
  const consumers: ConsumerRunner[] = [
    createConsumerRunner({
      kafka: deps.kafka,
      logger,
      groupId: group,
      topics: [topics.dossierEvents],
      producer: deps.producer,
      handle: createDossierEventHandler({ ingest, metrics, logger, onRecorded: () => pusher.wake() }),
      retry: ingestRetry,
      // A paused partition resumes only once the ledger answers.
      probe: ledgerProbe,
      partitionsConsumedConcurrently: 6,
      // Records of different dossiers in one partition are recorded together (their snapshots in one statement,
      // ledger/ingest.ts): one ledger round trip per record per partition bounded the drain (issue 16).
      keyConcurrency: cfg.NATIONAL_SYNC_INGEST_CONCURRENCY,
      metrics: registry,
    }),
  ];
  if (cfg.NATIONAL_SYNC_PAYMENTS) {
    consumers.push(
      createConsumerRunner({
        kafka: deps.kafka,
        logger,
        groupId: `${group}-payments`,
        topics: [topics.paymentEvents],
        producer: deps.producer,
        // Settlements count only when signed by payments' producer (fees/settlement-signature.ts).
        handle: signingKeys
          ? requireSignedSettlements(
              createFeeSettlementHandler({ ingest, metrics, onRecorded: () => pusher.wake() }),
              signingKeys,
            )
          : createFeeSettlementHandler({ ingest, metrics, onRecorded: () => pusher.wake() }),
        retry: ingestRetry,
        probe: ledgerProbe,
      }),
    );
  }
  // Answers to citizens' questions and promotion-dossier statuses from national.outbound.v1 (outbound/, issue 13):
  // the same ledger, retries, dead letters and replay, through the same breaker.
  const outbound = cfg.NATIONAL_SYNC_OUTBOUND
    ? createOutbound({
        pool: deps.pool,
        kafka: deps.kafka,
        producer: deps.producer,
        portal: deps.portal,
        breaker,
        logger,
        clock,
        metrics,
        registry,
        topic: topics.nationalOutbound,
        group: `${group}-outbound`,
        batchSize: cfg.NATIONAL_SYNC_BATCH_SIZE,
        pollMs: cfg.NATIONAL_SYNC_POLL_MS,
        retryPolicy: pushRetry,
        maxAttempts: cfg.NATIONAL_SYNC_OUTBOUND_MAX_ATTEMPTS,
        ingestRetry,
        ledgerProbe,
        onProgress: () => relay.wake(),
      })
    : undefined;
  if (outbound) consumers.push(outbound.consumer);
  const reconciler = createReconciler({
    pool: deps.pool,
    portal: deps.portal,
    breaker,
    logger,
    metrics,
    schedule: cfg.NATIONAL_SYNC_RECONCILE_CRON,
    windowMinutes: cfg.NATIONAL_SYNC_RECONCILE_WINDOW_MIN,
    limit: cfg.NATIONAL_SYNC_RECONCILE_LIMIT,
    onResync: () => pusher.wake(),
  });
  const replayer = createReplayer({
    pool: deps.pool,
    kafka: deps.kafka,
    ingest,
    dlqTopic: dlqOf(topics.dossierEvents),
    logger,
    onReplayed: () => pusher.wake(),
  });

  const workers = deps.workers !== false;
  const app = await createHttpServer({
    name: 'national-sync',
    description: 'Dossier events → DVCQG (DongBoHoSoMC, CapNhatTienDoHoSoMC) with a ledger, retries, dead letters and replay',
    logger,
    metrics: registry,
    auth: { clients: deps.clients },
    readiness: {
      ledger: async () => {
        await deps.pool.query('SELECT 1');
      },
      consumer: () => {
        if (workers && !consumers.every((c) => c.running())) throw new Error('consumer has no partition assignment');
      },
      producer: () => {
        if (!deps.producer.healthy()) throw new Error('Kafka producer not connected');
      },
    },
  });
  await adminRoutes(app, { pool: deps.pool, replayer, reconciler });
  if (outbound) await outbound.registerRoutes(app);

  let consumersStarting: Promise<void> = Promise.resolve();
  let closing = false;
  app.addHook('onReady', async () => {
    if (!workers) return;
    relay.start();
    pusher.start();
    outbound?.pusher.start();
    reconciler.start();
    // Joining the consumer group can take as long as the group's rebalance (after a crash, until the
    // dead member's session expires): not awaited, so the HTTP side and the pushers (which drain what
    // the ledger already holds) run meanwhile; /health/ready says when the consumer has partitions.
    consumersStarting = Promise.all(consumers.map((c) => startWithRetry(c, logger, () => closing))).then(() => {});
  });
  // Order matters: stop taking new events (the runner commits what it finished), stop pushing (each
  // cycle settles and releases its locks), then publish what the outbox still holds.
  app.addHook('onClose', async () => {
    if (!workers) return;
    closing = true;
    await reconciler.stop();
    for (const c of consumers) await c.stop().catch((err) => logger.warn({ err }, 'consumer stop failed'));
    await pusher.stop();
    await outbound?.pusher.stop();
    await relay.stop();
    await relay
      .flush()
      .catch((err) => logger.warn({ err: (err as Error).message }, 'outbox not flushed; it is published at the next start'));
    await consumersStarting;
  });

  const sync: SyncRuntime = { pusher, relay, reconciler, replayer, consumers, topics, ...(outbound ? { outbound } : {}) };
  app.decorate('sync', sync);
  return app as SyncApp;
}
