import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runService } from '@lienthong/platform';
import { connectServiceKafka } from '@lienthong/events';
import { citizenDataConfigSchema } from './config.js';
import { buildApp } from './app.js';
import { createAuditLog } from './audit/audit-log.js';
import { createAuditOutbox } from './audit/outbox-relay.js';
import { loadLicences } from './licences.js';
import { createAgencyQuota } from './quota.js';
import { createSubjectHasher } from './subject-hash.js';
import { createRegistryClients } from './wiring.js';
import { refuseRegistryDemoSecrets } from './demo-secrets.js';

await runService({
  name: 'citizen-data',
  configSchema: citizenDataConfigSchema,
  migrationsDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations'),
  // The registry simulators' secrets never serve a production start (issue 17 §2).
  checkConfig: (config) => refuseRegistryDemoSecrets(config),
  async start(ctx) {
    const { config, logger, metrics } = ctx;
    const pool = ctx.pool!;
    const licences = loadLicences(config.CITIZEN_DATA_LICENCES_FILE);
    const { csdl, dkkd } = createRegistryClients(config, logger);
    // Brokers, TLS and SASL from the shared Kafka settings (packages/events service-kafka.ts). In the background:
    // Kafka is not needed to answer look-ups, audit rows wait in Postgres (the outbox) while it is away.
    const { producer, topics } = await connectServiceKafka({
      config,
      clientId: 'lienthong-citizen-data',
      logger,
      metrics,
      onClose: ctx.onClose,
      connect: 'background',
    });
    const audit = createAuditLog({ pool, chainKey: config.CITIZEN_DATA_AUDIT_CHAIN_KEY });
    const outbox = createAuditOutbox({
      pool,
      producer,
      topic: topics.citizenAudit,
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
