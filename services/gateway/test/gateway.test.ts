import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicNames, decodeEvent } from '@lienthong/events';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  dossierItem,
  progressItem,
  readTopic,
} from '../../../tests/helpers/index.js';
import { createTestGateway, type TestGateway } from '../../../tests/helpers/gateway.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let gw: TestGateway;
let topic: string;
let seq = 100;
const nextN = () => ++seq;

const auth = (id = 'motcua-h22') => ({ authorization: `Bearer ${gw.keys[id]}` });
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  gw.app.inject({
    method: 'POST',
    url,
    headers: { ...auth(), 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function eventsFor(maHoSo: string) {
  return (await readTopic(topic)).filter((r) => r.key === maHoSo);
}

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  topic = topicNames(ns).dossierEvents;
  gw = await createTestGateway({
    namespace: ns,
    databaseUrl: db.url,
    bodyLimit: 256 * 1024,
    clients: [
      { id: 'motcua-h22', agencies: ['*.H22'] },
      { id: 'one-unit', agencies: ['000.00.02.H22'] },
      { id: 'limited', agencies: ['*'], rateLimitPerMinute: 3 },
      { id: 'operator-only', agencies: ['*'], roles: ['operator'] },
    ],
  });
});

afterAll(async () => {
  await gw?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('POST /v1/dossiers', () => {
  it('publishes a valid dossier as exactly one CloudEvent keyed by MaHoSo, then answers 202', async () => {
    const item = dossierItem(nextN());
    const res = await post('/v1/dossiers', item);
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body.accepted).toHaveLength(1);
    expect(body.accepted[0].MaHoSo).toBe(item.MaHoSo);
    const records = await eventsFor(item.MaHoSo as string);
    expect(records).toHaveLength(1);
    const ev = decodeEvent(records[0]!.value);
    expect(ev).toMatchObject({
      specversion: '1.0',
      id: body.accepted[0].eventId,
      source: 'urn:lienthong:gateway',
      type: 'vn.lienthong.dossier.upserted',
      subject: item.MaHoSo,
      datacontenttype: 'application/json',
    });
    expect(ev.dataschema).toMatch(/^https?:\/\//);
    expect(ev.data).toEqual(expect.objectContaining({ MaHoSo: item.MaHoSo, MaTTHC: item.MaTTHC, NgayHenTra: item.NgayHenTra }));
    expect(records[0]!.headers['ce-type']).toBe('vn.lienthong.dossier.upserted');
  });

  it('publishes an array of dossiers in one request, each once', async () => {
    const items = [nextN(), nextN(), nextN()].map((n) => dossierItem(n));
    const res = await post('/v1/dossiers', items);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().accepted.map((a: { MaHoSo: string }) => a.MaHoSo)).toEqual(items.map((i) => i.MaHoSo));
    const all = await readTopic(topic);
    for (const i of items) expect(all.filter((r) => r.key === i.MaHoSo)).toHaveLength(1);
  });

  it('refuses a request with one invalid item: 400 listing every error with its path, nothing published', async () => {
    const good = dossierItem(nextN());
    // LoaiDoiTuong 9 is not a code [code T2]; a missing MaTTHC would only warn now (inferred requiredness, issue 17).
    const bad = dossierItem(nextN(), { NgayHenTra: '20250230120000', TrangThaiHoSo: 42, LoaiDoiTuong: '9' });
    const res = await post('/v1/dossiers', [good, bad]);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('LT_GATEWAY_INVALID_PACKET');
    expect(body.message).toBeTruthy();
    expect(body.message_en).toMatch(/nothing was published/);
    const paths = body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/1/NgayHenTra']));
    expect(paths.some((p: string) => p.startsWith('/1/') && /TrangThaiHoSo/.test(p))).toBe(true);
    expect(paths).toContain('/1/LoaiDoiTuong');
    for (const d of body.details)
      expect(d).toEqual(
        expect.objectContaining({
          code: expect.stringMatching(/^LT_/),
          message: expect.any(String),
          message_en: expect.any(String),
        }),
      );
    expect(await eventsFor(good.MaHoSo as string)).toHaveLength(0);
    expect(await eventsFor(bad.MaHoSo as string)).toHaveLength(0);
  });

  it('answers a retried request with the same Idempotency-Key from the store and publishes once', async () => {
    const item = dossierItem(nextN());
    const first = await post('/v1/dossiers', item, { 'idempotency-key': `retry-${item.MaHoSo}` });
    const second = await post('/v1/dossiers', item, { 'idempotency-key': `retry-${item.MaHoSo}` });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await eventsFor(item.MaHoSo as string)).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key with another body (409), publishing nothing more', async () => {
    const item = dossierItem(nextN());
    const key = `k-${item.MaHoSo}`;
    expect((await post('/v1/dossiers', item, { 'idempotency-key': key })).statusCode).toBe(202);
    const res = await post('/v1/dossiers', { ...item, TrangThaiHoSo: '4' }, { 'idempotency-key': key });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('LT_GATEWAY_IDEMPOTENCY_MISMATCH');
    expect(await eventsFor(item.MaHoSo as string)).toHaveLength(1);
  });

  it('publishes the same content only once when no key is given', async () => {
    const item = dossierItem(nextN());
    const [a, b] = await Promise.all([post('/v1/dossiers', item), post('/v1/dossiers', item)]);
    const codes = [a.statusCode, b.statusCode].sort();
    // Concurrent twins: one publishes, the other is either replayed (202) or told to retry (409 in progress).
    expect(codes[0]).toBe(202);
    expect([202, 409]).toContain(codes[1]);
    const c = await post('/v1/dossiers', item);
    expect(c.statusCode).toBe(202);
    expect(await eventsFor(item.MaHoSo as string)).toHaveLength(1);
  });

  it('answers 401 without or with a wrong key, before reading the body', async () => {
    const item = dossierItem(nextN());
    const none = await gw.app.inject({
      method: 'POST',
      url: '/v1/dossiers',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(item),
    });
    expect(none.statusCode).toBe(401);
    expect(none.json().error).toBe('LT_AUTH_UNAUTHORIZED');
    const wrong = await post('/v1/dossiers', item, { authorization: `Bearer ${gw.keys['motcua-h22']}x` });
    expect(wrong.statusCode).toBe(401);
    const malformed = await post('/v1/dossiers', '{not json', { authorization: 'Bearer' });
    expect(malformed.statusCode).toBe(401);
  });

  it('needs a key on encoded paths too (the route the router matched decides, not the URL prefix)', async () => {
    const item = dossierItem(nextN());
    const anonymous = (url: string) =>
      gw.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(item) });
    for (const url of [
      '/%761/validate',
      '/%761/dossiers',
      '/%761/dossiers/progress',
      '/v1/%64ossiers',
      '/v1/dossiers/',
      '/v1/dossiers?x=1',
    ]) {
      const r = await anonymous(url);
      expect(r.statusCode, `${url}: ${r.body}`).toBe(401);
      expect(r.json().error).toBe('LT_AUTH_UNAUTHORIZED');
    }
    // With a key, the encoded path is the same route.
    expect((await post('/%761/validate', item)).json()).toMatchObject({ valid: true });
    expect(await eventsFor(item.MaHoSo as string)).toHaveLength(0);
  });

  it('serves only submitters: an operator-only key gets 403', async () => {
    const res = await post('/v1/dossiers', dossierItem(nextN()), auth('operator-only'));
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('LT_AUTH_ROLE_REQUIRED');
    expect((await post('/v1/validate', dossierItem(1), auth('operator-only'))).statusCode).toBe(403);
  });

  it('dedupes by content only within the window: A → B → A later reaches Kafka three times', async () => {
    const n = nextN();
    const a = dossierItem(n, { TrangThaiHoSo: '2' });
    const b = dossierItem(n, { TrangThaiHoSo: '4' });
    expect((await post('/v1/dossiers', a)).statusCode).toBe(202);
    // A client's immediate retry of A is still answered from the store, not published again.
    const retry = await post('/v1/dossiers', a);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await post('/v1/dossiers', b)).statusCode).toBe(202);
    // Six minutes later (the window is 5 by default) the province sends A again, on purpose.
    await gw.pool.query(
      `UPDATE gateway_idempotency SET created_at = created_at - interval '6 minutes' WHERE key LIKE 'content:%'`,
    );
    const again = await post('/v1/dossiers', a);
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    const published = (await eventsFor(a.MaHoSo as string)).map(
      (r) => (decodeEvent(r.value).data as { TrangThaiHoSo: string }).TrangThaiHoSo,
    );
    expect(published).toEqual(['2', '4', '2']);
  });

  it('keeps an explicit Idempotency-Key for the whole TTL, past the content window', async () => {
    const item = dossierItem(nextN());
    const key = `day-${item.MaHoSo}`;
    expect((await post('/v1/dossiers', item, { 'idempotency-key': key })).statusCode).toBe(202);
    await gw.pool.query(`UPDATE gateway_idempotency SET created_at = created_at - interval '6 hours' WHERE key = $1`, [key]);
    const later = await post('/v1/dossiers', item, { 'idempotency-key': key });
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(await eventsFor(item.MaHoSo as string)).toHaveLength(1);
  });

  it('answers 403 when a dossier belongs to an agency outside the client scope, publishing none', async () => {
    const mine = dossierItem(nextN(), { agency: '000.00.02.H22' });
    const other = dossierItem(nextN(), { agency: '000.00.03.H22' });
    const res = await post('/v1/dossiers', [mine, other], auth('one-unit'));
    expect(res.statusCode).toBe(403);
    expect(res.json().details).toEqual([expect.objectContaining({ path: '/1/MaHoSo', code: 'LT_GATEWAY_AGENCY_FORBIDDEN' })]);
    expect(await eventsFor(mine.MaHoSo as string)).toHaveLength(0);
    const h56 = await post('/v1/dossiers', dossierItem(nextN(), { agency: '000.00.01.H56' }));
    expect(h56.statusCode).toBe(403);
  });

  it('answers 413 over the body limit and 415 for non-JSON', async () => {
    const huge = [dossierItem(nextN(), { GhiChu: 'x'.repeat(300 * 1024) })];
    const big = await post('/v1/dossiers', huge);
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('LT_HTTP_BODY_TOO_LARGE');
    const text = await post('/v1/dossiers', 'MaHoSo=1', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toBe('LT_HTTP_UNSUPPORTED_MEDIA_TYPE');
    const form = await post('/v1/dossiers', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode).toBe(415);
  });

  it('answers 429 past the client rate limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await post('/v1/validate', dossierItem(1), auth('limited'))).statusCode);
    expect(codes.slice(0, 3)).toEqual([200, 200, 200]);
    expect(codes[3]).toBe(429);
    const res = await post('/v1/validate', dossierItem(1), auth('limited'));
    expect(res.json().error).toBe('LT_GATEWAY_RATE_LIMITED');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('refuses more items than the batch limit', async () => {
    const items = Array.from({ length: 501 }, (_, i) => dossierItem(10_000 + i));
    const res = await post('/v1/dossiers', items, {});
    expect([400, 413]).toContain(res.statusCode);
  });
});

