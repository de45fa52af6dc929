// Child process of the gateway bench. MODE:
// - `hub`: the real gateway (buildApp from dist/, auth, validation, idempotency in Postgres, Kafka).
//   LOG_LEVEL (default info, as npm start), PRODUCER (`txn`, the events package's transactional producer, default;
//   `idempotent`, the lever probe of ./idempotent-producer.mjs) and PRODUCER_LANES (the transactional producer's
//   lanes, default its own 2) and SINGLE_ITEM_PUBLISH (GATEWAY_SINGLE_ITEM_PUBLISH, default as the service:
//   idempotent) select the variants the levers compare.
// - `ceiling`: the 1-item ceiling — bare fastify answering a POST checked against the same body
//   schema (the standard's compiled validator of DongBoHoSoMC items), no auth, no Postgres, no Kafka.
// - `baseline`: issue 2's baseline — a bare fastify route publishing the same bytes with kafkajs
//   (acks=all, idempotent), no auth, no validation, no idempotency store.
import Fastify from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { MODE, PORT, KAFKA_BROKERS, NS, DATABASE_URL, API_KEY } = process.env;
const topic = `${NS}dossier.events.v1`;

if (MODE === 'baseline') {
  const kafka = new Kafka({ brokers: KAFKA_BROKERS.split(','), clientId: 'bench-baseline', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
  app.post('/v1/dossiers', async (req, reply) => {
    const items = Array.isArray(req.body) ? req.body : [req.body];
    await producer.send({
      topic,
      acks: -1,
      messages: items.map((i) => ({ key: i.MaHoSo, value: JSON.stringify({ id: randomUUID(), data: i }) })),
    });
    return reply.status(202).send({ accepted: items.length });
  });
  await app.listen({ host: '127.0.0.1', port: Number(PORT) });
} else if (MODE === 'ceiling') {
  const { validateDossierBatch } = await import(path.join(root, 'packages/standard/dist/index.js'));
  const app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
  app.post('/v1/dossiers', async (req, reply) => {
    const r = validateDossierBatch(req.body, { maxItems: 500 });
    if (!r.ok) return reply.status(400).send({ error: 'invalid', details: r.errors });
    const items = Array.isArray(req.body) ? req.body : [req.body];
    return reply.status(202).send({ accepted: items.map((i) => ({ MaHoSo: i.MaHoSo, eventId: randomUUID() })) });
  });
  await app.listen({ host: '127.0.0.1', port: Number(PORT) });
} else {
  const platform = await import(path.join(root, 'packages/platform/dist/index.js'));
  const events = await import(path.join(root, 'packages/events/dist/index.js'));
  const { buildApp } = await import(path.join(root, 'services/gateway/dist/app.js'));
  const { createIdempotencyStore } = await import(path.join(root, 'services/gateway/dist/idempotency-store.js'));
  const logger = platform.createLogger({ name: 'gateway-bench', level: process.env.LOG_LEVEL ?? 'info' }); // to stdout, which the bench reads and drops, as npm start's supervisor reads it
  const kafka = events.createKafka({ brokers: KAFKA_BROKERS.split(','), clientId: 'bench-hub', logger });
  let producer;
  if (process.env.PRODUCER === 'idempotent') {
    const { createIdempotentProducer } = await import('./idempotent-producer.mjs');
    producer = createIdempotentProducer({ kafka, encodeEvent: events.encodeEvent });
  } else
    producer = events.createEventProducer({
      kafka,
      logger,
      transactionalIdPrefix: 'bench-hub',
      singleRecords: process.env.SINGLE_ITEM_PUBLISH ?? 'idempotent',
      ...(process.env.PRODUCER_LANES ? { lanes: Number(process.env.PRODUCER_LANES) } : {}),
    });
  await producer.connect();
  const pool = platform.createPool({ connectionString: DATABASE_URL, applicationName: 'gateway-bench', max: 20 });
  await platform.runMigrations(pool, { service: 'gateway', dir: path.join(root, 'services/gateway/migrations') });
  // A client of its own per run: the bodies (dossier 1, 2, …) are the same in every run, and the shared database's
  // idempotency rows of an earlier run under one client id made every request of a later run take the store's
  // replay or expired-entry path (4 statements, not grouped) instead of a new claim. Its rows go at exit.
  const clientId = `bench-${NS}`;
  const app = await buildApp({
    logger,
    metrics: platform.createMetricsRegistry('gateway', { defaults: false }),
    producer,
    idempotency: createIdempotencyStore(pool, {
      ttlHours: 24,
      ...(process.env.CLAIMS_IN_FLIGHT ? { statementsInFlight: Number(process.env.CLAIMS_IN_FLIGHT) } : {}),
    }),
    clients: platform.createApiClientRegistry({
      clients: [{ id: clientId, name: 'bench', keyHash: platform.hashApiKey(API_KEY), agencies: ['*'] }],
    }),
    dossierTopic: topic,
    kafkaReady: async () => {},
    dbReady: async () => {},
    bodyLimit: 5 * 1024 * 1024,
    maxItems: 500,
    rateLimitPerMinute: 10_000_000,
  });
  await app.listen({ host: '127.0.0.1', port: Number(PORT) });
  process.on('SIGTERM', () => {
    pool.query('DELETE FROM gateway_idempotency WHERE client_id = $1', [clientId]).finally(() => process.exit(0));
  });
}
process.stdout.write('READY\n');
if (process.listenerCount('SIGTERM') === 0) process.on('SIGTERM', () => process.exit(0));
// GC_LOG=1: this server's GC pauses and event-loop stalls to stderr (load.mjs logPauses).
if (process.env.GC_LOG) (await import('./load.mjs')).logPauses(`${MODE} ${process.pid}`);
