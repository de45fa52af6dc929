import { createDvcqgClient } from '@lienthong/dvcqg';
import { catalogueSpecs, createEventProducer, createKafka, ensureTopics } from '@lienthong/events';
import { createLogger, createMetricsRegistry, createPool, describeConfig, onShutdown } from '@lienthong/platform';
import { buildApp } from './app.js';
import { loadSyncConfig, syncConfigSchema } from './config.js';

/**
 * Runs national-sync (conventions §1): config, logger, real dependencies, listen, graceful shutdown.
 * Shutdown order: HTTP and the workers (consumer commits, pushers settle, outbox flushes), then the
 * producer, then the pool.
 */
async function main(): Promise<void> {
  const config = loadSyncConfig();
  const logger = createLogger({ name: 'national-sync', level: config.LOG_LEVEL });
  logger.info({ config: describeConfig(syncConfigSchema, config) }, 'starting national-sync');

  const metrics = createMetricsRegistry('national-sync');
  const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: 'national-sync', logger, max: config.NATIONAL_SYNC_WORKERS + 12 });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(',').map((b) => b.trim()), clientId: 'national-sync', logger });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, catalogueSpecs(config.KAFKA_TOPIC_NAMESPACE));
  } finally {
    await admin.disconnect();
  }
  const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'national-sync', metrics });
  await producer.connect();
  const portal = createDvcqgClient({
    baseUrl: config.DVCQG_BASE_URL,
    username: config.DVCQG_USERNAME,
    password: config.DVCQG_PASSWORD,
    madonvi: config.DVCQG_MADONVI,
    timeoutMs: config.DVCQG_TIMEOUT_MS,
    logger,
  });

  const app = await buildApp({ config, logger, pool, kafka, producer, portal, metrics });
  onShutdown(logger, [
    { name: 'http and workers', close: () => app.close() },
    { name: 'kafka producer', close: () => producer.disconnect() },
    { name: 'postgres pool', close: () => pool.end() },
  ]);
  await app.listen({ port: config.NATIONAL_SYNC_PORT, host: config.NATIONAL_SYNC_HOST });
}

main().catch((err: unknown) => {
  // Before the logger exists (bad config) stderr is all there is; the message lists every problem.
  process.stderr.write(`national-sync failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
