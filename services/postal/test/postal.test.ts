/**
 * The postal flow against a real Postgres, a real Kafka broker and the VNPost sandbox over HTTP (issue 15):
 * one order per dossier and result across duplicate events, a provider timeout with the order created
 * at VNPost (recovered by saleOrderCode look-up, as after a SIGKILL between create and record), signed
 * webhooks (forged, replayed, malformed), polling when webhooks are lost, unknown codes kept and flagged,
 * failed and returned deliveries, the HCC route, address refusals and agency scope.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiClientRegistry,
  createMetricsRegistry,
  createPool,
  generateApiKey,
  hashApiKey,
  runMigrations,
  type Pool,
} from '@lienthong/platform';
import { createEvent, createEventProducer, createKafka, topicNames, type EventProducer } from '@lienthong/events';
import { createAddressMapper, createHccClient, createMyVnpostClient, signWebhook } from '@lienthong/vnpost';
import vnpostPeer from '../../sandbox/src/peers/vnpost/index.js';
import { buildApp, type PostalService } from '../src/app.js';
import { createAgencyDirectory } from '../src/agencies.js';
import {
  captureLogger,
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  dossierItem,
  eventually,
  quietLogger,
  readTopic,
  testBrokers,
  expectValidOpenApi,
} from '../../../tests/helpers/index.js';

const H22 = '000.00.01.H22';
const H56 = '000.00.01.H56';
const submitterKey = generateApiKey();
const operatorKey = generateApiKey();
const foreignKey = generateApiKey();
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyDir = mkdtempSync(path.join(tmpdir(), 'postal-'));
writeFileSync(path.join(keyDir, 'vnpost.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));

let db: { url: string; drop: () => Promise<void> };
let pool: Pool;
let ns: string;
let producer: EventProducer;
let sandbox: FastifyInstance;
let sandboxUrl: string;
let svc: PostalService;
let postalUrl: string;
const logs = captureLogger('postal');

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const maHoSo = (n: number, agency = H22) => `${agency}-251201-${String(n).padStart(4, '0')}`;
const receiver = (communeCode = '00004') => ({
  name: 'Lò Thị Mai',
  phone: '0987654321',
  address: { street: 'Số 5 ngõ 12 Đội Cấn', communeCode },
});

async function api(method: string, url: string, key: string | undefined, body?: unknown) {
  const res = await fetch(`${postalUrl}${url}`, {
    method,
    headers: { ...(key ? auth(key) : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}
async function admin(method: string, p: string, body?: unknown) {
  const res = await fetch(`${sandboxUrl}/vnpost/_admin${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<any>;
}
const orderRow = async (code: string) => (await pool.query('SELECT * FROM postal_orders WHERE ma_ho_so = $1', [code])).rows[0];
/** Publishes dossier events the way the gateway does, then hands each to the service's consumer handler. */
async function deliver(type: 'upserted' | 'progressed', data: Record<string, unknown>, times = 1) {
  const ev = createEvent({
    source: 'urn:lienthong:gateway',
    type: `vn.lienthong.dossier.${type}`,
    subject: String(data.MaHoSo),
    dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/x.json',
    data,
  });
  for (let i = 0; i < times; i++) await svc.handleDossierEvent(ev, { log: quietLogger() });
}
async function drain() {
  while ((await svc.createDue()) > 0) {
    /* all due orders */
  }
  while ((await svc.publishOutbox()) > 0) {
    /* all events */
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'postal-test', max: 5 });
  await runMigrations(pool, { service: 'postal', dir: fileURLToPath(new URL('../migrations/', import.meta.url)) });
  ns = await createTestNamespace();
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'postal-test', logger: quietLogger() });
  producer = createEventProducer({ kafka, logger: quietLogger(), transactionalIdPrefix: `postal-test-${ns}` });
  await producer.connect();

  sandbox = Fastify({ loggerInstance: quietLogger('sandbox') as FastifyBaseLogger });
  await sandbox.register(vnpostPeer, {
    prefix: '/vnpost',
    logger: quietLogger('sandbox'),
    config: { SANDBOX_VNPOST_STEP_MS: 0, SANDBOX_VNPOST_PRIVATE_KEY_FILE: path.join(keyDir, 'vnpost.pem') },
    publicUrl: 'http://127.0.0.1',
  });
  await sandbox.listen({ port: 0, host: '127.0.0.1' });
  sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;

  const myvnpost = createMyVnpostClient({
    baseUrl: `${sandboxUrl}/vnpost`,
    operationPrefix: '/customer-partner',
    username: 'lienthong',
    password: 'lienthong-sandbox',
    customerCode: 'C000000001',
    timeoutMs: 1_000,
  });
  const hcc = createHccClient({
    tokenUrl: `${sandboxUrl}/vnpost/hcc/token`,
    orderUrl: `${sandboxUrl}/vnpost/hcc/order`,
    trackingUrl: `${sandboxUrl}/vnpost/hcc/tracking`,
    consumerKey: 'lienthong-hcc',
    consumerSecret: 'lienthong-hcc-sandbox',
    customerCode: 'C000000001',
    timeoutMs: 1_000,
  });
  const mapper = createAddressMapper({
    units: { '00004': { province: '10', commune: '11022' }, '01234': { province: '31', commune: '31101' } },
  });
  mapper.setCatalogue(await myvnpost.communes());
  const sender = {
    name: 'Trung tâm Phục vụ hành chính công tỉnh',
    phone: '02193866666',
    address: 'Số 1 Nguyễn Trãi',
    communeCode: '01234',
  };
  svc = await buildApp({
    logger: logs.logger,
    metrics: createMetricsRegistry('postal-test'),
    clients: createApiClientRegistry({
      clients: [
        {
          id: 'h22-motcua',
          name: 'Một cửa H22',
          keyHash: hashApiKey(submitterKey),
          agencies: ['*.H22', '*.H56'],
          roles: ['submitter'],
        },
        {
          id: 'h22-ops',
          name: 'Vận hành H22',
          keyHash: hashApiKey(operatorKey),
          agencies: ['*.H22', '*.H56'],
          roles: ['operator', 'viewer'],
        },
        {
          id: 'h99-motcua',
          name: 'Một cửa H99',
          keyHash: hashApiKey(foreignKey),
          agencies: ['*.H99'],
          roles: ['submitter', 'viewer'],
        },
      ],
    }),
    pool,
    producer,
    topic: topicNames(ns).postalEvents,
    agencies: createAgencyDirectory({
      agencies: {
        '*.H22': { route: 'myvnpost', sender, serviceCode: 'CTN009' },
        '*.H56': { route: 'hcc', sender, serviceCode: 'CTN009' },
      },
    }),
    mapper,
    myvnpost,
    hcc,
    webhookPublicKey: publicKey,
  });
  await svc.app.listen({ port: 0, host: '127.0.0.1' });
  postalUrl = `http://127.0.0.1:${(svc.app.server.address() as { port: number }).port}`;
  await admin('POST', '/webhook-url', { url: `${postalUrl}/v1/postal/webhooks/myvnpost` });
});

