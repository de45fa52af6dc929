import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runService, systemClock } from '@lienthong/platform';
import { catalogueSpecs, createEventProducer, createKafka, ensureTopics } from '@lienthong/events';
import { runWebhooksMigrations } from '@lienthong/webhooks';
import { notificationsConfigSchema } from './config.js';
import { describeProviders } from './providers.js';
import { createNotificationsCore } from './core.js';
import { buildApp } from './app.js';

await runService({
  name: 'notifications',
  configSchema: notificationsConfigSchema,
  migrationsDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations'),
  async start(ctx) {
    const cfg = ctx.config;
    const pool = ctx.pool!;
    await runWebhooksMigrations(pool, ctx.logger);
    const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS.split(','), clientId: 'lienthong-notifications', logger: ctx.logger });
    const admin = kafka.admin();
    await admin.connect();
    const specs = catalogueSpecs(cfg.KAFKA_TOPIC_NAMESPACE);
    // The deadline topic may not be in the catalogue yet (operations adds it); create it so the consumer can subscribe.
    if (!specs.some((s) => s.name === `${cfg.KAFKA_TOPIC_NAMESPACE}dossier.deadline.v1`)) {
      const name = `${cfg.KAFKA_TOPIC_NAMESPACE}dossier.deadline.v1`;
      specs.push({ name, partitions: 3, retentionMs: 90 * 86_400_000, cleanupPolicy: 'delete', description: 'deadline events' });
      specs.push({
        name: `${name}.dlq`,
        partitions: 1,
        retentionMs: 90 * 86_400_000,
        cleanupPolicy: 'delete',
        description: 'dead letters',
      });
    }
    await ensureTopics(admin, specs);
    await admin.disconnect();
    const producer = createEventProducer({
      kafka,
      logger: ctx.logger,
      transactionalIdPrefix: 'lienthong-notifications',
      metrics: ctx.metrics,
    });
    await producer.connect();
    const core = createNotificationsCore({
      config: cfg,
      pool,
      kafka,
      producer,
      logger: ctx.logger,
      clock: systemClock,
      metrics: ctx.metrics,
    });
    ctx.logger.info(
      { providers: describeProviders(core.providers), agencies: Object.keys(core.templates.agencies) },
      'templates and providers loaded',
    );
    ctx.onClose({ name: 'producer', close: () => producer.disconnect() });
    ctx.onClose({ name: 'notifications', close: () => core.stop() });
    const server = await ctx.httpServer({
      description: 'Zalo/SMS notifications to citizens and signed webhooks to provincial systems',
      readiness: {
        postgres: async () => {
          await pool.query('SELECT 1');
        },
      },
    });
    const app = await buildApp({
      server,
      pool,
      webhooks: core.webhooks,
      zaloAccounts: core.providers.zalo,
      clock: systemClock,
      receipts: core.receipts,
    });
    await core.start();
    return { app, listen: { host: cfg.NOTIFICATIONS_HOST, port: cfg.NOTIFICATIONS_PORT } };
  },
});
