import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock, type ServiceDefinition } from '@lienthong/platform';
import { connectServiceKafka, createConsumerRunner, signingKeysForStart } from '@lienthong/events';
import { paymentsConfigSchema } from './config.js';
import { describeMerchants, loadMerchants } from './merchants.js';
import { createPaymentsCore } from './core.js';
import { buildApp } from './app.js';
import { scheduleReconciliation } from './reconcile-schedule.js';
import { refuseDemoMerchants } from './demo-secrets.js';
import { createTaxNoticeObligations } from './obligations/tax-notices.js';

const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

/**
 * The payments service on the platform's one skeleton (issue 17 §5): config from its schema, migrations
 * before listen, the shared auth plugin with the reloadable API clients, shutdown in reverse order.
 */
export const paymentsService: ServiceDefinition<typeof paymentsConfigSchema> = {
  name: 'payments',
  configSchema: paymentsConfigSchema,
  migrationsDir,
  // Demo secrets never reach a production start (issue 17 §2): refused with the config check, before anything
  // connects, naming the setting.
  checkConfig: (config) => refuseDemoMerchants(config, process.env.NODE_ENV),
  async start(ctx) {
    const { config, logger, metrics } = ctx;
    const pool = ctx.pool!;
    const clients = ctx.clients!;
    const merchants = loadMerchants(config.PAYMENTS_MERCHANTS_FILE);
    logger.info({ merchants: describeMerchants(merchants) }, 'merchant accounts loaded');

    // Every record is signed (lt-signature, packages/events signature.ts) when EVENT_SIGNING_KEYS is set:
    // national-sync accepts a fee settlement only from this producer.
    // Unset: warned outside production, refused in production (packages/events signingKeysForStart).
    const signingKeys = signingKeysForStart({
      spec: config.EVENT_SIGNING_KEYS,
      nodeEnv: process.env.NODE_ENV,
      logger,
      consequence: 'payment events are published UNSIGNED: consumers that verify settlements refuse them',
    });
    // Brokers, TLS and SASL from the shared Kafka settings (packages/events service-kafka.ts). In the background:
    // the outbox keeps settlements safe while Kafka is away, so the service starts and serves without it.
    const kafkaConn = await connectServiceKafka({
      config,
      clientId: 'lienthong-payments',
      logger,
      metrics,
      onClose: ctx.onClose,
      connect: 'background',
      ...(signingKeys ? { signingKeys } : {}),
    });
    const { kafka, producer, topics } = kafkaConn;

    const core = createPaymentsCore({
      config,
      pool,
      producer,
      topic: topics.paymentEvents,
      merchants,
      logger,
      registry: metrics,
      clock: systemClock,
    });
    const obligations = createTaxNoticeObligations({
      pool,
      paidStatuses: config.PAYMENTS_TAX_PAID_STATUSES.split(',').map(Number),
    });
    const app = await buildApp({
      server: ctx.serverOptions,
      obligations,
      core,
      clients,
      logger,
      metrics,
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
      publicUrl: config.PAYMENTS_PUBLIC_URL,
    });

    // Tax notices the portal sends (services/inbound → national.inbound.v1) become obligations on the dossier.
    const taxNotices = createConsumerRunner({
      kafka,
      logger,
      // Under the topic namespace, like the topics: two hubs (or test runs) on one cluster never share the group.
      groupId: `${config.KAFKA_TOPIC_NAMESPACE}${config.PAYMENTS_INBOUND_GROUP_ID}`,
      topics: [topics.nationalInbound],
      producer,
      handle: async (event) => {
        await obligations.handle(event);
      },
      retry: { maxAttempts: 10, minDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.3 },
      metrics,
    });
    // Started once Kafka answers (retried with the connection); stopped at this place in the shutdown order.
    kafkaConn.whenConnected({ name: 'tax-notices', start: () => taxNotices.start(), stop: () => taxNotices.stop() });

    core.outbox.start();
    ctx.onClose({
      name: 'outbox',
      close: async () => {
        await core.outbox.stop();
        // One last pass so settlements committed during the drain leave now rather than at the next start.
        await core.outbox.drain().catch((err) => logger.warn({ err }, 'final outbox pass failed; events stay in the ledger'));
      },
    });
    const schedule = config.PAYMENTS_RECONCILE_ENABLED
      ? scheduleReconciliation(core.reconciler, config.PAYMENTS_RECONCILE_CRON, logger)
      : undefined;
    ctx.onClose({ name: 'reconciliation', close: () => schedule?.stop() });
    const purge = setInterval(() => {
      core.idempotency.purgeExpired().then(
        (n) => n && logger.info({ purged: n }, 'expired idempotency keys removed'),
        (err) =>
          logger.warn(
            { err: { code: (err as { code?: string }).code, message: (err as Error).message } },
            'idempotency purge failed',
          ),
      );
    }, 3_600_000);
    purge.unref();
    ctx.onClose({ name: 'idempotency-purge', close: () => clearInterval(purge) });

    return { app, listen: { host: config.PAYMENTS_HOST, port: config.PAYMENTS_PORT } };
  },
};
