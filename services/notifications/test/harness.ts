import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import {
  createApiClientRegistry,
  createHttpServer,
  createMetricsRegistry,
  hashApiKey,
  runMigrations,
  type Clock,
  type Logger,
} from '@lienthong/platform';
import {
  createEvent,
  createEventProducer,
  createKafka,
  ensureTopics,
  catalogueSpecs,
  parseSigningKeys,
  topicNames,
  type CloudEvent,
  type EventProducer,
} from '@lienthong/events';
import { runWebhooksMigrations } from '@lienthong/webhooks';
import zaloPeer from '../../sandbox/src/peers/zalo/index.js';
import smsViettelPeer from '../../sandbox/src/peers/sms-viettel/index.js';
import smsVnptPeer from '../../sandbox/src/peers/sms-vnpt/index.js';
import vnptInvoicePeer from '../../sandbox/src/peers/vnpt-invoice/index.js';
import viettelSinvoicePeer from '../../sandbox/src/peers/viettel-sinvoice/index.js';
import paygovPeer from '../../sandbox/src/peers/paygov/index.js';
import { buildApp, createNotificationsCore, type CoreConfig, type NotificationsCore } from '../src/index.js';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  quietLogger,
  testBrokers,
} from '../../../tests/helpers/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const migrationsDir = path.resolve(here, '..', 'migrations');
export const PROVINCE_KEY = 'lt_test_province_h22_key_0000000000000000';
export const OPERATOR_KEY = 'lt_test_operator_key_000000000000000000000';

