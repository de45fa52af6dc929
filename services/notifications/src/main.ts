import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runService, systemClock } from '@lienthong/platform';
import { connectServiceKafka } from '@lienthong/events';
import { refuseWebhooksDevelopmentSettings, runWebhooksMigrations } from '@lienthong/webhooks';
import { notificationsConfigSchema } from './config.js';
import { describeProviders } from './providers.js';
import { createNotificationsCore } from './core.js';
import { buildApp } from './app.js';

await runService({
  name: 'notifications',
  configSchema: notificationsConfigSchema,
  migrationsDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations'),
  // WEBHOOKS_ALLOW_HTTP never serves a production start: refused before anything connects (createWebhooks refuses too).
  checkConfig: (config) => refuseWebhooksDevelopmentSettings(config),
  async start(ctx) {
    const cfg = ctx.config;
    const pool = ctx.pool!;
    await runWebhooksMigrations(pool, ctx.logger);
    // Brokers, TLS and SASL from the shared Kafka settings (packages/events service-kafka.ts); the catalogue,
    // which the consumer subscribes to, includes dossier.deadline.v1. Closed after the core (registered before it).
    const { kafka, producer } = await connectServiceKafka({
      config: cfg,
      clientId: 'lienthong-notifications',
      logger: ctx.logger,
      metrics: ctx.metrics,
      onClose: ctx.onClose,
    });
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
      zaloWebhookWindowMs: cfg.NOTIFICATIONS_ZALO_WEBHOOK_WINDOW_MS,
    });
    await core.start();
    return { app, listen: { host: cfg.NOTIFICATIONS_HOST, port: cfg.NOTIFICATIONS_PORT } };
  },
});