afterAll(async () => {
  await svc?.app.close();
  await sandbox?.close();
  await producer?.disconnect();
  await pool?.end();
  await db?.drop();
  if (ns) await deleteTestNamespace(ns);
});

describe('postal: one order per dossier and result', () => {
  it('a by-post dossier reaching result-ready gets exactly one order across duplicate events, after its recipient is registered', async () => {
    const code = maHoSo(1);
    await deliver('upserted', dossierItem(1, { MaHoSo: code, HinhThuc: '1', TrangThaiHoSo: '4' }));
    expect(await orderRow(code)).toBeUndefined(); // not ready yet
    await deliver('progressed', { MaHoSo: code, TrangThai: '9', NguoiXuLy: 'Chuyên viên' }, 3);
    await deliver('upserted', dossierItem(1, { MaHoSo: code, HinhThuc: '1', TrangThaiHoSo: '9' }), 2);
    expect((await orderRow(code)).state).toBe('needs-address');
    await drain();
    expect((await admin('GET', `/orders?saleOrderCode=${code}`)).count).toBe(0);

    const reg = await api('POST', '/v1/postal/recipients', submitterKey, { MaHoSo: code, receiver: receiver() });
    expect(reg.status).toBe(201);
    expect(reg.body.mapped).toMatchObject({ ProvinceCode: '10', DistrictCode: 'VNPOST', CommuneCode: '11022' });
    await drain();
    await deliver('progressed', { MaHoSo: code, TrangThai: '9' }, 2);
    await drain();

    const atVnpost = await admin('GET', `/orders?saleOrderCode=${code}`);
    expect(atVnpost.count).toBe(1);
    const sent = atVnpost.orders[0].body.informationOrder;
    expect(sent).toMatchObject({
      saleOrderCode: code,
      receiverName: 'Lò Thị Mai',
      receiverDistrictCode: 'VNPOST',
      receiverCommuneCode: '11022',
      senderCommuneCode: '31101',
    });
    const row = await orderRow(code);
    expect(row).toMatchObject({
      state: 'created',
      item_code: atVnpost.orders[0].itemCode,
      original_id: atVnpost.orders[0].originalID,
    });
  });

  it('a dossier not sent by post (HinhThuc 0) gets no order', async () => {
    const code = maHoSo(2);
    await deliver('upserted', dossierItem(2, { MaHoSo: code, HinhThuc: '0', TrangThaiHoSo: '9' }));
    expect(await orderRow(code)).toBeUndefined();
  });

  it('a provider timeout after VNPost created the order (or a crash before recording it) is recovered by saleOrderCode, still one order', async () => {
    const code = maHoSo(3);
    await api('POST', '/v1/postal/recipients', submitterKey, { MaHoSo: code, receiver: receiver() });
    await admin('POST', '/faults', { createTimeout: true });
    await api('POST', '/v1/postal/orders', submitterKey, { MaHoSo: code });
    await svc.createDue();
    let row = await orderRow(code);
    expect(row.state).toBe('pending');
    expect(row.last_error).toMatch(/timed out/);
    expect((await admin('GET', `/orders?saleOrderCode=${code}`)).count).toBe(1); // VNPost has it; we do not know yet
    await admin('POST', '/faults', { createTimeout: false });
    await pool.query('UPDATE postal_orders SET next_attempt_at = now() WHERE ma_ho_so = $1', [code]); // the lease/backoff ran out
    await drain();
    row = await orderRow(code);
    expect(row.state).toBe('created');
    expect((await admin('GET', `/orders?saleOrderCode=${code}`)).count).toBe(1);
    expect(logs.text()).toContain('postal order found at VNPost and recorded');
  });
});