/** The sandbox peers this service talks to (Zalo, Viettel and VNPT SMS), on a loopback port. */
export async function startPeers(logger: Logger): Promise<{ app: FastifyInstance; url: string }> {
  const app = await createHttpServer({
    name: 'sandbox-test',
    logger,
    metrics: createMetricsRegistry('sandbox_test'),
    auth: false,
  });
  const opts = { logger, config: { SANDBOX_ZALO_DELIVERY_DELAY_MS: 50 }, publicUrl: 'http://127.0.0.1' };
  await app.register(zaloPeer, { ...opts, prefix: '/zalo' });
  await app.register(smsViettelPeer, { ...opts, prefix: '/sms-viettel' });
  await app.register(smsVnptPeer, { ...opts, prefix: '/sms-vnpt' });
  await app.register(vnptInvoicePeer, { ...opts, prefix: '/vnpt-invoice' });
  await app.register(viettelSinvoicePeer, { ...opts, prefix: '/viettel-sinvoice' });
  // PayGov, for receipts fetched with GET_BILL (the demo partner of receipts.sandbox.json; confirms go nowhere).
  await app.register(paygovPeer, {
    ...opts,
    prefix: '/paygov',
    merchants: [
      {
        maDoiTac: '000.00.00.H56',
        secret: 'lt-demo-paygov-secret-0001',
        confirmUrl: 'http://127.0.0.1:9/none',
        returnUrl: 'https://hub.test/r',
      },
    ],
    confirmMaxAttempts: 1,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** The sandbox providers and templates files rewritten for this run's sandbox URL (and optional template edits). */
export function writeConfigFiles(
  sandboxUrl: string,
  edit?: (templates: { agencies: Record<string, Record<string, unknown>> }) => void,
): { templatesFile: string; providersFile: string; receiptsFile: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'lt-notif-'));
  const providers = readFileSync(path.resolve(here, '..', 'config', 'providers.sandbox.json'), 'utf8').replaceAll(
    'http://127.0.0.1:8090',
    sandboxUrl,
  );
  const templates = JSON.parse(readFileSync(path.resolve(here, '..', 'config', 'templates.sandbox.json'), 'utf8'));
  edit?.(templates);
  const providersFile = path.join(dir, 'providers.json');
  const templatesFile = path.join(dir, 'templates.json');
  writeFileSync(providersFile, providers);
  writeFileSync(templatesFile, JSON.stringify(templates));
  const receiptsFile = path.join(dir, 'receipts.json');
  writeFileSync(
    receiptsFile,
    readFileSync(path.resolve(here, '..', 'config', 'receipts.sandbox.json'), 'utf8').replaceAll(
      'http://127.0.0.1:8090',
      sandboxUrl,
    ),
  );
  return { templatesFile, providersFile, receiptsFile };
}

/**
 * A broker busy with other suites' topics may answer a topic creation's metadata check before the new partitions
 * are hosted ("This server does not host this topic-partition"); creating is idempotent, so try again.
 */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

export interface Harness {
  pool: pg.Pool;
  core: NotificationsCore;
  app: FastifyInstance;
  appUrl: string;
  sandboxUrl: string;
  producer: EventProducer;
  ns: string;
  publish(
    type: string,
    subject: string,
    data: unknown,
    opts?: { id?: string; topic?: 'dossierEvents' | 'paymentEvents' | 'syncOutcomes' | 'deadline'; unsigned?: boolean },
  ): Promise<string>;
  /** Publishes an event as its producer built it (import the producer's builder: never invent the event). */
  publishEvent(event: CloudEvent, topic: 'dossierEvents' | 'paymentEvents' | 'syncOutcomes' | 'deadline'): Promise<void>;
  zaloAdmin(path: string, body?: unknown): Promise<any>;
  smsMessages(vendor: 'viettel' | 'vnpt'): Promise<{ phone: string; content: string; requestId: string }[]>;
  peer(path: string, body?: unknown): Promise<any>;
  messages(maHoSo: string): Promise<any[]>;
  close(): Promise<void>;
}

export async function startHarness(o: {
  clock: Clock;
  logger?: Logger;
  config?: Partial<CoreConfig>;
  editTemplates?: Parameters<typeof writeConfigFiles>[1];
}): Promise<Harness> {
  const logger = o.logger ?? quietLogger();
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  await runMigrations(pool, { service: 'notifications', dir: migrationsDir });
  await runWebhooksMigrations(pool);
  const ns = await withRetry(createTestNamespace);
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'notif-test', logger });
  const admin = kafka.admin();
  await admin.connect();
  const deadline = `${ns}dossier.deadline.v1`;
  const specs = [
    ...catalogueSpecs(ns),
    { name: deadline, partitions: 3, retentionMs: 86_400_000, cleanupPolicy: 'delete' as const, description: 'test' },
    { name: `${deadline}.dlq`, partitions: 1, retentionMs: 86_400_000, cleanupPolicy: 'delete' as const, description: 'test' },
  ];
  await withRetry(() => ensureTopics(admin, specs));
  await admin.disconnect();
  // Signed like payments' records when the service is configured with EVENT_SIGNING_KEYS; `unsigned` for forgeries.
  const signingKeys = o.config?.EVENT_SIGNING_KEYS ? parseSigningKeys(o.config.EVENT_SIGNING_KEYS) : undefined;
  const producer = createEventProducer({
    kafka,
    logger,
    transactionalIdPrefix: `notif-test-${ns}`,
    ...(signingKeys ? { signingKeys } : {}),
  });
  await producer.connect();
  const unsignedProducer = signingKeys
    ? createEventProducer({ kafka, logger, transactionalIdPrefix: `notif-test-u-${ns}` })
    : producer;
  if (unsignedProducer !== producer) await unsignedProducer.connect();
  const peers = await startPeers(logger);
  const files = writeConfigFiles(peers.url, o.editTemplates);
  const config: CoreConfig = {
    KAFKA_TOPIC_NAMESPACE: ns,
    NOTIFICATIONS_GROUP_ID: `${ns}notifications`,
    NOTIFICATIONS_TEMPLATES_FILE: files.templatesFile,
    NOTIFICATIONS_PROVIDERS_FILE: files.providersFile,
    NOTIFICATIONS_RECEIPTS_FILE: files.receiptsFile,
    NOTIFICATIONS_RECEIPT_RECHECK_MS: 90_000,
    NOTIFICATIONS_DATA_KEY: randomBytes(32).toString('hex'),
    NOTIFICATIONS_ZALO_API_URL: `${peers.url}/zalo`,
    NOTIFICATIONS_ZALO_OAUTH_URL: `${peers.url}/zalo/oauth`,
    NOTIFICATIONS_ZALO_MODE: '',
    NOTIFICATIONS_QUIET_HOURS: 'off',
    NOTIFICATIONS_PROVIDER_TIMEOUT_MS: 3_000,
    NOTIFICATIONS_SEND_POLL_MS: 100,
    NOTIFICATIONS_SEND_LEASE_MS: 10_000,
    NOTIFICATIONS_ZALO_STATUS_POLL_MS: 600_000,
    NOTIFICATIONS_RETRY_MAX_HOURS: 24,
    WEBHOOKS_SECRET_KEY: randomBytes(32).toString('hex'),
    WEBHOOKS_ALLOW_HTTP: true,
    WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32',
    WEBHOOKS_TIMEOUT_MS: 3_000,
    WEBHOOKS_RETRY_HOURS: 72,
    WEBHOOKS_SECRET_OVERLAP_HOURS: 24,
    ...o.config,
  };
  const core = createNotificationsCore({ config, pool, kafka, producer, logger, clock: o.clock });
  const clients = createApiClientRegistry({
    clients: [
      { id: 'tinh-h22', name: 'Tỉnh H22', keyHash: hashApiKey(PROVINCE_KEY), agencies: ['*.H22'] },
      { id: 'ops', name: 'Ops', keyHash: hashApiKey(OPERATOR_KEY), agencies: ['*'], roles: ['operator'] },
    ],
  });
  const server = await createHttpServer({
    name: 'notifications-test',
    logger,
    metrics: createMetricsRegistry('notifications_test'),
    auth: { clients },
  });
  const app = await buildApp({
    server,
    pool,
    webhooks: core.webhooks,
    zaloAccounts: core.providers.zalo,
    clock: o.clock,
    receipts: core.receipts,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const appUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const zaloAdmin = async (p: string, body?: unknown) => {
    const r = await fetch(
      `${peers.url}/zalo/_admin/${p}`,
      body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    return r.json();
  };
  await zaloAdmin('faults', { webhookUrl: `${appUrl}/v1/zalo/webhook` });
  await core.start();
  const names = topicNames(ns);
  return {
    pool,
    core,
    app,
    appUrl,
    sandboxUrl: peers.url,
    producer,
    ns,
    async publish(type, subject, data, po = {}) {
      const topic = po.topic === 'deadline' ? deadline : names[po.topic ?? 'dossierEvents'];
      const ev = createEvent({
        source: 'urn:lienthong:test',
        type,
        subject,
        dataschema: 'test',
        data,
        ...(po.id ? { id: po.id } : {}),
      });
      await (po.unsigned ? unsignedProducer : producer).publish(topic, [ev]);
      return ev.id;
    },
    async publishEvent(event, topic) {
      await producer.publish(topic === 'deadline' ? deadline : names[topic], [event]);
    },
    zaloAdmin,
    async peer(p, body) {
      const r = await fetch(
        `${peers.url}/${p}`,
        body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
      return r.json();
    },
    async smsMessages(vendor) {
      return (
        (await (await fetch(`${peers.url}/sms-${vendor}/_admin/messages`)).json()) as {
          messages: { phone: string; content: string; requestId: string }[];
        }
      ).messages;
    },
    async messages(maHoSo) {
      return (await pool.query('SELECT * FROM notif_messages WHERE ma_ho_so = $1 ORDER BY seq', [maHoSo])).rows;
    },
    async close() {
      await core.stop();
      await app.close();
      await peers.app.close();
      await producer.disconnect();
      if (unsignedProducer !== producer) await unsignedProducer.disconnect();
      await pool.end();
      await deleteTestNamespace(ns).catch(() => {});
      await db.drop();
    },
  };
}
