/**
 * The services behind the console's postal, inbound and notifications pages, as their own tests build them
 * (services/postal/test/postal.test.ts, services/inbound/test/inbound.test.ts, services/notifications/test/
 * harness.ts): their real apps on one fresh database with their migrations, a real Kafka producer, and the
 * sandbox's VNPost and DVCQG peers over HTTP. Background loops are not started: a test drives them (order
 * creation, status polling, routing, question polling) when it wants them to run, so nothing races the pages it
 * checks. The webhook dispatchers do run (deliveries to a local receiver), and so does national-sync, which pushes
 * the answers to citizens' questions (its consumer of national.outbound.v1 and its pusher): a test that wants an
 * answer to stay unsent sets the sandbox portal to refuse it (`dvcqgFaults`).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  createApiClientRegistry,
  createHttpServer,
  createMetricsRegistry,
  createPool,
  hashApiKey,
  runMigrations,
  systemClock,
  type Pool,
} from '@lienthong/platform';
import {
  createEvent,
  createEventProducer,
  createKafka,
  topicNames,
  type CloudEvent,
  type EventProducer,
} from '@lienthong/events';
import { createWebhooks, runWebhooksMigrations, type Webhooks } from '@lienthong/webhooks';
import { createAddressMapper, createMyVnpostClient } from '@lienthong/vnpost';
import { createDvcqgClient } from '@lienthong/dvcqg';
import vnpostPeer from '../../sandbox/src/peers/vnpost/index.js';
import dvcqgPeer from '../../sandbox/src/peers/dvcqg/index.js';
import { buildApp as buildPostal, type PostalService } from '../../postal/src/app.js';
import { createAgencyDirectory } from '../../postal/src/agencies.js';
import { buildApp as buildInbound, type InboundService } from '../../inbound/src/app.js';
import { buildApp as buildNotifications } from '../../notifications/src/app.js';
import { buildApp as buildNationalSync, migrationsDir as nationalSyncMigrations } from '../../national-sync/src/app.js';
import { loadSyncConfig } from '../../national-sync/src/config.js';
import { dossierItem, quietLogger, testBrokers } from '../../../tests/helpers/index.js';
import type { TestOperator } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const migrations = (service: string) => path.resolve(here, '..', '..', service, 'migrations');

export interface Peers {
  pool: Pool;
  urls: { postal: string; inbound: string; notifications: string; 'national-sync': string };
  sandboxUrl: string;
  postal: PostalService;
  inbound: InboundService;
  /** Deliveries the local provincial receiver got (CloudEvent bodies). */
  received: CloudEvent[];
  receiverUrl: string;
  /** The portal's token for inbound's /nps calls. */
  portalToken: string;
  /** A by-post dossier that reached "result ready": its order waits for an address (needs-address). */
  needsAddress(maHoSo: string): Promise<void>;
  /** An order created at the sandbox VNPost (state created), its recipient registered by `submitterKey`. */
  createdOrder(maHoSo: string, submitterKey: string): Promise<void>;
  /** Walks an order along VNPost status codes at the sandbox, then polls them in (no webhooks). */
  walk(maHoSo: string, path: number[]): Promise<void>;
  /** The portal sends a registration (createdossierfromdvcqg); the router then runs for it (no subscriber → unrouted). */
  portalCreate(packet: Record<string, unknown>): Promise<string>;
  /** A citizen's question at the portal, polled in; returns its HOIDAPID. */
  question(agency: string, text: string): Promise<string>;
  /** Replaces the sandbox portal's fault switches (PUT /dvcqg/_admin/faults). */
  dvcqgFaults(f: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

async function json(url: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}

export async function startPeers(opts: { databaseUrl: string; namespace: string; operators: TestOperator[] }): Promise<Peers> {
  const logger = quietLogger('peers');
  const pool = createPool({ connectionString: opts.databaseUrl, applicationName: 'console-peers-test', max: 8 });
  for (const s of ['postal', 'inbound', 'notifications']) await runMigrations(pool, { service: s, dir: migrations(s) });
  await runWebhooksMigrations(pool);
  const clients = createApiClientRegistry({
    clients: opts.operators.map((o) => ({
      id: o.id,
      name: o.id,
      keyHash: hashApiKey(o.key),
      agencies: o.agencies ?? ['*'],
      roles: o.roles,
    })),
  });
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'console-peers-test', logger });
  const producer: EventProducer = createEventProducer({
    kafka,
    logger,
    transactionalIdPrefix: `console-peers-${opts.namespace}`,
  });
  await producer.connect();
  const topics = topicNames(opts.namespace);

  // The provincial system's receiver of webhook deliveries.
  const received: CloudEvent[] = [];
  const receiver: Server = createServer((req, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString('utf8')));
    req.on('end', () => {
      try {
        received.push(JSON.parse(b) as CloudEvent);
      } catch {
        /* not a CloudEvent: ignored */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/lienthong`;

  // The sandbox: VNPost (statuses move only when told) and DVCQG (the portal calling in, questions).
  const keyDir = mkdtempSync(path.join(tmpdir(), 'console-peers-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(path.join(keyDir, 'vnpost.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const sandbox: FastifyInstance = Fastify({ loggerInstance: quietLogger('sandbox') as FastifyBaseLogger });
  await sandbox.register(vnpostPeer, {
    prefix: '/vnpost',
    logger: quietLogger('sandbox'),
    config: { SANDBOX_VNPOST_STEP_MS: 0, SANDBOX_VNPOST_PRIVATE_KEY_FILE: path.join(keyDir, 'vnpost.pem') },
    publicUrl: 'http://127.0.0.1',
  });
  await sandbox.register(dvcqgPeer, {
    prefix: '/dvcqg',
    logger: quietLogger('sandbox'),
    config: {},
    publicUrl: 'http://127.0.0.1',
  });
  const sandboxUrl = await sandbox.listen({ port: 0, host: '127.0.0.1' });

  const webhookOpts = {
    pool,
    logger,
    clock: systemClock,
    secretKey: randomBytes(32).toString('hex'),
    allowHttp: true,
    allowedNetworks: '127.0.0.1/32',
    timeoutMs: 2_000,
    pollMs: 100,
  };
  const inboundHooks: Webhooks = createWebhooks({ ...webhookOpts, origin: 'inbound' });
  const notifHooks: Webhooks = createWebhooks({ ...webhookOpts, origin: 'notifications' });

  const myvnpost = createMyVnpostClient({
    baseUrl: `${sandboxUrl}/vnpost`,
    operationPrefix: '/customer-partner',
    username: 'lienthong',
    password: 'lienthong-sandbox',
    customerCode: 'C000000001',
    timeoutMs: 2_000,
  });
  const sender = {
    name: 'Trung tâm Phục vụ hành chính công tỉnh',
    phone: '02193866666',
    address: 'Số 1 Nguyễn Trãi',
    communeCode: '01234',
  };
  const postal = await buildPostal({
    logger,
    metrics: createMetricsRegistry('postal-console-test'),
    clients,
    pool,
    producer,
    topic: topics.postalEvents,
    agencies: createAgencyDirectory({ agencies: { '*.H22': { route: 'myvnpost', sender, serviceCode: 'CTN009' } } }),
    mapper: createAddressMapper({
      units: { '00004': { province: '10', commune: '11022' }, '01234': { province: '31', commune: '31101' } },
    }),
    myvnpost,
  });
  const postalUrl = await postal.app.listen({ port: 0, host: '127.0.0.1' });

  const portalToken = `portal-${randomBytes(12).toString('hex')}`;
  const inbound = await buildInbound({
    logger,
    dvcqg: createDvcqgClient({
      baseUrl: `${sandboxUrl}/dvcqg`,
      username: 'lienthong',
      password: 'lienthong-sandbox',
      madonvi: '000.00.00.H22',
      timeoutMs: 2_000,
      logger,
    }),
    metrics: createMetricsRegistry('inbound-console-test'),
    clients,
    pool,
    producer,
    topic: topics.nationalInbound,
    outboundTopic: topics.nationalOutbound,
    webhooks: inboundHooks,
    portal: { token: portalToken, header: 'authorization', allowedNetworks: ['127.0.0.1/32'] },
    routing: {},
    maxAttachmentBytes: 64 * 1024,
    bodyLimitBytes: 2 * 1024 * 1024,
  });
  const inboundUrl = await inbound.app.listen({ port: 0, host: '127.0.0.1' });
  inboundHooks.dispatcher.start();

  const server = await createHttpServer({
    name: 'notifications',
    logger,
    metrics: createMetricsRegistry('notifications-console-test'),
    auth: { clients },
  });
  const notifications = await buildNotifications({ server, pool, webhooks: notifHooks, zaloAccounts: {}, clock: systemClock });
  const notificationsUrl = await notifications.listen({ port: 0, host: '127.0.0.1' });

  // national-sync: the answers inbound publishes go to the sandbox portal through it (docs/national-sync.md).
  const syncPool = createPool({ connectionString: opts.databaseUrl, applicationName: 'console-peers-sync', max: 14 });
  await runMigrations(syncPool, { service: 'national-sync', dir: nationalSyncMigrations });
  const sync = await buildNationalSync({
    config: loadSyncConfig({
      DATABASE_URL: opts.databaseUrl,
      API_CLIENTS_FILE: '(the console test’s registry)',
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_TOPIC_NAMESPACE: opts.namespace,
      NATIONAL_SYNC_GROUP_ID: `console-peers-${randomBytes(4).toString('hex')}`,
      DVCQG_BASE_URL: `${sandboxUrl}/dvcqg`,
      DVCQG_USERNAME: 'lienthong',
      DVCQG_PASSWORD: 'lienthong-sandbox',
      DVCQG_MADONVI: '000.00.00.H22',
      NATIONAL_SYNC_WORKERS: '1',
      NATIONAL_SYNC_PAYMENTS: 'false',
      NATIONAL_SYNC_POLL_MS: '200',
      NATIONAL_SYNC_RETRY_MIN_MS: '100',
      NATIONAL_SYNC_RETRY_MAX_MS: '1000',
      NATIONAL_SYNC_RECONCILE_CRON: '0 0 1 1 *',
      LOG_LEVEL: 'silent',
    }),
    logger,
    pool: syncPool,
    kafka,
    producer,
    portal: createDvcqgClient({
      baseUrl: `${sandboxUrl}/dvcqg`,
      username: 'lienthong',
      password: 'lienthong-sandbox',
      madonvi: '000.00.00.H22',
      timeoutMs: 2_000,
      logger,
    }),
    clients,
    metrics: createMetricsRegistry('national-sync-console-test'),
  });
  const syncUrl = await sync.listen({ port: 0, host: '127.0.0.1' });

  const api = (base: string, key: string, method: string, p: string, body?: unknown) =>
    json(`${base}${p}`, method, body, { authorization: `Bearer ${key}` });
  const drain = async () => {
    while ((await postal.createDue()) > 0) {
      /* every due order */
    }
  };
  const deliver = async (type: 'upserted' | 'progressed', data: Record<string, unknown>) =>
    postal.handleDossierEvent(
      createEvent({
        source: 'urn:lienthong:gateway',
        type: `vn.lienthong.dossier.${type}`,
        subject: String(data.MaHoSo),
        dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/x.json',
        data,
      }),
      { log: logger },
    );

  return {
    pool,
    urls: { postal: postalUrl, inbound: inboundUrl, notifications: notificationsUrl, 'national-sync': syncUrl },
    sandboxUrl,
    postal,
    inbound,
    received,
    receiverUrl,
    portalToken,
    async needsAddress(maHoSo) {
      await deliver('upserted', dossierItem(1, { MaHoSo: maHoSo, HinhThuc: '1', TrangThaiHoSo: '9' }));
    },
    async createdOrder(maHoSo, submitterKey) {
      const reg = await api(postalUrl, submitterKey, 'POST', '/v1/postal/recipients', {
        MaHoSo: maHoSo,
        receiver: { name: 'Lò Thị Mai', phone: '0987654321', address: { street: 'Số 5 ngõ 12 Đội Cấn', communeCode: '00004' } },
      });
      if (reg.status !== 201) throw new Error(`recipient refused: ${JSON.stringify(reg.body)}`);
      const ord = await api(postalUrl, submitterKey, 'POST', '/v1/postal/orders', { MaHoSo: maHoSo });
      if (ord.status !== 202) throw new Error(`order refused: ${JSON.stringify(ord.body)}`);
      await drain();
    },
    async walk(maHoSo, steps) {
      await json(`${sandboxUrl}/vnpost/_admin/orders/${encodeURIComponent(maHoSo)}/path`, 'POST', { path: steps });
      for (let i = 0; i < steps.length; i++) await json(`${sandboxUrl}/vnpost/_admin/advance`, 'POST', {});
      await postal.pollStatuses();
    },
    async portalCreate(packet) {
      const res = await json(`${inboundUrl}/nps/createdossierfromdvcqg`, 'POST', packet, {
        authorization: `Bearer ${portalToken}`,
      });
      if (res.body?.error_code !== 0) throw new Error(`portal call refused: ${JSON.stringify(res.body)}`);
      const row = await pool.query<{ event: CloudEvent }>(`SELECT event FROM inbound_packets WHERE ref_key = $1`, [
        `create:${String(packet.MaHoSo)}`,
      ]);
      // What the router (a consumer of national.inbound.v1) does with the published event.
      await inbound.routeEvent(row.rows[0]!.event);
      return `create:${String(packet.MaHoSo)}`;
    },
    async question(agency, text) {
      const r = await json(`${sandboxUrl}/dvcqg/_admin/qa/questions`, 'POST', { MADONVI: agency, NOIDUNG: text });
      await inbound.qa!.poll();
      return String(r.body.added[0]);
    },
    async dvcqgFaults(f) {
      const r = await json(`${sandboxUrl}/dvcqg/_admin/faults`, 'PUT', f);
      if (r.status !== 200) throw new Error(`sandbox faults refused: ${JSON.stringify(r.body)}`);
    },
    async close() {
      await inboundHooks.dispatcher.stop();
      await notifHooks.dispatcher.stop();
      await notifications.close();
      await sync.close();
      await syncPool.end();
      await inbound.app.close();
      await postal.app.close();
      await sandbox.close();
      await new Promise<void>((r) => receiver.close(() => r()));
      await producer.disconnect();
      await pool.end();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