describe('postal: status from VNPost', () => {
  it('signed webhooks move the order to delivered; each change is published once on postal.events.v1', async () => {
    const code = maHoSo(1);
    for (let i = 0; i < 6; i++) await admin('POST', '/advance');
    await eventually(async () => ((await orderRow(code)).state === 'delivered' ? true : undefined), { what: 'delivered' });
    await drain();
    const records = (await readTopic(topicNames(ns).postalEvents)).filter((r) => r.key === code);
    const states = records.map((r) => JSON.parse(r.value!).data.state);
    expect(states).toEqual(['created', 'picked-up', 'in-transit', 'delivered']);
    const history = await api('GET', `/v1/postal/orders/${code}`, submitterKey);
    expect(history.status).toBe(200);
    expect(history.body.history.map((h: { vnpost_status: string }) => h.vnpost_status)).toEqual(
      expect.arrayContaining(['6', '10', '11', '12', '14']),
    );
  });

  it('a replayed webhook changes nothing; a forged, malformed or hostile one is refused with a clear answer', async () => {
    const code = maHoSo(1);
    const row = await orderRow(code);
    const sendDate = '05/12/2026 10:00:00';
    const body = {
      data: [{ itemCode: row.item_code, status: 14, saleOrderCode: code }],
      sendDate,
      signature: signWebhook(privateKey, sendDate, row.item_code, 14),
    };
    expect((await api('POST', '/v1/postal/webhooks/myvnpost', undefined, body)).status).toBe(200);
    expect((await api('POST', '/v1/postal/webhooks/myvnpost', undefined, body)).status).toBe(200);
    const forged = await api('POST', '/v1/postal/webhooks/myvnpost', undefined, {
      ...body,
      data: [{ ...body.data[0], status: 19 }],
    });
    expect(forged).toMatchObject({ status: 401, body: { success: false } });
    expect((await api('POST', '/v1/postal/webhooks/myvnpost', undefined, { data: 'x' })).status).toBe(400);
    expect((await api('POST', '/v1/postal/webhooks/myvnpost', undefined, '{"data":[{"__proto__":{"x":1}}]}')).status).toBe(400);
    expect((await api('POST', '/v1/postal/webhooks/myvnpost', undefined, '{"data":[')).status).toBe(400);
    expect((await orderRow(code)).state).toBe('delivered');
    await drain();
    const delivered = (await readTopic(topicNames(ns).postalEvents)).filter(
      (r) => r.key === code && JSON.parse(r.value!).data.state === 'delivered',
    );
    expect(delivered).toHaveLength(1);
  });

  it('with webhooks lost, polling finds the status; failed then returned deliveries are flagged for operators', async () => {
    const code = maHoSo(4);
    await api('POST', '/v1/postal/recipients', submitterKey, { MaHoSo: code, receiver: receiver() });
    await api('POST', '/v1/postal/orders', submitterKey, { MaHoSo: code });
    await drain();
    await admin('POST', `/orders/${code}/path`, { path: [10, 15, 24, 19] });
    await admin('POST', '/faults', { dropWebhooks: true });
    for (let i = 0; i < 4; i++) await admin('POST', '/advance');
    await svc.pollStatuses();
    await admin('POST', '/faults', { dropWebhooks: false });
    const row = await orderRow(code);
    if (row.state === 'pending') throw new Error(`not created: ${row.last_error}`);
    expect(row).toMatchObject({ state: 'returned', flagged: true });
    const flagged = await api('GET', '/v1/postal/orders?flagged=true', operatorKey);
    expect(flagged.body.orders.map((o: { ma_ho_so: string }) => o.ma_ho_so)).toContain(code);
    await drain();
    const states = (await readTopic(topicNames(ns).postalEvents))
      .filter((r) => r.key === code)
      .map((r) => JSON.parse(r.value!).data.state);
    expect(states).toEqual(['created', 'in-transit', 'failed', 'returned']);
  });

  it('an unknown status code is kept and flagged, never dropped', async () => {
    const code = maHoSo(5);
    await api('POST', '/v1/postal/recipients', submitterKey, { MaHoSo: code, receiver: receiver() });
    await api('POST', '/v1/postal/orders', submitterKey, { MaHoSo: code });
    await drain();
    await admin('POST', `/orders/${code}/path`, { path: [77] });
    await admin('POST', '/advance');
    await eventually(async () => ((await orderRow(code)).flagged ? true : undefined), { what: 'flagged' });
    const row = await orderRow(code);
    expect(row.state).toBe('created');
    expect(row.flag_reason).toMatch(/unknown VNPost status 77/);
    const kept = await pool.query('SELECT vnpost_status, state FROM postal_status_history WHERE ma_ho_so = $1', [code]);
    expect(kept.rows).toContainEqual({ vnpost_status: '77', state: 'unknown' });
    await drain();
    const states = (await readTopic(topicNames(ns).postalEvents))
      .filter((r) => r.key === code)
      .map((r) => JSON.parse(r.value!).data.state);
    expect(states).toContain('unknown');
  });

  it('the HCC/LGSP route: order by OrderNumber, tracking polled, 4 = delivered, other codes flagged', async () => {
    const code = maHoSo(6, H56);
    await api('POST', '/v1/postal/recipients', submitterKey, { MaHoSo: code, receiver: receiver() });
    await api('POST', '/v1/postal/orders', submitterKey, { MaHoSo: code });
    await drain();
    const at = await admin('GET', `/orders?saleOrderCode=${code}`);
    expect(at.orders[0]).toMatchObject({ route: 'hcc' });
    expect(at.orders[0].body).toMatchObject({ OrderNumber: code, ReceiverName: 'Lò Thị Mai', CustomerCode: 'C000000001' });
    for (let i = 0; i < 3; i++) await admin('POST', '/advance');
    await svc.pollStatuses();
    const row = await orderRow(code);
    expect(row.state).toBe('delivered');
    expect(row.flagged).toBe(true); // 1–3 are not in any public source
  });
});

