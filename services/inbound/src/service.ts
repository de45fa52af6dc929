import { fileURLToPath } from 'node:url';
import { HubError, runExclusive, systemClock, type ServiceDefinition } from '@lienthong/platform';
import { connectServiceKafka, createConsumerRunner } from '@lienthong/events';
import { createWebhooks, parseNetworks, refuseWebhooksDevelopmentSettings, runWebhooksMigrations } from '@lienthong/webhooks';
import { readFileSync } from 'node:fs';
import cron from 'node-cron';
import { createDvcqgClient, refuseDvcqgDemoSecrets } from '@lienthong/dvcqg';
import { buildApp } from './app.js';
import { inboundConfigSchema } from './config.js';

/**
 * The inbound service on the platform's skeleton (docs/adding-a-service.md). Safe to run N times: the
 * refId row lock serialises duplicates across instances, the router is a consumer group, the webhook
 * dispatcher claims deliveries with leases.
 */
export const inboundService: ServiceDefinition<typeof inboundConfigSchema> = {
  name: 'inbound',
  configSchema: inboundConfigSchema,
  migrationsDir: fileURLToPath(new URL('../migrations/', import.meta.url)),
  checkConfig(config) {
    // The sandbox portal's password never serves a production start (issue 17 §2), nor http webhook targets.
    refuseDvcqgDemoSecrets(config);
    refuseWebhooksDevelopmentSettings(config);
  },
  async start({ config, logger, metrics, pool, clients, onClose }) {
    if (!pool || !clients)
      throw new HubError('LT_CONFIG_INVALID', 'inbound: DATABASE_URL and API_CLIENTS_FILE are required', { kind: 'internal' });
    await runWebhooksMigrations(pool, logger);
    const routing = config.INBOUND_ROUTING_FILE ? JSON.parse(readFileSync(config.INBOUND_ROUTING_FILE, 'utf8')) : {};
    const { kafka, admin, producer, topics } = await connectServiceKafka({
      config,
      clientId: 'lienthong-inbound',
      logger,
      metrics,
      onClose,
    });

    const webhooks = createWebhooks({
      pool,
      logger,
      clock: systemClock,
      origin: 'inbound',
      secretKey: config.WEBHOOKS_SECRET_KEY,
      allowHttp: config.WEBHOOKS_ALLOW_HTTP,
      allowedNetworks: config.WEBHOOKS_ALLOWED_NETWORKS,
      timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
      retryHours: config.WEBHOOKS_RETRY_HOURS,
      secretOverlapHours: config.WEBHOOKS_SECRET_OVERLAP_HOURS,
    });
    const dvcqg =
      config.DVCQG_BASE_URL && config.DVCQG_USERNAME && config.DVCQG_PASSWORD && config.DVCQG_MADONVI
        ? createDvcqgClient({
            baseUrl: config.DVCQG_BASE_URL,
            username: config.DVCQG_USERNAME,
            password: config.DVCQG_PASSWORD,
            madonvi: config.DVCQG_MADONVI,
            timeoutMs: config.DVCQG_TIMEOUT_MS,
            logger,
          })
        : undefined;
    const svc = await buildApp({
      ...(dvcqg ? { dvcqg } : {}),
      logger,
      metrics,
      clients,
      pool,
      producer,
      topic: topics.nationalInbound,
      outboundTopic: topics.nationalOutbound,
      webhooks,
      portal: {
        ...(config.INBOUND_PORTAL_TOKEN ? { token: config.INBOUND_PORTAL_TOKEN } : {}),
        header: config.INBOUND_PORTAL_TOKEN_HEADER,
        allowedNetworks: parseNetworks(config.INBOUND_ALLOWED_NETWORKS),
      },
      routing,
      maxAttachmentBytes: config.INBOUND_MAX_ATTACHMENT_BYTES,
      bodyLimitBytes: config.INBOUND_BODY_LIMIT_BYTES,
      readiness: {
        postgres: async () => {
          await pool.query('SELECT 1');
        },
        kafka: async () => {
          await admin.describeCluster();
        },
      },
    });
    webhooks.dispatcher.start();
    onClose({ name: 'webhook-dispatcher', close: () => webhooks.dispatcher.stop() });
    const consumer = createConsumerRunner({
      kafka,
      logger,
      groupId: config.INBOUND_GROUP_ID,
      topics: [topics.nationalInbound],
      producer,
      handle: async (event) => {
        await svc.routeEvent(event);
      },
      retry: { maxAttempts: 10, minDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.3 },
      metrics,
    });
    void consumer
      .start()
      .catch((err: unknown) => logger.error({ err: { message: (err as Error).message } }, 'inbound router did not start'));
    onClose({ name: 'consumer', close: () => consumer.stop() });
    // Answers the old in-service ledger had not pushed yet go to national-sync now (one path, migration 003).
    void svc
      .publishCarriedOver()
      .catch((err: unknown) =>
        logger.warn({ code: (err as { code?: string }).code }, 'carried-over answers not published; the next start retries'),
      );
    if (svc.qa) {
      const qa = svc.qa;
      const poll = cron.schedule(
        config.INBOUND_QA_POLL_CRON,
        // One instance polls at a time (N instances would ask the portal N times; publishOnce already
        // keeps a question from being published twice, this keeps the portal's load at one poll).
        () =>
          void runExclusive(pool, 'lienthong-inbound-qa-poll', () => qa.poll()).catch((err: unknown) =>
            logger.warn({ code: (err as { code?: string }).code }, 'portal question poll failed'),
          ),
      );
      onClose({
        name: 'qa',
        close: async () => {
          await poll.stop();
        },
      });
    }
    return { app: svc.app, listen: { host: config.INBOUND_HOST, port: config.INBOUND_PORT } };
  },
};
