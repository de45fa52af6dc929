/**
 * Answers to citizens' questions and statuses of promotion dossiers, province → portal (issue 13), end to end:
 * the DVCQG sandbox over HTTP (questions, promotion dossiers sent to the hub, the two services it receives),
 * services/inbound (validation, agency scope, published once to national.outbound.v1) and national-sync built with
 * buildApp (consumer → ledger → pusher, outcomes and dead letters through its outbox), on real Kafka and Postgres.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
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
  createEventProducer,
  createKafka,
  dlqOf,
  replayDeadLetters,
  topicNames,
  type CloudEvent,
  type EventProducer,
} from '@lienthong/events';
import { createDvcqgClient } from '@lienthong/dvcqg';
import { createWebhooks, runWebhooksMigrations } from '@lienthong/webhooks';
import { validateEventData, validatePacket } from '@lienthong/standard';
import { buildApp as buildInbound, type InboundService } from '../../services/inbound/src/app.js';
import {
  operatorAuth,
  startNationalSync,
  startSandbox,
  syncEnv,
  testKeys,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  readTopic,
  testBrokers,
  type ReadRecord,
} from '../helpers/index.js';

const MAX_ATTEMPTS = 8;
const TOKEN = `portal-${randomBytes(16).toString('hex')}`;
const keys = { h22: generateApiKey(), h56: generateApiKey() };
const clients = createApiClientRegistry({
  clients: [
    { id: 'motcua-h22', name: 'Một cửa H22', keyHash: hashApiKey(keys.h22), agencies: ['*.H22'], roles: ['submitter'] },
    { id: 'motcua-h56', name: 'Một cửa H56', keyHash: hashApiKey(keys.h56), agencies: ['*.H56'], roles: ['submitter'] },
  ],
});

let ns: string;
let topics: ReturnType<typeof topicNames>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let producer: EventProducer;
let sandbox: Sandbox;
let inbound: InboundService;
let inboundUrl: string;
let sync: RunningSync;
let group: string;

async function http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
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
const sandboxAdmin = (method: string, p: string, body?: unknown) => http(method, `${sandbox.url}/_admin${p}`, body);
const hub = (method: string, p: string, key: string, body?: unknown) =>
  http(method, `${inboundUrl}${p}`, body, { authorization: `Bearer ${key}` });
const ledger = async (kind: string, key: string) => {
  const r = await sync.app.inject({
    method: 'GET',
    url: `/v1/outbound/${kind}/${encodeURIComponent(key)}`,
    headers: operatorAuth,
  });
  return r.statusCode === 200 ? (r.json() as Record<string, any>) : undefined;
};
const outcomesOf = async (subject: string) =>
  (await readTopic(topics.syncOutcomes)).filter((r) => r.key === subject).map((r) => JSON.parse(r.value!) as CloudEvent<any>);
const outboundRecords = async (subject?: string) =>
  (await readTopic(topics.nationalOutbound)).filter((r) => subject === undefined || r.key === subject);

async function question(agency: string, text: string): Promise<string> {
  const r = await sandboxAdmin('POST', '/qa/questions', { MADONVI: agency, NOIDUNG: text });
  await inbound.qa!.poll();
  return String(r.body.added[0]);
}
const answerOf = (id: string, extra: Record<string, unknown> = {}) => ({
  HOIDAPID: id,
  NGUOITRALOI: 'Phòng Cấp phép, Sở Xây dựng',
  CHUCVUNGUOITRALOI: 'Trưởng phòng',
  NGAYTRALOI: '05/01/2027',
  NOIDUNGTRALOI: `Hồ sơ gồm đơn đề nghị và bản vẽ thiết kế (câu hỏi ${id}).`,
  ...extra,
});
const answersAtPortal = async (id: string) =>
  ((await sandboxAdmin('GET', '/qa')).body.answers as { item: Record<string, unknown> }[]).filter((a) => a.item.HOIDAPID === id);

beforeAll(async () => {
  ns = await createTestNamespace();
  topics = topicNames(ns);
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'outbound-e2e', max: 8 });
  await runMigrations(pool, {
    service: 'inbound',
    dir: fileURLToPath(new URL('../../services/inbound/migrations/', import.meta.url)),
  });
  await runWebhooksMigrations(pool);
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'outbound-e2e', logger: quietLogger() });
  producer = createEventProducer({ kafka, logger: quietLogger(), transactionalIdPrefix: `outbound-e2e-${ns}` });
  await producer.connect();
  sandbox = await startSandbox({});
  inbound = await buildInbound({
    logger: quietLogger('inbound'),
    dvcqg: createDvcqgClient({
      baseUrl: sandbox.url,
      username: 'lienthong',
      password: 'lienthong-sandbox',
      madonvi: '000.00.00.H22',
      timeoutMs: 2_000,
      logger: quietLogger('dvcqg'),
    }),
    metrics: createMetricsRegistry('outbound-e2e-inbound'),
    clients,
    pool,
    producer,
    topic: topics.nationalInbound,
    outboundTopic: topics.nationalOutbound,
    webhooks: createWebhooks({
      pool,
      logger: quietLogger(),
      clock: systemClock,
      origin: 'inbound',
      secretKey: randomBytes(32).toString('hex'),
      allowHttp: true,
      allowedNetworks: '127.0.0.1/32',
      timeoutMs: 2_000,
    }),
    portal: { token: TOKEN, header: 'authorization', allowedNetworks: ['127.0.0.1/32'] },
    routing: { byMaTTHC: { '1.000123': '000.00.01.H22' } },
    maxAttachmentBytes: 64 * 1024,
    bodyLimitBytes: 2 * 1024 * 1024,
  });
  inboundUrl = await inbound.app.listen({ port: 0, host: '127.0.0.1' });
  await sandboxAdmin('POST', '/inbound-target', { url: inboundUrl, token: TOKEN });
  group = `ns-outbound-${randomSuffix()}`;
  sync = await startNationalSync(
    syncEnv({
      ns,
      databaseUrl: db.url,
      sandboxUrl: sandbox.url,
      extra: {
        NATIONAL_SYNC_GROUP_ID: group,
        NATIONAL_SYNC_PAYMENTS: 'false',
        NATIONAL_SYNC_OUTBOUND_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        NATIONAL_SYNC_RETRY_MIN_MS: '50',
        NATIONAL_SYNC_RETRY_MAX_MS: '300',
        // The breaker would pause pushing (no attempt counted while open); these tests count attempts.
        NATIONAL_SYNC_BREAKER_THRESHOLD: '100000',
        // No reconciliation call in the middle of a test's draws from the sandbox's seeded faults.
        NATIONAL_SYNC_RECONCILE_CRON: '0 0 1 1 *',
      },
    }),
    quietLogger('national-sync'),
  );
}, 120_000);

afterAll(async () => {
  await sync?.close();
  await inbound?.app.close();
  await sandbox?.close();
  await producer?.disconnect();
  await pool?.end();
  if (ns) await deleteTestNamespace(ns);
  await db?.drop();
});

describe('answers to citizens’ questions reach the portal through national-sync', () => {
  it('round trip with the portal failing half the pushes: each answer arrives once, its outcome on sync.outcomes', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await question('000.00.01.H22', `Câu hỏi số ${i} về giấy phép xây dựng?`));
    await sandbox.faults({ errorRate: 0.5, seed: 20270105 });
    try {
      for (const id of ids) {
        expect((await hub('POST', '/v1/qa/answers', keys.h22, answerOf(id))).status).toBe(202);
        await eventually(async () => ((await ledger('qa-answer', id))?.state === 'synced' ? true : undefined), {
          what: `answer ${id} synced`,
        });
      }
    } finally {
      await sandbox.faults({});
    }
    for (const id of ids) {
      const at = await answersAtPortal(id);
      expect(at).toHaveLength(1);
      expect(at[0]!.item).toEqual({ ...answerOf(id), MADONVI: '000.00.01.H22' });
    }
    const calls = (await sandbox.calls('?limit=1000')).items;
    const failed = calls.filter((c) => String(c.outcome).startsWith('fault:5xx'));
    expect(failed.length).toBeGreaterThan(0); // the portal did fail (seeded draws)

    const outcomes = (
      await eventually(
        async () => {
          const all = (await readTopic(topics.syncOutcomes)).filter((r) => r.key?.startsWith('HOIDAP-'));
          const synced = ids.filter((id) =>
            all.some((r) => r.key === `HOIDAP-${id}` && r.headers['ce-type'] === 'vn.lienthong.sync.synced'),
          );
          return synced.length === ids.length ? all : undefined;
        },
        { what: 'a synced outcome for every answer' },
      )
    ).map((r) => JSON.parse(r.value!) as CloudEvent<any>);
    for (const e of outcomes) expect(validateEventData(e.dataschema, e.data).errors, e.type).toEqual([]);
    const synced = outcomes.filter((e) => e.type === 'vn.lienthong.sync.synced');
    expect(synced.map((e) => e.data.HOIDAPID).sort()).toEqual([...ids].sort()); // one synced outcome each
    expect(synced[0]!.data).toMatchObject({
      packet: 'DongBoKetQuaHoiDapGuiTuDVCQG',
      outcome: 'accepted',
      agencyCode: '000.00.01.H22',
    });
    expect(outcomes.some((e) => e.type === 'vn.lienthong.sync.retrying')).toBe(true);
    expect(JSON.stringify(outcomes)).not.toContain('bản vẽ thiết kế'); // never the answer's text
  });

  it('a push that exhausts its retries is dead-lettered, and a replay from the dead-letter topic delivers it once', async () => {
    const id = await question('000.00.01.H22', 'Hỏi về thời hạn giấy phép?');
    await sandbox.faults({ outage: true });
    try {
      expect((await hub('POST', '/v1/qa/answers', keys.h22, answerOf(id))).status).toBe(202);
      const dead = await eventually(
        async () => {
          const l = await ledger('qa-answer', id);
          return l?.state === 'dead-lettered' ? l : undefined;
        },
        { what: 'the answer dead-lettered' },
      );
      expect(dead).toMatchObject({ attempts: MAX_ATTEMPTS, lastErrorCode: 'LT_SYNC_RETRIES_EXHAUSTED', dueAt: null });
    } finally {
      await sandbox.faults({});
    }
    const letters = await eventually(
      async () => {
        const l = (await readTopic(dlqOf(topics.nationalOutbound))).filter((r) => r.key === `HOIDAP-${id}`);
        return l.length ? l : undefined;
      },
      { what: 'the dead letter' },
    );
    expect(letters).toHaveLength(1);
    const original = (await outboundRecords(`HOIDAP-${id}`))[0]!;
    expect(JSON.parse(letters[0]!.value!)).toEqual(JSON.parse(original.value!)); // the event inbound published
    expect(letters[0]!.headers).toMatchObject({
      'dlq-original-topic': topics.nationalOutbound,
      'dlq-original-offset': original.offset,
      'dlq-error-code': 'LT_SYNC_RETRIES_EXHAUSTED',
      'dlq-group': `${group}-outbound`,
      'dlq-attempts': String(MAX_ATTEMPTS),
    });
    const given = (await outcomesOf(`HOIDAP-${id}`)).find((e) => e.type === 'vn.lienthong.sync.rejected');
    expect(given?.data).toMatchObject({
      outcome: 'dead-lettered',
      errorCode: 'LT_SYNC_RETRIES_EXHAUSTED',
      attempts: MAX_ATTEMPTS,
    });
    expect(await answersAtPortal(id)).toHaveLength(0);

    // The generic replay (console, packages/events CLI): back to national.outbound.v1 for national-sync's group only.
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'outbound-e2e-replay', logger: quietLogger() });
    const r = await replayDeadLetters({
      kafka,
      producer,
      logger: quietLogger(),
      dlqTopic: dlqOf(topics.nationalOutbound),
      since: new Date(Date.now() - 600_000),
      key: `HOIDAP-${id}`,
    });
    expect(r.replayed).toHaveLength(1);
    await eventually(async () => ((await ledger('qa-answer', id))?.state === 'synced' ? true : undefined), {
      what: 'synced after the replay',
    });
    expect(await answersAtPortal(id)).toHaveLength(1);
  });

  it('an answer the portal refuses is dead-lettered with its words; an operator replays it once the cause is fixed', async () => {
    const id = await question('000.00.01.H22', 'Hỏi về lệ phí cấp phép?');
    await sandbox.faults({ rejectHoiDapId: [id] });
    expect((await hub('POST', '/v1/qa/answers', keys.h22, answerOf(id))).status).toBe(202);
    const dead = await eventually(
      async () => {
        const l = await ledger('qa-answer', id);
        return l?.state === 'dead-lettered' ? l : undefined;
      },
      { what: 'refused and dead-lettered' },
    );
    expect(dead).toMatchObject({ attempts: 0, lastErrorCode: 'LT_DVCQG_REJECTED' });
    expect(dead.lastError).toContain('bị từ chối');
    const letter = await eventually(
      async () => (await readTopic(dlqOf(topics.nationalOutbound))).find((x) => x.key === `HOIDAP-${id}`),
      { what: 'the dead letter' },
    );
    expect(letter.headers).toMatchObject({ 'dlq-error-code': 'LT_DVCQG_REJECTED', 'dlq-portal-code': '-1' });
    await sandbox.faults({});

    const replay = (auth: Record<string, string>) =>
      sync.app.inject({
        method: 'POST',
        url: '/v1/admin/outbound/replay',
        headers: auth,
        payload: { kind: 'qa-answer', key: id },
      });
    expect((await replay({ authorization: `Bearer ${testKeys.viewer}` })).statusCode).toBe(403);
    expect((await replay({ authorization: `Bearer ${testKeys.operatorH22}` })).statusCode).toBe(202);
    await eventually(async () => ((await ledger('qa-answer', id))?.state === 'synced' ? true : undefined), { what: 'synced' });
    expect(await answersAtPortal(id)).toHaveLength(1);
    const missing = await sync.app.inject({
      method: 'POST',
      url: '/v1/admin/outbound/replay',
      headers: operatorAuth,
      payload: { kind: 'qa-answer', key: 'HD-NEVER' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('hostile, malformed and oversize answers get a 4xx naming the problem, and nothing is published', async () => {
    const id = await question('000.00.01.H22', 'Một câu hỏi bình thường?');
    const send = (body: string, contentType = 'application/json') =>
      http('POST', `${inboundUrl}/v1/qa/answers`, body, { authorization: `Bearer ${keys.h22}`, 'content-type': contentType });
    const cases: [string, string, number, string, string?][] = [
      [
        'a date that does not exist',
        JSON.stringify(answerOf(id, { NGAYTRALOI: '31/02/2027' })),
        400,
        'LT_INBOUND_INVALID_REPORT',
        '/NGAYTRALOI',
      ],
      [
        'a date in another format',
        JSON.stringify(answerOf(id, { NGAYTRALOI: '2027-01-05' })),
        400,
        'LT_HTTP_BAD_REQUEST',
        '/NGAYTRALOI',
      ],
      [
        'an answer over the standard’s 8,000 characters',
        JSON.stringify(answerOf(id, { NOIDUNGTRALOI: 'x'.repeat(8_001) })),
        400,
        'LT_HTTP_BAD_REQUEST',
        '/NOIDUNGTRALOI',
      ],
      ['a missing answer', JSON.stringify({ ...answerOf(id), NOIDUNGTRALOI: undefined }), 400, 'LT_HTTP_BAD_REQUEST'],
      ['an identifier as a number', JSON.stringify(answerOf(id, { HOIDAPID: 12345 })), 400, 'LT_HTTP_BAD_REQUEST', '/HOIDAPID'],
      [
        'a field the standard does not have (MADONVI is the question’s)',
        JSON.stringify(answerOf(id, { MADONVI: '000.00.01.H56' })),
        400,
        'LT_HTTP_BAD_REQUEST',
      ],
      ['a NUL character', JSON.stringify(answerOf(id, { NOIDUNGTRALOI: 'a\u0000b' })), 400, 'LT_INPUT_HOSTILE', '/NOIDUNGTRALOI'],
      ['a __proto__ key', `{"__proto__":{"polluted":1},${JSON.stringify(answerOf(id)).slice(1)}`, 400, 'LT_INPUT_PROTO_KEY'],
      ['deep nesting', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, 400, 'LT_INPUT_TOO_DEEP'],
      ['not JSON', '{"HOIDAPID":', 400, 'LT_INPUT_BAD_JSON'],
      [
        'a body over 64 KiB',
        JSON.stringify(answerOf(id, { NOIDUNGTRALOI: 'y'.repeat(70 * 1024) })),
        413,
        'LT_HTTP_BODY_TOO_LARGE',
      ],
    ];
    for (const [what, body, status, code, p] of cases) {
      const r = await send(body);
      expect(r.status, what).toBe(status);
      expect(r.body.error, what).toBe(code);
      // The path of the value at fault: `body/X` from the route's schema, `/X` from the standard's checks.
      if (p)
        expect(
          r.body.details.map((d: { path: string }) => d.path.replace(/^body\//, '/')),
          what,
        ).toContain(p);
    }
    expect((await send(JSON.stringify(answerOf(id)), 'text/plain')).status).toBe(415);
    expect(await outboundRecords(`HOIDAP-${id}`)).toHaveLength(0);
    expect((await hub('GET', `/v1/qa/answers/${id}`, keys.h22)).status).toBe(404);
  });

  it('an answer to another agency’s question is 403 and publishes nothing', async () => {
    const id = await question('000.00.01.H56', 'Hỏi về lệ phí trước bạ?');
    const r = await hub('POST', '/v1/qa/answers', keys.h22, answerOf(id));
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: 'LT_AUTH_AGENCY_FORBIDDEN', details: [{ path: '/HOIDAPID' }] });
    expect(await outboundRecords(`HOIDAP-${id}`)).toHaveLength(0);
    expect((await hub('POST', '/v1/qa/answers', keys.h56, answerOf(id))).status).toBe(202);
  });
});

describe('DongBoTrangThaiHoSo: the status of a promotion dossier from the portal goes back to it', () => {
  let km: string;
  const report = (extra: Record<string, unknown> = {}) => ({
    MaHoSo: km,
    MaHoSoDonVi: '000.00.01.H22-270105-0007',
    MaDoiTuong: '',
    NoiDung: 'Đang xử lý thông báo khuyến mại',
    NgayXuLy: '20270105100000',
    TrangThai: '4',
    TaiLieuXuLy: [
      {
        TepDinhKemId: 'xl-1',
        TenTepDinhKem: 'phieu-tiep-nhan.pdf',
        IsDeleted: 'False',
        MaThanhPhanHoSo: '',
        DuongDanTaiTepTin: 'https://dichvucong.example.vn/tep/xl-1.pdf',
      },
    ],
    ...extra,
  });
  const atPortal = async () => {
    const r = await sandboxAdmin('GET', `/promotion/status/${encodeURIComponent(km)}`);
    return r.status === 200
      ? (r.body as { current: Record<string, unknown>; received: { data: any; timesReceived: number }[] })
      : undefined;
  };
  const post = (body: unknown, key = keys.h22) => hub('POST', '/v1/inbound/dossier-status', key, body);

  beforeAll(async () => {
    const { body } = await sandboxAdmin('POST', '/originate', { kind: 'create' });
    km = body.sent[0].maHoSo;
    expect(body.sent[0].answer).toMatchObject({ error_code: 0 });
  });

  it('reaches the portal with TrangThai reduced (4/6/9/10 → 2, 3/7/8 → 5), field for field, its outcome on sync.outcomes', async () => {
    const first = await post(report());
    expect(first).toMatchObject({ status: 202, body: { MaHoSo: km, TrangThai: '2', reportedStatus: '4' } });
    const seen = await eventually(async () => (await atPortal())?.current, { what: 'the status at the portal' });
    expect(seen).toEqual({ ...report(), TrangThai: '2' });

    const stopped = report({ NgayXuLy: '20270106090000', TrangThai: '8', NoiDung: 'Dừng xử lý theo đề nghị của thương nhân' });
    expect(await post(stopped)).toMatchObject({ status: 202, body: { TrangThai: '5' } });
    await eventually(async () => ((await atPortal())?.current.TrangThai === '5' ? true : undefined), { what: 'TrangThai 5' });
    expect((await atPortal())!.current).toEqual({ ...stopped, TrangThai: '5' });

    const outcomes = await eventually(
      async () => {
        const o = (await outcomesOf(km)).filter((e) => e.type === 'vn.lienthong.sync.synced');
        return o.length >= 2 ? o : undefined;
      },
      { what: 'synced outcomes' },
    );
    for (const e of outcomes) expect(validateEventData(e.dataschema, e.data).errors).toEqual([]);
    expect(outcomes[0]!.data).toMatchObject({
      MaHoSo: km,
      MaHoSoDonVi: '000.00.01.H22-270105-0007',
      packet: 'DongBoTrangThaiHoSo',
      agencyCode: '000.00.01.H22',
    });
    // The same report again (the provincial system's retry): answered, nothing published.
    expect(await post(stopped)).toMatchObject({ status: 200, body: { replayed: true } });
    expect(await outboundRecords(km)).toHaveLength(2);
  });

  it('never regresses: an older report sent late, a redelivered record and a replayed dead letter leave the newest at the portal', async () => {
    // The provincial system re-sends a report older (by NgayXuLy) than the newest: accepted, but stale for the ledger.
    expect(await post(report({ NgayXuLy: '20270105110000', TrangThai: '6', NoiDung: 'Báo cũ gửi muộn' }))).toMatchObject({
      status: 202,
    });
    const records = await outboundRecords(km);
    const firstRecord = records[0]!;
    // Kafka redelivering the first record (same value, new offset), then the generic replay of it (its first offset).
    await producer.publishRecords(topics.nationalOutbound, [{ key: km, value: firstRecord.value, headers: firstRecord.headers }]);
    await producer.publishRecords(topics.nationalOutbound, [
      {
        key: km,
        value: firstRecord.value,
        headers: {
          ...firstRecord.headers,
          'lt-replay-group': `${group}-outbound`,
          'lt-replay-original-partition': String(firstRecord.partition),
          'lt-replay-original-offset': firstRecord.offset,
        },
      },
    ]);
    // The replay re-sends the NEWEST status (a repeat at the portal); the late and the redelivered ones never go.
    await eventually(
      async () => {
        const p = await atPortal();
        return p && p.received[p.received.length - 1]!.timesReceived >= 2 ? true : undefined;
      },
      { what: 'the newest status re-sent by the replay' },
    );
    const p = (await atPortal())!;
    expect(p.current.TrangThai).toBe('5');
    expect(p.received.map((r) => [r.data.NgayXuLy, r.data.TrangThai])).toEqual([
      ['20270105100000', '2'],
      ['20270106090000', '5'],
    ]);
    expect(JSON.stringify(p.received)).not.toContain('Báo cũ gửi muộn');
    expect(await ledger('promotion-status', km)).toMatchObject({ state: 'synced', TrangThai: '5', reportedStatus: '8' });

    // A newer one still goes.
    expect(await post(report({ NgayXuLy: '20270107080000', TrangThai: '10', NoiDung: 'Đã trả kết quả' }))).toMatchObject({
      status: 202,
      body: { TrangThai: '2' },
    });
    await eventually(async () => ((await atPortal())?.current.NoiDung === 'Đã trả kết quả' ? true : undefined), {
      what: 'the newest status',
    });
  });

  it('refuses what it cannot send, naming the problem, and publishes nothing', async () => {
    const before = (await outboundRecords(km)).length;
    const cases: [string, unknown, string, number, string, string?][] = [
      ['another agency’s dossier', report({ NgayXuLy: '20270108000000' }), keys.h56, 403, 'LT_AUTH_AGENCY_FORBIDDEN', '/MaHoSo'],
      [
        'a local code of another agency',
        report({ MaHoSoDonVi: '000.00.01.H56-270105-0001' }),
        keys.h22,
        403,
        'LT_AUTH_AGENCY_FORBIDDEN',
        '/MaHoSoDonVi',
      ],
      ['a dossier the portal never sent', report({ MaHoSo: 'KM.UNKNOWN.1' }), keys.h22, 404, 'LT_INBOUND_NOT_FOUND', '/MaHoSo'],
      [
        'a status with no DongBoTrangThaiHoSo value (5, supplement requested)',
        report({ TrangThai: '5' }),
        keys.h22,
        400,
        'LT_INBOUND_INVALID_REPORT',
        '/TrangThai',
      ],
      ['a status outside the table', report({ TrangThai: '11' }), keys.h22, 400, 'LT_HTTP_BAD_REQUEST', '/TrangThai'],
      [
        'NgayXuLy in another format',
        report({ NgayXuLy: '2027-01-05T10:00:00' }),
        keys.h22,
        400,
        'LT_INBOUND_INVALID_REPORT',
        '/NgayXuLy',
      ],
      // (A document without its link, or with a field the standard does not list, is no longer refused: requiredness
      // and field lists are inferred, so they only warn. A flag outside the confirmed "True"/"False" still is.)
      [
        'a document flag outside True/False',
        report({ TaiLieuXuLy: [{ TepDinhKemId: 'x', TenTepDinhKem: 'x.pdf', IsDeleted: 'yes' }] }),
        keys.h22,
        400,
        'LT_INBOUND_INVALID_REPORT',
        '/TaiLieuXuLy/0/IsDeleted',
      ],
      ['data as an array', [report()], keys.h22, 400, 'LT_HTTP_BAD_REQUEST'],
      ['a body over 256 KiB', report({ NoiDung: 'z'.repeat(300 * 1024) }), keys.h22, 413, 'LT_HTTP_BODY_TOO_LARGE'],
    ];
    for (const [what, body, key, status, code, p] of cases) {
      const r = await post(body, key);
      expect(r.status, what).toBe(status);
      expect(r.body.error, what).toBe(code);
      // The path of the value at fault: `body/X` from the route's schema, `/X` from the standard's checks.
      if (p)
        expect(
          r.body.details.map((d: { path: string }) => d.path.replace(/^body\//, '/')),
          what,
        ).toContain(p);
    }
    expect(await outboundRecords(km)).toHaveLength(before);
  });

  it('every record national-sync read conforms to the event schema', async () => {
    for (const r of (await outboundRecords()) as ReadRecord[]) {
      const e = JSON.parse(r.value!) as CloudEvent;
      expect(validatePacket('event-national-outbound', e.data).errors).toEqual([]);
    }
  });
});

describe('inbound’s old answer ledger is carried over: one path', () => {
  it('answers the portal had taken are never sent again; the others are published once for national-sync', async () => {
    const old = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'inbound-mig-'));
    const src = fileURLToPath(new URL('../../services/inbound/migrations/', import.meta.url));
    const p2 = createPool({ connectionString: old.url, applicationName: 'outbound-e2e-migration', max: 2 });
    try {
      for (const f of ['001-inbound.sql', '002-qa.sql']) copyFileSync(path.join(src, f), path.join(dir, f));
      await runMigrations(p2, { service: 'inbound', dir });
      const item = (id: string) => JSON.stringify({ ...answerOf(id), MADONVI: '000.00.01.H22' });
      await p2.query(
        `INSERT INTO qa_answers (hoidap_id, agency, item, state, submitted_by, pushed_at) VALUES
           ('HD-OLD-PUSHED', '000.00.01.H22', $1, 'pushed', 'motcua-h22', now()),
           ('HD-OLD-PENDING', '000.00.01.H22', $2, 'pending', 'motcua-h22', NULL)`,
        [item('HD-OLD-PUSHED'), item('HD-OLD-PENDING')],
      );
      await runMigrations(p2, { service: 'inbound', dir: src });
      await runWebhooksMigrations(p2);
      const rows = await p2.query('SELECT key, published_at IS NOT NULL AS published FROM outbound_reports ORDER BY key');
      expect(rows.rows).toEqual([
        { key: 'HD-OLD-PENDING', published: false },
        { key: 'HD-OLD-PUSHED', published: true },
      ]);
      const oldInbound = await buildInbound({
        logger: quietLogger(),
        metrics: createMetricsRegistry('outbound-e2e-old'),
        clients,
        pool: p2,
        producer,
        topic: topics.nationalInbound,
        outboundTopic: topics.nationalOutbound,
        webhooks: createWebhooks({
          pool: p2,
          logger: quietLogger(),
          clock: systemClock,
          origin: 'inbound',
          secretKey: randomBytes(32).toString('hex'),
          allowHttp: true,
          allowedNetworks: '127.0.0.1/32',
          timeoutMs: 2_000,
        }),
        portal: { token: TOKEN, header: 'authorization', allowedNetworks: [] },
        routing: {},
        maxAttachmentBytes: 1024 * 1024,
        bodyLimitBytes: 2 * 1024 * 1024,
      });
      expect(await oldInbound.publishCarriedOver()).toBe(1);
      expect(await oldInbound.publishCarriedOver()).toBe(0);
      await oldInbound.app.close();
      expect(await outboundRecords('HOIDAP-HD-OLD-PENDING')).toHaveLength(1);
      expect(await outboundRecords('HOIDAP-HD-OLD-PUSHED')).toHaveLength(0);
    } finally {
      await p2.end();
      await old.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