describe('postal: refusals', () => {
  it('an address that cannot be mapped to VNPost codes is refused, naming the field', async () => {
    const r = await api('POST', '/v1/postal/recipients', submitterKey, { MaHoSo: maHoSo(7), receiver: receiver('99999') });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('LT_POSTAL_ADDRESS_UNMAPPED');
    expect(r.body.details[0].path).toBe('/receiver/address/communeCode');
    expect(r.body.message).toMatch(/mã bưu chính/);
  });

  it('by catalogue names when the table has no entry', async () => {
    const r = await api('POST', '/v1/postal/recipients', submitterKey, {
      MaHoSo: maHoSo(8),
      receiver: {
        ...receiver(),
        address: { street: '12 Lê Lợi', provinceName: 'TP. Hồ Chí Minh', communeName: 'Phường Bến Thành' },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.mapped).toMatchObject({ ProvinceCode: '70', CommuneCode: '70215', via: 'catalogue' });
  });

  it('agency scope on the dossier’s own agency; roles per route; no key', async () => {
    expect((await api('POST', '/v1/postal/recipients', undefined, { MaHoSo: maHoSo(9), receiver: receiver() })).status).toBe(401);
    const foreign = await api('POST', '/v1/postal/recipients', foreignKey, { MaHoSo: maHoSo(9), receiver: receiver() });
    expect(foreign).toMatchObject({ status: 403, body: { error: 'LT_AUTH_AGENCY_FORBIDDEN' } });
    expect((await api('GET', `/v1/postal/orders/${maHoSo(1)}`, foreignKey)).status).toBe(403);
    expect((await api('GET', '/v1/postal/orders?flagged=true', foreignKey)).body.orders).toEqual([]);
    expect((await api('GET', '/v1/postal/orders', submitterKey)).status).toBe(403); // submitters have no operator list
    expect((await api('POST', `/v1/postal/orders/${maHoSo(1)}/cancel`, submitterKey, { reason: 'thử' })).status).toBe(403);
  });

  it('hostile and malformed bodies get a clear 4xx, the service keeps running', async () => {
    const cases: [unknown, number][] = [
      ['{"MaHoSo":', 400],
      ['{"__proto__":{"admin":true},"MaHoSo":"x"}', 400],
      [{ MaHoSo: maHoSo(10), receiver: { ...receiver(), phone: '12' } }, 400],
      [{ MaHoSo: '../../etc/passwd', receiver: receiver() }, 400],
      [{ MaHoSo: maHoSo(10), receiver: { ...receiver(), name: 'x'.repeat(10_000) } }, 400],
      [`{"MaHoSo":"${'a'.repeat(6 * 1024 * 1024)}"}`, 413],
    ];
    for (const [body, status] of cases) {
      const r = await api('POST', '/v1/postal/recipients', submitterKey, body);
      expect(r.status, JSON.stringify(r.body).slice(0, 200)).toBe(status);
      expect(r.body.error).toMatch(/^LT_/);
    }
    expect((await api('GET', '/v1/postal/orders?limit=abc', operatorKey)).status).toBe(400);
    expect((await api('GET', `/v1/postal/orders/${encodeURIComponent("x' OR 1=1 --")}`, submitterKey)).status).toBe(400);
    expect((await fetch(`${postalUrl}/health/live`)).status).toBe(200);
  });

  it('no personal data of the recipient in any log line', () => {
    const text = logs.text();
    for (const value of ['Lò Thị Mai', '0987654321', 'Đội Cấn']) expect(text).not.toContain(value);
  });
});

describe('postal: OpenAPI', () => {
  it('serves a document an independent OpenAPI validator accepts', async () => {
    await expectValidOpenApi(svc.app);
  });
});