describe('hostile input gets a clear 4xx and the gateway keeps running', () => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['deep nesting', '['.repeat(100_000) + ']'.repeat(100_000), 400, /LT_INPUT_TOO_DEEP/],
    ['__proto__ key', '{"MaHoSo":"000.00.01.H22-251120-0001","__proto__":{"admin":true}}', 400, /LT_INPUT_PROTO_KEY/],
    ['constructor.prototype', '{"constructor":{"prototype":{"x":1}}}', 400, /LT_INPUT_PROTO_KEY/],
    ['NUL in a value', JSON.stringify(dossierItem(1, { ChuHoSo: 'A\u0000B' })), 400, /LT_INPUT_HOSTILE/],
    ['NUL in a key', '{"Ma\\u0000HoSo":"x"}', 400, /LT_INPUT_HOSTILE/],
    ['truncated JSON', '{"MaHoSo": "000', 400, /LT_INPUT_BAD_JSON/],
    ['empty body', '', 400, /LT_/],
    ['a number', '42', 400, /LT_GATEWAY_INVALID_PACKET/],
    ['null', 'null', 400, /LT_GATEWAY_INVALID_PACKET/],
    ['empty array', '[]', 400, /LT_GATEWAY_INVALID_PACKET/],
    [
      'wrong types everywhere',
      JSON.stringify({ MaHoSo: 12, NgayTiepNhan: true, TaiLieuNop: 'x', TrangThaiHoSo: [] }),
      400,
      /LT_GATEWAY_INVALID_PACKET/,
    ],
    // A long summary only warns (its cap is inferred, issue 17); a huge malformed identifier is refused.
    ['huge string', JSON.stringify(dossierItem(1, { MaHoSo: 'Đ'.repeat(100_000) })), 400, /LT_GATEWAY_INVALID_PACKET/],
    ['array of nulls', '[null,null]', 400, /LT_GATEWAY_INVALID_PACKET/],
  ];
  it.each(cases)('%s', async (_name, payload, status, code) => {
    const res = await post('/v1/dossiers', payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.body).toMatch(code);
    const body = res.json();
    expect(body.message).toBeTruthy();
    expect(body.message_en).toBeTruthy();
    expect(Object.prototype).not.toHaveProperty('admin');
  });

  it('still serves after all of the above', async () => {
    expect((await gw.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await post('/v1/dossiers', dossierItem(nextN()))).statusCode).toBe(202);
  });

  it('refuses a malformed Idempotency-Key header', async () => {
    const res = await post('/v1/dossiers', dossierItem(nextN()), { 'idempotency-key': 'a b' });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('header:idempotency-key');
  });
});

