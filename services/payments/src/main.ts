import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  createMetricsRegistry,
  createPool,
  describeConfig,
  loadApiClients,
  onShutdown,
  runMigrations,
  systemClock,
} from '@lienthong/platform';
import { catalogueSpecs, createEventProducer, createKafka, ensureTopics, topicNames } from '@lienthong/events';
import { loadPaymentsConfig, paymentsConfigSchema } from './config.js';
import { describeMerchants, loadMerchants } from './merchants.js';
import { createPaymentsCore } from './core.js';
import { buildApp } from './app.js';
import { scheduleReconciliation } from './reconcile-schedule.js';

const config = loadPaymentsConfig();
const logger = createLogger({ name: 'payments', level: config.LOG_LEVEL });
logger.info({ config: describeConfig(paymentsConfigSchema, config) }, 'starting');
const merchants = loadMerchants(config.PAYMENTS_MERCHANTS_FILE);
logger.info({ merchants: describeMerchants(merchants) }, 'merchant accounts loaded');
const clients = loadApiClients(config.API_CLIENTS_FILE);

const registry = createMetricsRegistry('payments');
const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'lienthong-payments', logger });
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, catalogueSpecs(config.KAFKA_TOPIC_NAMESPACE));
const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'lienthong-payments', metrics: registry });
// Not awaited into a failure: the outbox keeps settlements safe while Kafka is away, so the service may start without it.
await producer.connect().catch((err) => logger.warn({ err }, 'Kafka not reachable yet; events wait in the outbox'));

const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: 'lienthong-payments', logger });
const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');
await runMigrations(pool, { service: 'payments', dir: migrationsDir, logger });

const core = createPaymentsCore({
  config,
  pool,
  producer,
  topic: topicNames(config.KAFKA_TOPIC_NAMESPACE).paymentEvents,
  merchants,
  clients,
  logger,
  registry,
  clock: systemClock,
});
const app = await buildApp({
  core,
  clients,
  logger,
  metrics: registry,
  clock: systemClock,
  // Ready = the ledger answers. Kafka is deliberately not a readiness condition: settlements wait safely in
  // the outbox while it is away, and taking the service out of rotation would only make the providers'
  // notifications fail (VNPAY then retries, MoMo never does). The outbox backlog metric shows the outage.
  readiness: {
    postgres: async () => {
      await pool.query('SELECT 1');
    },
  },
  bodyLimit: config.PAYMENTS_BODY_LIMIT_BYTES,
  rateLimitPerMinute: config.PAYMENTS_RATE_LIMIT_PER_MINUTE,
});

core.outbox.start();
const schedule = config.PAYMENTS_RECONCILE_ENABLED
  ? scheduleReconciliation(core.reconciler, config.PAYMENTS_RECONCILE_CRON, logger)
  : undefined;

onShutdown(logger, [
  { name: 'http', close: () => app.close() },
  { name: 'reconciliation', close: () => schedule?.stop() },
  {
    name: 'outbox',
    close: async () => {
      await core.outbox.stop();
      // One last pass so settlements committed during the drain leave now rather than at the next start.
      await core.outbox.drain().catch((err) => logger.warn({ err }, 'final outbox pass failed; events stay in the ledger'));
    },
  },
  { name: 'producer', close: () => producer.disconnect() },
  { name: 'kafka-admin', close: () => admin.disconnect() },
  { name: 'postgres', close: () => pool.end() },
]);

await app.listen({ host: config.PAYMENTS_HOST, port: config.PAYMENTS_PORT });
