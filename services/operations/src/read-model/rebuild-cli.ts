/**
 * `node services/operations/dist/read-model/rebuild-cli.js <fresh_schema>`: replays dossier.events.v1,
 * sync.outcomes.v1 and payment.events.v1 from offset 0 into a fresh Postgres schema, with the service's
 * own configuration (DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_NAMESPACE, calendar). Then point the
 * service at it: OPERATIONS_READ_SCHEMA=<fresh_schema> and restart (docs/operations.md).
 */
import { createLogger, createPool, loadConfig, runMigrations, systemClock } from '@lienthong/platform';
import {
  catalogueSpecs,
  createEventProducer,
  createKafka,
  ensureTopics,
  kafkaConnectionFromConfig,
  signingKeysForStart,
  topicNames,
} from '@lienthong/events';
import { operationsConfigSchema } from '../config.js';
import { loadCalendar } from '../calendar/calendar.js';
import { createReadModelStore } from './store.js';
import { rebuildReadModel } from './rebuild.js';
import { createAgencyRegistry, loadAgencyOverrides } from '../registry/agency-registry.js';
import { defaultAgencyOverridesFile, defaultCalendarDir, migrationsDir } from '../paths.js';

const schema = process.argv[2];
if (!schema || !/^[a-z][a-z0-9_]{0,40}$/.test(schema)) {
  process.stderr.write('usage: rebuild-cli <fresh_schema>   (lower-case letters, digits, _)\n');
  process.exit(2);
}
const c = loadConfig(operationsConfigSchema);
const logger = createLogger({ name: 'operations-rebuild', level: c.LOG_LEVEL });
const pool = createPool({ connectionString: c.DATABASE_URL, applicationName: 'lienthong-operations-rebuild', logger });
await runMigrations(pool, { service: 'operations', dir: migrationsDir, logger });
const calendar = loadCalendar(c.OPERATIONS_CALENDAR_DIR || defaultCalendarDir);
const registry = createAgencyRegistry({
  pool,
  logger,
  overrides: loadAgencyOverrides(c.OPERATIONS_AGENCY_OVERRIDES_FILE || defaultAgencyOverridesFile),
});
const kafka = createKafka({ ...kafkaConnectionFromConfig(c), clientId: 'lienthong-operations-rebuild', logger });
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, catalogueSpecs(c.KAFKA_TOPIC_NAMESPACE));
await admin.disconnect();
const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'lienthong-operations-rebuild' });
await producer.connect();
const topics = topicNames(c.KAFKA_TOPIC_NAMESPACE);
try {
  const r = await rebuildReadModel({
    kafka,
    producer,
    pool,
    logger,
    schema,
    topics: [topics.dossierEvents, topics.syncOutcomes, topics.paymentEvents],
    store: createReadModelStore({ pool, schema, calendar, onNewAgency: (code) => registry.ensureCode(code) }),
    groupId: `${c.OPERATIONS_GROUP_ID}-rebuild-${schema}-${systemClock.now().getTime()}`,
    signingKeys: signingKeysForStart({
      spec: c.EVENT_SIGNING_KEYS,
      nodeEnv: process.env.NODE_ENV,
      logger,
      consequence: 'payment settlements are replayed WITHOUT checking their signature: set EVENT_SIGNING_KEYS',
    }),
  });
  process.stdout.write(
    `rebuilt ${r.records} records into schema ${r.schema}; start the service with OPERATIONS_READ_SCHEMA=${r.schema}\n`,
  );
} finally {
  await producer.disconnect();
  await pool.end();
}
