import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createApiClientRegistry,
  createMetricsRegistry,
  createPool,
  generateApiKey,
  hashApiKey,
  runMigrations,
  type ApiClient,
  type Logger,
  type Role,
  type Pool,
} from '@lienthong/platform';
import { createEventProducer, createKafka, topicNames, type EventProducer } from '@lienthong/events';
import { buildApp } from '../../services/gateway/src/app.js';
import { createIdempotencyStore, type IdempotencyStore } from '../../services/gateway/src/idempotency-store.js';
import type { CatalogueCheck } from '../../services/gateway/src/catalogue-check.js';
import { testBrokers } from './env.js';
import { quietLogger } from './logger.js';

const gatewayMigrations = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../services/gateway/migrations');

export interface TestGateway {
  app: FastifyInstance;
  /** API keys by client id. */
  keys: Record<string, string>;
  producer: EventProducer;
  pool: Pool;
  idempotency: IdempotencyStore;
  close(): Promise<void>;
}

export interface TestClientSpec {
  id: string;
  agencies: string[];
  rateLimitPerMinute?: number;
  /** Default ['submitter'], what a provincial one-stop system is. */
  roles?: Role[];
  /** The client's API key; generated when absent (a key shared with another service's harness plays one province). */
  key?: string;
}

/**
 * A gateway built with buildApp on the real broker and a real database, with the given API clients
 * (default: one client `motcua-h22` for every agency of province H22, and `all` for every agency).
 */
export async function createTestGateway(opts: {
  namespace: string;
  databaseUrl: string;
  clients?: TestClientSpec[];
  bodyLimit?: number;
  maxItems?: number;
  /** Content dedupe window without Idempotency-Key (the service's default: 300 s). */
  contentWindowSeconds?: number;
  brokers?: string[];
  logger?: Logger;
  /** The procedure catalogue check (services/operations) the gateway consults, if any. */
  catalogue?: CatalogueCheck;
  /** How 1-item requests are published (the service's GATEWAY_SINGLE_ITEM_PUBLISH; default as the service: idempotent). */
  singleRecords?: 'idempotent' | 'transaction';
}): Promise<TestGateway> {
  const logger = opts.logger ?? quietLogger('gateway');
  const specs = opts.clients ?? [
    { id: 'motcua-h22', agencies: ['*.H22'] },
    { id: 'all', agencies: ['*'] },
  ];
  const keys: Record<string, string> = {};
  const clients: ApiClient[] = specs.map((s) => {
    keys[s.id] = s.key ?? generateApiKey();
    return {
      id: s.id,
      name: s.id,
      keyHash: hashApiKey(keys[s.id]!),
      agencies: s.agencies,
      roles: s.roles ?? ['submitter'],
      rateLimitPerMinute: s.rateLimitPerMinute,
    };
  });
  const kafka = createKafka({
    brokers: opts.brokers ?? testBrokers(),
    clientId: 'test-gateway',
    logger,
    retries: 1,
    requestTimeoutMs: 3_000,
  });
  const producer = createEventProducer({
    kafka,
    logger,
    transactionalIdPrefix: 'test-gateway',
    singleRecords: opts.singleRecords ?? 'idempotent',
  });
  const pool = createPool({ connectionString: opts.databaseUrl, applicationName: 'test-gateway', max: 5 });
  await runMigrations(pool, { service: 'gateway', dir: gatewayMigrations });
  const admin = kafka.admin();
  const idempotency = createIdempotencyStore(pool, { ttlHours: 24, contentWindowSeconds: opts.contentWindowSeconds ?? 300 });
  const app = await buildApp({
    logger,
    metrics: createMetricsRegistry('gateway', { defaults: false }),
    producer,
    idempotency,
    clients: createApiClientRegistry({ clients }),
    dossierTopic: topicNames(opts.namespace).dossierEvents,
    kafkaReady: async () => {
      await admin.connect();
      await admin.describeCluster();
    },
    dbReady: async () => {
      await pool.query('SELECT 1');
    },
    bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024,
    maxItems: opts.maxItems ?? 500,
    rateLimitPerMinute: 100_000,
    ...(opts.catalogue ? { catalogue: opts.catalogue } : {}),
  });
  await app.ready();
  return {
    app,
    keys,
    producer,
    pool,
    idempotency,
    async close() {
      await app.close();
      await idempotency.flush(); // answers are recorded after the 202
      await producer.disconnect();
      await admin.disconnect().catch(() => {});
      await pool.end();
    },
  };
}
