import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runService } from '@lienthong/platform';
import { catalogueSpecs, createEventProducer, createKafka, ensureTopics, topicNames } from '@lienthong/events';
import { citizenDataConfigSchema } from './config.js';
import { buildApp } from './app.js';
import { createAuditLog } from './audit/audit-log.js';
import { createAuditOutbox } from './audit/outbox-relay.js';
import { loadLicences } from './licences.js';
import { createAgencyQuota } from './quota.js';
import { createSubjectHasher } from './subject-hash.js';
import { createRegistryClients } from './wiring.js';

await runService({
  name: 'citizen-data',
  configSchema: citizenDataConfigSchema,
  migrationsDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations'),
  async start(ctx) {
    const { config, logger, metrics } = ctx;
    const pool = ctx.pool!;
    const licences = loadLicences(config.CITIZEN_DATA_LICENCES_FILE);
    const { csdl, dkkd } = createRegistryClients(config, logger);
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'lienthong-citizen-data', logger });
    const admin = kafka.admin();
    // Kafka is not needed to answer look-ups: audit rows wait in Postgres (the outbox) while it is away.
    await admin
      .connect()
      .then(() => ensureTopics(admin, catalogueSpecs(config.KAFKA_TOPIC_NAMESPACE)))
      .catch((err) => logger.warn({ err }, 'Kafka not reachable at start; audit events wait in the outbox'));
    const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'lienthong-citizen-data', metrics });
    await producer
      .connect()
      .catch((err) => logger.warn({ err }, 'Kafka producer not connected yet; audit events wait in the outbox'));
    const audit = createAuditLog({ pool, chainKey: config.CITIZEN_DATA_AUDIT_CHAIN_KEY });
    const outbox = createAuditOutbox({
      pool,
      producer,
      topic: topicNames(config.KAFKA_TOPIC_NAMESPACE).citizenAudit,
      logger,
      intervalMs: config.CITIZEN_DATA_OUTBOX_INTERVAL_MS,
    });
    const hashSubject = createSubjectHasher(config.CITIZEN_DATA_SUBJECT_HASH_KEY);
    const app = await buildApp({
      clients: ctx.clients!,
      logger,
      metrics,
      csdl,
      dkkd,
      audit,
      licences: () => licences,
      quota: createAgencyQuota({
        perMinute: config.CITIZEN_DATA_RATE_PER_MINUTE,
        perDay: config.CITIZEN_DATA_DAILY_QUOTA,
        overrides: (a) => licences.quotaOf(a),
      }),
      hashSubject,
      onAudited: () => outbox.kick(),
      // Ready = the audit log can be written: without it no look-up may be answered.
      readiness: { postgres: async () => void (await pool.query('SELECT 1')) },
    });
    outbox.start();
    ctx.onClose({ name: 'kafka-admin', close: () => admin.disconnect() });
    ctx.onClose({ name: 'producer', close: () => producer.disconnect() });
    ctx.onClose({
      name: 'audit-outbox',
      close: async () => {
        await outbox.stop();
        await outbox.drain().catch((err) => logger.warn({ err }, 'final audit outbox pass failed; rows stay in the table'));
      },
    });
    return { app, listen: { host: config.CITIZEN_DATA_HOST, port: config.CITIZEN_DATA_PORT } };
  },
});
