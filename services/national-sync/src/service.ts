import { createDvcqgClient } from '@lienthong/dvcqg';
import { connectServiceKafka } from '@lienthong/events';
import { HubError, type ServiceDefinition } from '@lienthong/platform';
import { buildApp, migrationsDir } from './app.js';
import { refuseSyncDemoSecrets, syncConfigSchema } from './config.js';

/**
 * national-sync on the platform's skeleton (docs/adding-a-service.md). Before `start`, runService has
 * checked the config and refused the sandbox password on a live start (checkConfig), applied the ledger
 * migrations and loaded the API clients. Shutdown order: HTTP and the workers (app.close: consumers
 * commit, pushers settle, the outbox flushes), then the producer, then the pool (runService).
 */
export const nationalSyncService: ServiceDefinition<typeof syncConfigSchema> = {
  name: 'national-sync',
  configSchema: syncConfigSchema,
  migrationsDir,
  checkConfig: (config) => refuseSyncDemoSecrets(config),
  // Every pusher, the consumers' partitions and the relay hold a connection at once.
  poolMax: (config) => config.NATIONAL_SYNC_WORKERS + 12,
  async start({ config, logger, metrics, pool, clients, onClose }) {
    if (!pool || !clients)
      throw new HubError('LT_CONFIG_INVALID', 'national-sync: DATABASE_URL and API_CLIENTS_FILE are required', {
        kind: 'internal',
      });
    // Brokers, TLS and SASL from the shared Kafka settings (packages/events service-kafka.ts, docs/events.md).
    // The client id stays 'national-sync': it is also the prefix of the producer's transactional ids.
    const { kafka, producer } = await connectServiceKafka({ config, clientId: 'national-sync', logger, metrics, onClose });
    const portal = createDvcqgClient({
      baseUrl: config.DVCQG_BASE_URL,
      username: config.DVCQG_USERNAME,
      password: config.DVCQG_PASSWORD,
      madonvi: config.DVCQG_MADONVI,
      timeoutMs: config.DVCQG_TIMEOUT_MS,
      logger,
    });
    const app = await buildApp({ config, logger, pool, kafka, producer, portal, metrics, clients });
    return { app, listen: { host: config.NATIONAL_SYNC_HOST, port: config.NATIONAL_SYNC_PORT } };
  },
};