describe('POST /v1/dossiers/progress', () => {
  it('publishes progress steps as vn.lienthong.dossier.progressed events', async () => {
    const n = nextN();
    const steps = [progressItem(n, 1), progressItem(n, 2, { TrangThai: '9' })];
    const res = await post('/v1/dossiers/progress', steps);
    expect(res.statusCode, res.body).toBe(202);
    const records = await eventsFor(steps[0]!.MaHoSo as string);
    expect(records).toHaveLength(2);
    expect(records.map((r) => decodeEvent(r.value).type)).toEqual([
      'vn.lienthong.dossier.progressed',
      'vn.lienthong.dossier.progressed',
    ]);
    expect(records.map((r) => (decodeEvent(r.value).data as { NoiDungXuLy: string }).NoiDungXuLy)).toEqual(
      steps.map((s) => s.NoiDungXuLy),
    );
  });

  it('refuses an invalid step with its path', async () => {
    const res = await post('/v1/dossiers/progress', [progressItem(nextN(), 1, { ThoiDiemXuLy: '20251321000000' })]);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain('/0/ThoiDiemXuLy');
  });
});

describe('POST /v1/validate', () => {
  it('reports the same errors as ingest and publishes nothing', async () => {
    const bad = dossierItem(nextN(), { NgayHenTra: '20250230120000' });
    const v = await post('/v1/validate', [bad]);
    expect(v.statusCode).toBe(200);
    expect(v.json().valid).toBe(false);
    const ingest = await post('/v1/dossiers', [bad]);
    expect(v.json().errors).toEqual(ingest.json().details);
    expect(await eventsFor(bad.MaHoSo as string)).toHaveLength(0);
    const ok = await post('/v1/validate', dossierItem(nextN()));
    expect(ok.json()).toMatchObject({ valid: true, errors: [] });
  });

  it('refuses a hostile kind query', async () => {
    const res = await post('/v1/validate?kind=%00%27;drop', dossierItem(1));
    expect(res.statusCode).toBe(400);
  });
});

describe('operations endpoints', () => {
  it('serves OpenAPI, health and metrics', async () => {
    const docs = await gw.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json().paths)).toEqual(
      expect.arrayContaining(['/v1/dossiers', '/v1/dossiers/progress', '/v1/validate']),
    );
    // The auth plugin documents what it enforces: every keyed route says bearer.
    for (const p of ['/v1/dossiers', '/v1/dossiers/progress', '/v1/validate'])
      expect(docs.json().paths[p].post.security, p).toEqual([{ bearer: [] }]);
    expect((await gw.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await gw.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ kafka: 'ok', postgres: 'ok' });
    const metrics = await gw.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/gateway_items_accepted_total\{kind="dossier"/);
    expect(metrics.body).toMatch(/http_request_duration_seconds_bucket/);
  });

  it('answers unknown routes in the error format', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/v1/nope', headers: auth() });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('LT_HTTP_NOT_FOUND');
  });
});
