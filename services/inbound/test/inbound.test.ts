/**
 * Inbound calls from the national portal (issue 13), end to end against a real Postgres and Kafka broker:
 * the sandbox DVCQG originates each kind over HTTP with its token → the hub answers with the portal's codes
 * only once the packet is on national.inbound.v1 → the router (a real consumer group) queues a signed
 * webhook → a provincial test receiver gets it, and verifies the signature with its own HMAC code.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
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
  systemClock,
  type Pool,
} from '@lienthong/platform';
import {
  createConsumerRunner,
  createEventProducer,
  createKafka,
  topicNames,
  type ConsumerRunner,
  type EventProducer,
} from '@lienthong/events';
import { createWebhooks, runWebhooksMigrations, type Webhooks } from '@lienthong/webhooks';
import { validatePacket } from '@lienthong/standard';
import { createDvcqgClient } from '@lienthong/dvcqg';
import dvcqgPeer from '../../sandbox/src/peers/dvcqg/index.js';
import { buildApp, type InboundService } from '../src/app.js';
import {
  captureLogger,
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  readTopic,
  testBrokers,
  expectValidOpenApi,
} from '../../../tests/helpers/index.js';

const TOKEN = `portal-${randomBytes(16).toString('hex')}`;
const submitterKey = generateApiKey();
const operatorKey = generateApiKey();
const MAX_ATTACHMENT = 64 * 1024;

let db: { url: string; drop: () => Promise<void> };
let pool: Pool;
let ns: string;
let producer: EventProducer;
let webhooks: Webhooks;
let svc: InboundService;
let inboundUrl: string;
let sandbox: FastifyInstance;
let sandboxUrl: string;
let receiver: Server;
let receiverUrl: string;
let router: ConsumerRunner;
let secret: string;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const logs = captureLogger('inbound');

const clients = createApiClientRegistry({
  clients: [
    { id: 'h22-motcua', name: 'Một cửa H22', keyHash: hashApiKey(submitterKey), agencies: ['*.H22'], roles: ['submitter'] },
    { id: 'ops', name: 'Vận hành', keyHash: hashApiKey(operatorKey), agencies: ['*'], roles: ['operator', 'viewer'] },
  ],
});

async function originate(body: Record<string, unknown>) {
  const res = await fetch(`${sandboxUrl}/dvcqg/_admin/originate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as {
    sent: { status: number | null; answer: any; error?: string; maHoSo: string; attempt: number }[];
  };
}
async function call(path: string, key: string | undefined, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${inboundUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const buf = Buffer.from(await res.arrayBuffer());
  let json: any;
  try {
    json = JSON.parse(buf.toString());
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, bytes: buf, headers: res.headers };
}
const records = async (maHoSo?: string) =>
  (await readTopic(topicNames(ns).nationalInbound)).filter((r) => !maHoSo || r.key === maHoSo);
const deliveriesFor = (maHoSo: string) => received.filter((r) => JSON.parse(r.body).subject === maHoSo);

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'inbound-test', max: 8 });
  await runMigrations(pool, { service: 'inbound', dir: fileURLToPath(new URL('../migrations/', import.meta.url)) });
  await runWebhooksMigrations(pool);
  ns = await createTestNamespace();
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'inbound-test', logger: quietLogger() });
  producer = createEventProducer({ kafka, logger: quietLogger(), transactionalIdPrefix: `inbound-test-${ns}` });
  await producer.connect();

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/lienthong`;

  webhooks = createWebhooks({
    pool,
    logger: quietLogger(),
    clock: systemClock,
    origin: 'inbound',
    secretKey: randomBytes(32).toString('hex'),
    allowHttp: true,
    allowedNetworks: '127.0.0.1/32',
    timeoutMs: 2_000,
    pollMs: 100,
  });
  sandbox = Fastify({ loggerInstance: quietLogger('sandbox') as FastifyBaseLogger });
  await sandbox.register(dvcqgPeer, {
    prefix: '/dvcqg',
    logger: quietLogger('sandbox'),
    config: {},
    publicUrl: 'http://127.0.0.1',
  });
  await sandbox.listen({ port: 0, host: '127.0.0.1' });
  sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;
  svc = await buildApp({
    logger: logs.logger,
    dvcqg: createDvcqgClient({
      baseUrl: `${sandboxUrl}/dvcqg`,
      username: 'lienthong',
      password: 'lienthong-sandbox',
      madonvi: '000.00.00.H22',
      timeoutMs: 2_000,
      logger: quietLogger('dvcqg'),
    }),
    metrics: createMetricsRegistry('inbound-test'),
    clients,
    pool,
    producer,
    topic: topicNames(ns).nationalInbound,
    outboundTopic: topicNames(ns).nationalOutbound,
    webhooks,
    portal: { token: TOKEN, header: 'authorization', allowedNetworks: ['127.0.0.1/32'] },
    routing: { byMaTTHC: { '1.000123': '000.00.01.H22' } },
    maxAttachmentBytes: MAX_ATTACHMENT,
    bodyLimitBytes: 2 * 1024 * 1024,
  });
  await svc.app.listen({ port: 0, host: '127.0.0.1' });
  inboundUrl = `http://127.0.0.1:${(svc.app.server.address() as { port: number }).port}`;
  webhooks.dispatcher.start();
  await fetch(`${sandboxUrl}/dvcqg/_admin/inbound-target`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: inboundUrl, token: TOKEN }),
  });

  router = createConsumerRunner({
    kafka,
    logger: quietLogger(),
    groupId: `${ns}inbound-router`,
    topics: [topicNames(ns).nationalInbound],
    producer,
    fromBeginning: true,
    handle: async (event) => {
      await svc.routeEvent(event);
    },
    retry: { maxAttempts: 5, minDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.2 },
  });
  await router.start();

  const sub = await call('/v1/webhooks/subscriptions', submitterKey, {
    method: 'POST',
    body: { url: receiverUrl, eventTypes: ['vn.lienthong.inbound.*'], agencies: ['*.H22'], description: 'Một cửa H22' },
  });
  expect(sub.status).toBe(201);
  secret = sub.body.secret;
  expect(typeof secret).toBe('string');
}, 120_000);

afterAll(async () => {
  await router?.stop();
  await webhooks?.dispatcher.stop();
  await svc?.app.close();
  await sandbox?.close();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  await producer?.disconnect();
  await pool?.end();
  await db?.drop();
  if (ns) await deleteTestNamespace(ns);
});

describe('inbound: each kind from the portal reaches the subscribed provincial system once', () => {
  it('createdossierfromdvcqg: error_code 0 after Kafka, one record, one signed delivery with attachments by reference', async () => {
    const { sent } = await originate({ kind: 'create', attachmentBytes: 4096 });
    expect(sent).toHaveLength(1);
    const { maHoSo } = sent[0]!;
    expect(sent[0]).toMatchObject({ status: 200, answer: { error_code: 0, message: `${maHoSo}| Tiếp nhận thành công` } });
    expect(validatePacket('dvcqg-inbound-reply', sent[0]!.answer).ok).toBe(true);
    const recs = await records(maHoSo);
    expect(recs).toHaveLength(1);
    const event = JSON.parse(recs[0]!.value!);
    expect(event).toMatchObject({
      type: 'vn.lienthong.inbound.dossier-created',
      subject: maHoSo,
      data: { kind: 'create', agency: '000.00.01.H22' },
    });
    expect(event.data.packet.TepDonDangKy.attachment).toMatchObject({ size: 4096, name: 'don-dang-ky-khuyen-mai.pdf' });
    expect(JSON.stringify(event)).not.toMatch(/JVBERi0/); // no Base64 PDF bytes on Kafka

    await eventually(() => (deliveriesFor(maHoSo).length === 1 ? true : undefined), { what: 'webhook delivery' });
    const d = deliveriesFor(maHoSo)[0]!;
    // The receiver's own check of the Stripe-style header: HMAC-SHA256(secret, `${t}.${body}`).
    const header = String(d.headers['lienthong-signature']);
    const t = /t=(\d+)/.exec(header)![1]!;
    const v1 = [...header.matchAll(/v1=([0-9a-f]{64})/g)].map((m) => m[1]);
    expect(v1).toContain(createHmac('sha256', secret).update(`${t}.${d.body}`).digest('hex'));
    const delivered = JSON.parse(d.body);
    expect(delivered.data.packet).toMatchObject({
      MaHoSo: maHoSo,
      TenThuongNhan: 'Công ty TNHH Thương mại Sao Mai',
      MaTTHC: '1.000123',
    });

    const ref = delivered.data.packet.TepDonDangKy.attachment;
    const file = await call(`/v1/inbound/attachments/${ref.sha256}`, submitterKey);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(createHash('sha256').update(file.bytes).digest('hex')).toBe(ref.sha256);
    expect(file.bytes.subarray(0, 8).toString()).toBe('%PDF-1.4');
  });

  it('the same call twice answers duplicate refId (error_code 1) and publishes nothing more', async () => {
    const { sent } = await originate({ kind: 'create', duplicate: true });
    expect(sent.map((s) => s.answer.error_code)).toEqual([0, 1]);
    expect(sent[1]!.answer.message).toBe(`${sent[0]!.maHoSo}| duplicate refId`);
    expect(await records(sent[0]!.maHoSo)).toHaveLength(1);
    await eventually(() => (deliveriesFor(sent[0]!.maHoSo).length === 1 ? true : undefined), { what: 'delivery' });
  });

  it('the portal retrying after a slow answer produces no second record nor delivery', async () => {
    const { sent } = await originate({ kind: 'amend', timeoutMs: 1, attachmentBytes: 2048 });
    const maHoSo = sent[0]!.maHoSo;
    expect(sent[0]!.error).toBe('timeout');
    expect([0, 1]).toContain(sent[1]!.answer.error_code);
    await eventually(async () => ((await records(maHoSo)).length === 1 ? true : undefined), { what: 'one record' });
    await eventually(() => (deliveriesFor(maHoSo).length === 1 ? true : undefined), { what: 'one delivery' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await records(maHoSo)).toHaveLength(1);
    expect(deliveriesFor(maHoSo)).toHaveLength(1);
  });

  it('nhantbthuedvcqg: a tax notice answered {status, message, description}; its XML kept as an attachment', async () => {
    const { sent } = await originate({ kind: 'tax-notice', maHoSo: '000.00.01.H22-270110-0007' });
    expect(sent[0]).toMatchObject({ status: 200, answer: { status: 1 } });
    expect(validatePacket('dvcqg-tax-notice-reply' as never, sent[0]!.answer).ok ?? true).toBeTruthy();
    const recs = await records('000.00.01.H22-270110-0007');
    const ev = JSON.parse(recs[0]!.value!);
    expect(ev.type).toBe('vn.lienthong.inbound.tax-notice');
    expect(ev.data.packet.FileThongBaoThue.attachment.name).toBe('thong-bao-thue.xml');
    expect(ev.data.packet.ThongTinThanhToan).toMatchObject({ SoTien: '1500000' });
    await eventually(() => (deliveriesFor('000.00.01.H22-270110-0007').length === 1 ? true : undefined), { what: 'delivery' });
  });
});

describe('inbound: refusals publish nothing', () => {
  it('a malformed packet: HTTP 400, error_code −1, the paths named', async () => {
    const { sent } = await originate({ kind: 'create', malformed: true, maHoSo: 'KM.MALFORMED.1' });
    expect(sent[0]).toMatchObject({ status: 400, answer: { error_code: -1 } });
    expect(sent[0]!.answer.message).toMatch(/^KM\.MALFORMED\.1\|/);
    expect(sent[0]!.answer.details.length).toBeGreaterThan(0);
    expect(await records('KM.MALFORMED.1')).toHaveLength(0);
  });

  it('an oversized attachment: 413 naming the field, nothing published', async () => {
    const { sent } = await originate({ kind: 'create', attachmentBytes: MAX_ATTACHMENT * 2, maHoSo: 'KM.BIG.1' });
    expect(sent[0]).toMatchObject({ status: 413, answer: { error_code: -1, error: 'LT_INBOUND_ATTACHMENT_TOO_LARGE' } });
    expect(sent[0]!.answer.details[0].path).toBe('/TepDonDangKy');
    expect(await records('KM.BIG.1')).toHaveLength(0);
  });

  it('a wrong or missing token: 401, nothing published', async () => {
    const { sent } = await originate({ kind: 'create', token: 'wrong-token-wrong-token', maHoSo: 'KM.TOKEN.1' });
    expect(sent[0]).toMatchObject({ status: 401, answer: { error_code: -1 } });
    const anonymous = await fetch(`${inboundUrl}/nps/createdossierfromdvcqg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"MaHoSo":"KM.TOKEN.2"}',
    });
    expect(anonymous.status).toBe(401);
    expect(await records('KM.TOKEN.1')).toHaveLength(0);
  });

  it('an address outside the allow-list: 403 before anything is read into Kafka', async () => {
    const other = await buildApp({
      logger: quietLogger(),
      metrics: createMetricsRegistry('inbound-test-2'),
      clients,
      pool,
      producer,
      topic: topicNames(ns).nationalInbound,
      outboundTopic: topicNames(ns).nationalOutbound,
      webhooks,
      portal: { token: TOKEN, header: 'authorization', allowedNetworks: ['10.20.0.0/16'] },
      routing: {},
      maxAttachmentBytes: MAX_ATTACHMENT,
      bodyLimitBytes: 1024 * 1024,
    });
    const res = await other.app.inject({
      method: 'POST',
      url: '/nps/createdossierfromdvcqg',
      remoteAddress: '127.0.0.1',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: { MaHoSo: 'KM.IP.1' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error_code: -1, error: 'LT_INBOUND_ADDRESS_NOT_ALLOWED' });
    await other.app.close();
  });

  it('hostile bodies get a clear answer and the service keeps running', async () => {
    for (const body of [
      '{"MaHoSo":',
      '{"__proto__":{"x":1},"MaHoSo":"a"}',
      '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
    ]) {
      const res = await fetch(`${inboundUrl}/nps/nhanhsdvcqg`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
    }
    expect((await fetch(`${inboundUrl}/health/live`)).status).toBe(200);
  });
});

describe('inbound: nobody subscribed', () => {
  it('a packet no agency claims is kept, listed for operators, and delivered once an operator routes it', async () => {
    const packet = {
      MaSoThue: '0101234567',
      MaHoSo: 'KM.UNROUTED.1',
      MaTTHC: '1.999999',
      TenThuongNhan: 'Công ty Cổ phần Ánh Dương',
      DiaChiDoanhNghiep: { MaTinh: '99', DiaChiChiTiet: 'Không rõ' },
    };
    const res = await fetch(`${inboundUrl}/nps/createdossierfromdvcqg`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(packet),
    });
    expect(await res.json()).toMatchObject({ error_code: 0 });
    const list = await eventually(
      async () => {
        const l = await call('/v1/inbound/packets?routed=false', operatorKey);
        return l.body.packets.find((p: { ma_ho_so: string }) => p.ma_ho_so === 'KM.UNROUTED.1');
      },
      { what: 'unrouted packet listed' },
    );
    expect(list).toMatchObject({ agency: null, routed: false, state: 'published' });
    expect((await call('/v1/inbound/packets?routed=false', submitterKey)).status).toBe(403);
    const routed = await call('/v1/inbound/packets/route', operatorKey, {
      method: 'POST',
      body: { refKey: list.ref_key, agency: '000.00.02.H22', reason: 'Sở Công Thương tiếp nhận' },
    });
    expect(routed.body).toMatchObject({ queued: 1, agency: '000.00.02.H22' });
    await eventually(() => (deliveriesFor('KM.UNROUTED.1').length === 1 ? true : undefined), { what: 'delivery after routing' });
  });

  it('no personal data of the packets in any log line', () => {
    const text = logs.text();
    for (const v of ['Trần Thị Hoa', '0912345678', 'Nguyễn Văn Bình', 'lienhe@saomai.example.vn']) expect(text).not.toContain(v);
  });
});

describe('inbound: citizens’ questions from the portal, and the answers back', () => {
  const sandboxAdmin = (method: string, path: string, body?: unknown) =>
    fetch(`${sandboxUrl}/dvcqg/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>);

  it('a question is published once and delivered to the agency’s provincial system; its answer is published once for national-sync', async () => {
    const { added } = await sandboxAdmin('POST', '/qa/questions', {
      MADONVI: '000.00.01.H22',
      NOIDUNG: 'Thủ tục cấp giấy phép xây dựng cần những giấy tờ gì?',
    });
    const id = added[0];
    expect(await svc.qa!.poll()).toMatchObject({ published: 1 });
    expect(await svc.qa!.poll()).toMatchObject({ published: 0 }); // the same question again: nothing new
    await eventually(() => (deliveriesFor(`HOIDAP-${id}`).length === 1 ? true : undefined), { what: 'question delivered' });
    const q = JSON.parse(deliveriesFor(`HOIDAP-${id}`)[0]!.body);
    expect(q).toMatchObject({
      type: 'vn.lienthong.inbound.question',
      data: {
        agency: '000.00.01.H22',
        packet: { HOIDAPID: id, NOIDUNG: 'Thủ tục cấp giấy phép xây dựng cần những giấy tờ gì?' },
      },
    });

    const answer = {
      HOIDAPID: id,
      NGUOITRALOI: 'Phòng Cấp phép',
      CHUCVUNGUOITRALOI: 'Trưởng phòng',
      NGAYTRALOI: '05/12/2026',
      NOIDUNGTRALOI: 'Hồ sơ gồm đơn đề nghị, bản vẽ thiết kế và giấy tờ về quyền sử dụng đất.',
    };
    expect(
      (await call('/v1/qa/answers', submitterKey, { method: 'POST', body: { ...answer, NGAYTRALOI: '2026-12-05' } })).status,
    ).toBe(400);
    expect(
      (await call('/v1/qa/answers', submitterKey, { method: 'POST', body: { ...answer, HOIDAPID: 'HD-NONE' } })).status,
    ).toBe(404);
    expect(await call('/v1/qa/answers', submitterKey, { method: 'POST', body: answer })).toMatchObject({
      status: 202,
      body: { HOIDAPID: id, state: 'published' },
    });
    expect((await call('/v1/qa/answers', submitterKey, { method: 'POST', body: answer })).body).toMatchObject({ replayed: true });
    expect(
      (await call('/v1/qa/answers', submitterKey, { method: 'POST', body: { ...answer, NOIDUNGTRALOI: 'khác' } })).status,
    ).toBe(409);

    // On national.outbound.v1 once, keyed like the question, the portal's item field for field (national-sync pushes it).
    const out = await eventually(
      async () => {
        const recs = (await readTopic(topicNames(ns).nationalOutbound)).filter((r) => r.key === `HOIDAP-${id}`);
        return recs.length ? recs : undefined;
      },
      { what: 'the answer on national.outbound.v1' },
    );
    expect(out).toHaveLength(1);
    const event = JSON.parse(out[0]!.value!);
    expect(event).toMatchObject({
      type: 'vn.lienthong.outbound.qa-answer',
      subject: `HOIDAP-${id}`,
      data: { kind: 'qa-answer', key: id, agency: '000.00.01.H22', submittedBy: 'h22-motcua' },
    });
    expect(event.data.packet).toEqual({ ...answer, MADONVI: '000.00.01.H22' });
    expect(validatePacket('event-national-outbound', event.data).errors).toEqual([]);
    expect((await call(`/v1/qa/answers/${id}`, submitterKey)).body).toMatchObject({ state: 'published', eventId: event.id });
  });

  it('an agency cannot answer another agency’s question', async () => {
    const { added } = await sandboxAdmin('POST', '/qa/questions', {
      MADONVI: '000.00.01.H56',
      NOIDUNG: 'Hỏi về lệ phí trước bạ',
    });
    await svc.qa!.poll();
    const r = await call('/v1/qa/answers', submitterKey, {
      method: 'POST',
      body: { HOIDAPID: added[0], NGUOITRALOI: 'X', NGAYTRALOI: '05/12/2026', NOIDUNGTRALOI: 'Y' },
    });
    expect(r).toMatchObject({ status: 403, body: { error: 'LT_AUTH_AGENCY_FORBIDDEN' } });
  });
});

describe('inbound: OpenAPI', () => {
  it('serves a document an independent OpenAPI validator accepts', async () => {
    await expectValidOpenApi(svc.app);
  });
});
