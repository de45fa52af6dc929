import { systemClock, type ServiceDefinition } from '@lienthong/platform';
import { refuseDvcqgDemoSecrets } from '@lienthong/dvcqg';
import { connectServiceKafka, createConsumerRunner, signingKeysForStart } from '@lienthong/events';
import { operationsConfigSchema } from './config.js';
import { loadCalendar } from './calendar/calendar.js';
import { loadAgencyOverrides } from './registry/agency-registry.js';
import { ensureReadModel } from './read-model/schema.js';
import { createOperationsCore } from './core.js';
import { buildApp } from './app.js';
import { defaultAgencyOverridesFile, defaultCalendarDir, migrationsDir } from './paths.js';
import { createJobs } from './jobs.js';

/** The operations service (issue 9): read model, deadlines, apology letters, catalogue, ratings, 766 indicators. */
export const operationsService: ServiceDefinition<typeof operationsConfigSchema> = {
  name: 'operations',
  configSchema: operationsConfigSchema,
  // The sandbox portal password never serves a production start (issue 17 §2), as in national-sync.
  checkConfig: (config) => refuseDvcqgDemoSecrets(config),
  migrationsDir,
  async start(ctx) {
    const c = ctx.config;
    const pool = ctx.pool!;
    const calendar = loadCalendar(c.OPERATIONS_CALENDAR_DIR || defaultCalendarDir);
    ctx.logger.info({ calendarYears: calendar.years }, 'working-day calendar loaded');
    const overrides = loadAgencyOverrides(c.OPERATIONS_AGENCY_OVERRIDES_FILE || defaultAgencyOverridesFile);
    await ensureReadModel(pool, c.OPERATIONS_READ_SCHEMA);

    // Brokers, TLS and SASL from the shared Kafka settings (packages/events service-kafka.ts). Waited for: the
    // read model follows the consumer below, which cannot start without Kafka.
    const { kafka, producer, topics } = await connectServiceKafka({
      config: c,
      clientId: 'lienthong-operations',
      logger: ctx.logger,
      metrics: ctx.metrics,
      onClose: ctx.onClose,
    });

    const core = createOperationsCore({
      pool,
      schema: c.OPERATIONS_READ_SCHEMA,
      calendar,
      clock: systemClock,
      logger: ctx.logger,
      metrics: ctx.metrics,
      producer,
      deadlineTopic: topics.dossierDeadline,
      agencyOverrides: overrides,
      populationCodes: c.OPERATIONS_POPULATION_MACSDL.split(',')
        .map((x) => x.trim())
        .filter(Boolean),
      dueSoonWorkingHours: c.OPERATIONS_DUE_SOON_WORKING_HOURS,
      outboxIntervalMs: c.OPERATIONS_OUTBOX_INTERVAL_MS,
      // Refused in production when unset (packages/events signingKeysForStart).
      signingKeys: signingKeysForStart({
        spec: c.EVENT_SIGNING_KEYS,
        nodeEnv: process.env.NODE_ENV,
        logger: ctx.logger,
        consequence:
          'payment settlements count in the 766 figures WITHOUT a producer signature: set EVENT_SIGNING_KEYS (the same keys as payments)',
      }),
    });
    await core.registry.applyOverrides(overrides);

    const consumer = createConsumerRunner({
      kafka,
      logger: ctx.logger,
      groupId: c.OPERATIONS_GROUP_ID,
      topics: [topics.dossierEvents, topics.syncOutcomes, topics.paymentEvents],
      producer,
      handle: async (event, mctx) => {
        await core.handle(event, mctx);
      },
      retry: { maxAttempts: 8, minDelayMs: 200, maxDelayMs: 10_000, factor: 2, jitter: 0.3 },
      partitionsConsumedConcurrently: c.OPERATIONS_CONSUMER_CONCURRENCY,
      metrics: ctx.metrics,
    });
    await consumer.start();
    ctx.onClose({ name: 'consumer', close: () => consumer.stop() });

    core.outbox.start();
    ctx.onClose({ name: 'outbox', close: () => core.outbox.stop() });

    const jobs = createJobs({ ctx, core, pool, calendar, clock: systemClock });
    if (c.OPERATIONS_JOBS_ENABLED) jobs.start();
    ctx.onClose({ name: 'jobs', close: () => jobs.stop() });

    const server = await ctx.httpServer({
      description:
        'Liên Thông Hub operations: read model, overdue dossiers, apology letters, catalogue, ratings, Decision 766 indicators',
      readiness: {
        postgres: async () => {
          await pool.query('SELECT 1');
        },
      },
    });
    const app = await buildApp({
      server,
      core,
      pool,
      schema: c.OPERATIONS_READ_SCHEMA,
      calendar,
      clock: systemClock,
      extraRoutes: jobs.routes,
      dueSoonWorkingHours: c.OPERATIONS_DUE_SOON_WORKING_HOURS,
    });
    return { app, listen: { host: c.OPERATIONS_HOST, port: c.OPERATIONS_PORT } };
  },
};
