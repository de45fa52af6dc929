import { fileURLToPath } from 'node:url';
import { HubError, type ServiceDefinition } from '@lienthong/platform';
import { connectServiceKafka, replayDeadLetters } from '@lienthong/events';
import type { GenericReplay } from './lib/replay.js';
import { buildApp } from './app.js';
import { consoleConfigSchema, type ConsoleConfig } from './config.js';
import { createSessionStore } from './lib/sessions.js';
import { createActionLog } from './lib/action-log.js';
import { createBackends, type ServiceName } from './lib/backends.js';
import { createOverviewSampler } from './overview/sampler.js';
import { createLiveFeed } from './live/feed.js';
import { createEventIndex } from './index/event-index.js';

export function backendUrls(config: ConsoleConfig): Partial<Record<ServiceName, string>> {
  return {
    gateway: config.GATEWAY_URL,
    'national-sync': config.NATIONAL_SYNC_URL,
    payments: config.PAYMENTS_URL,
    'citizen-data': config.CITIZEN_DATA_URL,
    operations: config.OPERATIONS_URL,
    notifications: config.NOTIFICATIONS_URL,
    postal: config.POSTAL_URL,
    inbound: config.INBOUND_URL,
    ...(config.SANDBOX_URL ? { sandbox: config.SANDBOX_URL } : {}),
  };
}

/**
 * The console as a service of the platform's skeleton: runService has checked the config, applied the
 * migrations (sessions, action log, event index) and loaded the API clients; `start` wires the index
 * consumer, the overview sampler and the pages. Closing (reverse order): sampler, index consumer, purge.
 */
export const consoleService: ServiceDefinition<typeof consoleConfigSchema> = {
  name: 'console',
  configSchema: consoleConfigSchema,
  migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
  async start({ config, logger, metrics, pool, clients, onClose, serverOptions }) {
    if (!pool || !clients)
      throw new HubError('LT_CONFIG_INVALID', 'console: DATABASE_URL and API_CLIENTS_FILE are required', { kind: 'internal' });
    const sessions = createSessionStore(pool, {
      secret: config.CONSOLE_SESSION_SECRET,
      ttlHours: config.CONSOLE_SESSION_HOURS,
      idleMinutes: config.CONSOLE_SESSION_IDLE_MINUTES,
    });
    const purge = setInterval(() => {
      sessions
        .purgeExpired()
        .catch((err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'session purge failed'));
      pool
        .query(`DELETE FROM console_event WHERE event_time < now() - make_interval(days => $1)`, [
          config.CONSOLE_INDEX_RETENTION_DAYS,
        ])
        .then(
          (r) => r.rowCount && logger.info({ purged: r.rowCount }, 'old index rows removed'),
          (err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'index purge failed'),
        );
    }, 3_600_000);
    purge.unref();
    onClose({ name: 'session-purge', close: () => clearInterval(purge) });

    const feed = createLiveFeed();
    // The index follows Kafka: if the broker is unreachable at start, the console still serves every page
    // (they read the services) and the index starts when Kafka answers; the overview says it is not running.
    let indexRunning = () => false;
    let genericReplay: GenericReplay | undefined;
    if (config.CONSOLE_INDEX_ENABLED) {
      // Brokers, TLS and SASL from the shared Kafka settings (packages/events service-kafka.ts), in the
      // background: retried every 10 s while the pages go on serving.
      const kafkaConn = await connectServiceKafka({
        config,
        clientId: 'lienthong-console',
        logger,
        onClose,
        connect: 'background',
        // Replays of every group but national-sync's republish through it (one transaction each): rare.
        producerLanes: 1,
      });
      const { kafka, producer } = kafkaConn;
      const index = createEventIndex({
        kafka,
        pool,
        logger,
        namespace: config.KAFKA_TOPIC_NAMESPACE,
        groupId: config.CONSOLE_INDEX_GROUP_ID,
        onIndexed: (rows) => feed.publish(rows),
        onDeadLetter: () => feed.deadLettersChanged(),
      });
      genericReplay = async (o) => {
        if (!kafkaConn.connected()) throw new Error('Kafka producer not connected yet');
        return replayDeadLetters({ ...o, kafka, producer, logger, timeoutMs: 30_000 });
      };
      kafkaConn.whenConnected({ name: 'event-index', start: () => index.start(), stop: () => index.stop() });
      indexRunning = index.running;
    }

    const backends = createBackends(backendUrls(config), config.CONSOLE_BACKEND_TIMEOUT_MS);
    const sampler = createOverviewSampler({ backends, intervalMs: config.CONSOLE_SCRAPE_INTERVAL_MS, logger });
    sampler.start();
    onClose({ name: 'overview-sampler', close: () => sampler.stop() });

    const app = await buildApp({
      server: serverOptions,
      pool,
      clients,
      sessions,
      actions: createActionLog(pool),
      backends,
      sampler,
      feed,
      logger,
      metrics,
      secret: config.CONSOLE_SESSION_SECRET,
      cookieSecure: config.CONSOLE_COOKIE_SECURE,
      nationalSyncGroup: config.NATIONAL_SYNC_GROUP_ID,
      indexRunning: () => indexRunning(),
      ...(genericReplay ? { genericReplay } : {}),
      readiness: {
        postgres: async () => {
          await pool.query('SELECT 1');
        },
      },
    });
    return { app, listen: { host: config.CONSOLE_HOST, port: config.CONSOLE_PORT } };
  },
};
