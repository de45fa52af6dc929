import { fileURLToPath } from 'node:url';
import { HubError, type ServiceDefinition } from '@lienthong/platform';
import { connectServiceKafka } from '@lienthong/events';
import { buildApp } from './app.js';
import { gatewayConfigSchema } from './config.js';
import { createIdempotencyStore } from './idempotency-store.js';
import { createCatalogueCheck } from './catalogue-check.js';

/**
 * The gateway as a service of the platform's skeleton (docs/adding-a-service.md): runService has checked
 * the config, applied the migrations and loaded the API clients before `start`; `start` wires Kafka and
 * the idempotency store into buildApp and says where to listen. Closing (reverse order): the purge timer,
 * the producer, the admin client; runService then closes the pool.
 */
export const gatewayService: ServiceDefinition<typeof gatewayConfigSchema> = {
  name: 'gateway',
  configSchema: gatewayConfigSchema,
  migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
  async start({ config, logger, metrics, pool, clients, onClose, serverOptions }) {
    if (!pool || !clients)
      throw new HubError('LT_CONFIG_INVALID', 'gateway: DATABASE_URL and API_CLIENTS_FILE are required', { kind: 'internal' });
    // Brokers, TLS and SASL from the shared Kafka settings (packages/events, docs/events.md).
    const { admin, producer, topics } = await connectServiceKafka({
      config,
      clientId: 'lienthong-gateway',
      logger,
      metrics,
      onClose,
      singleRecords: config.GATEWAY_SINGLE_ITEM_PUBLISH,
    });

    const idempotency = createIdempotencyStore(pool, {
      ttlHours: config.GATEWAY_IDEMPOTENCY_TTL_HOURS,
      contentWindowSeconds: config.GATEWAY_CONTENT_DEDUPE_SECONDS,
    });
    const purge = setInterval(() => {
      idempotency.purgeExpired().then(
        (n) => n && logger.info({ purged: n }, 'expired idempotency entries removed'),
        (err: unknown) =>
          logger.warn(
            { err: { code: (err as { code?: string }).code, message: (err as Error).message } },
            'idempotency purge failed',
          ),
      );
    }, 600_000);
    purge.unref();
    onClose({ name: 'idempotency-purge', close: () => clearInterval(purge) });
    // Answers are recorded after the 202 (ingest-routes.ts): those still being written are awaited before the pool closes.
    onClose({ name: 'idempotency-records', close: () => idempotency.flush() });

    const catalogue =
      config.GATEWAY_CATALOGUE_URL && config.GATEWAY_CATALOGUE_API_KEY
        ? createCatalogueCheck({
            url: config.GATEWAY_CATALOGUE_URL,
            apiKey: config.GATEWAY_CATALOGUE_API_KEY,
            timeoutMs: config.GATEWAY_CATALOGUE_TIMEOUT_MS,
            logger,
          })
        : undefined;
    const app = await buildApp({
      server: serverOptions,
      ...(catalogue ? { catalogue } : {}),
      logger,
      metrics,
      producer,
      idempotency,
      clients,
      dossierTopic: topics.dossierEvents,
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
    return { app, listen: { host: config.GATEWAY_HOST, port: config.GATEWAY_PORT } };
  },
};
