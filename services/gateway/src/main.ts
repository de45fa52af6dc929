import {
  createLogger,
  createMetricsRegistry,
  createPool,
  describeConfig,
  loadApiClients,
  onShutdown,
  runMigrations,
} from '@lienthong/platform';
import { catalogueSpecs, createEventProducer, createKafka, ensureTopics, topicNames } from '@lienthong/events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.js';
import { gatewayConfigSchema, loadGatewayConfig } from './config.js';
import { createIdempotencyStore } from './idempotency-store.js';

const config = loadGatewayConfig();
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
logger.info({ config: describeConfig(gatewayConfigSchema, config) }, 'starting');

const metrics = createMetricsRegistry('gateway');
const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'lienthong-gateway', logger });
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, catalogueSpecs(config.KAFKA_TOPIC_NAMESPACE));
const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'lienthong-gateway', metrics });
await producer.connect();

const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: 'lienthong-gateway', logger });
const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');
await runMigrations(pool, { service: 'gateway', dir: migrationsDir, logger });
const idempotency = createIdempotencyStore(pool, { ttlHours: config.GATEWAY_IDEMPOTENCY_TTL_HOURS });

const app = await buildApp({
  logger,
  metrics,
  producer,
  idempotency,
  clients: loadApiClients(config.API_CLIENTS_FILE),
  dossierTopic: topicNames(config.KAFKA_TOPIC_NAMESPACE).dossierEvents,
  kafkaReady: async () => {
    await admin.describeCluster();
  },
  dbReady: async () => {
    await pool.query('SELECT 1');
  },
  bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES,
  maxItems: config.GATEWAY_MAX_BATCH_ITEMS,
  rateLimitPerMinute: config.GATEWAY_RATE_LIMIT_PER_MINUTE,
});

const purge = setInterval(() => {
  idempotency.purgeExpired().then(
    (n) => n && logger.info({ purged: n }, 'expired idempotency entries removed'),
    (err) => logger.warn({ err }, 'idempotency purge failed'),
  );
}, 3_600_000);
purge.unref();

onShutdown(logger, [
  { name: 'http', close: () => app.close() },
  { name: 'producer', close: () => producer.disconnect() },
  { name: 'kafka-admin', close: () => admin.disconnect() },
  { name: 'postgres', close: () => pool.end() },
]);

await app.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
