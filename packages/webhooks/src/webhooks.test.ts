import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createApiClientRegistry, createHttpServer, createMetricsRegistry, fixedClock, hashApiKey } from '@lienthong/platform';
import { createWebhooks, runWebhooksMigrations, webhookRoutes, type Webhooks } from './index.js';
import { createTestDatabase, quietLogger } from '../../../tests/helpers/index.js';

/** A receiving provincial system: records every request; `failing` makes it answer 503 (an outage). */
function receiver() {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const state = { failing: false, status: 204, redirectTo: '' };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (state.redirectTo) {
        res.writeHead(302, { location: state.redirectTo }).end();
        return;
      }
      if (state.failing) {
        res.writeHead(503).end('down');
        return;
      }
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(state.status).end();
    });
  });
  return {
    got,
    state,
    listen: () =>
      new Promise<string>((r) =>
        server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)),
      ),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Independent check of the documented scheme (not the package's verifier): HMAC-SHA256(secret, t + '.' + raw body). */
function independentlyVerified(header: string | string[] | undefined, body: string, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const sigs = [...header.matchAll(/(?:^|,)v1=([0-9a-f]{64})/g)].map((m) => Buffer.from(m[1]!, 'hex'));
  if (!t) return false;
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${t}.`).update(body).digest();
  return sigs.some((s) => s.length === mac.length && timingSafeEqual(s, mac));
}

const logger = quietLogger();
let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;
const clock = fixedClock('2026-12-01T02:00:00Z');
let wh: Webhooks;
const rx = receiver();
let url: string;

const event = (id: string, subject: string, type = 'vn.lienthong.sync.synced') => ({
  specversion: '1.0',
  id,
  source: 'urn:lienthong:notifications',
  type,
  subject,
  time: clock.now().toISOString(),
  datacontenttype: 'application/json',
  data: { MaHoSo: subject, note: 'Hồ sơ đã đồng bộ' },
});

async function drain(maxRounds = 200, stepMs = 0) {
  for (let i = 0; i < maxRounds; i++) {
    const n = await wh.dispatcher.tick();
    if (n === 0 && stepMs === 0) return;
    if (stepMs) clock.advance(stepMs);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 5 });
  await runWebhooksMigrations(pool);
  url = await rx.listen();
  wh = createWebhooks({
    pool,
    logger,
    clock,
    origin: 'notifications',
    secretKey: randomBytes(32).toString('hex'),
    allowHttp: true,
    allowedNetworks: '127.0.0.1/32',
    timeoutMs: 2_000,
    random: () => 0,
  });
});
afterAll(async () => {
  await rx.close();
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query('DELETE FROM webhook_subscriptions');
  rx.got.length = 0;
  rx.state.failing = false;
  rx.state.redirectTo = '';
});

describe('webhook deliveries', () => {
  it('POSTs the CloudEvent with a signature an independent implementation verifies; one delivery per event id', async () => {
    const { subscription, secret } = await wh.store.create({
      clientId: 'tinh-a',
      url,
      eventTypes: ['vn.lienthong.sync.*'],
      agencies: ['*.H22'],
    });
    const e = event('ev-1', '000.00.01.H22-251123-0001');
    expect(await wh.enqueue(pool, e, '000.00.01.H22')).toBe(1);
    expect(await wh.enqueue(pool, e, '000.00.01.H22')).toBe(0); // the source event redelivered: queued once
    expect(await wh.enqueue(pool, event('ev-x', '000.00.01.H23-1'), '000.00.01.H23')).toBe(0); // other province
    expect(await wh.enqueue(pool, event('ev-y', '000.00.01.H22-2', 'vn.lienthong.payment.settled'), '000.00.01.H22')).toBe(0);
    await drain();
    expect(rx.got).toHaveLength(1);
    const got = rx.got[0]!;
    expect(JSON.parse(got.body)).toEqual(e);
    expect(got.headers['content-type']).toMatch(/application\/cloudevents\+json/);
    expect(got.headers['webhook-event-id']).toBe('ev-1');
    expect(independentlyVerified(got.headers['lienthong-signature'], got.body, secret)).toBe(true);
    expect(independentlyVerified(got.headers['lienthong-signature'], got.body, 'whsec_wrong')).toBe(false);
    const t = Number(/t=(\d+)/.exec(String(got.headers['lienthong-signature']))![1]);
    expect(t).toBe(Math.floor(clock.now().getTime() / 1000));
    const rows = await pool.query('SELECT status, attempts FROM webhook_deliveries WHERE subscription_id = $1', [
      subscription.id,
    ]);
    expect(rows.rows).toEqual([{ status: 'delivered', attempts: 1 }]);
  });

  it('signs with both secrets during a rotation', async () => {
    const { subscription, secret: oldSecret } = await wh.store.create({
      clientId: 'tinh-a',
      url,
      eventTypes: ['*'],
      agencies: ['*'],
    });
    const rotated = await wh.store.rotateSecret(subscription.id, 3_600_000);
    await wh.enqueue(pool, event('ev-r', 'S-1'), 'X');
    await drain();
    const h = rx.got[0]!.headers['lienthong-signature'];
    expect(independentlyVerified(h, rx.got[0]!.body, rotated!.secret)).toBe(true);
    expect(independentlyVerified(h, rx.got[0]!.body, oldSecret)).toBe(true);
    clock.advance(3_600_001);
    await wh.enqueue(pool, event('ev-r2', 'S-1'), 'X');
    await drain();
    expect(independentlyVerified(rx.got[1]!.headers['lienthong-signature'], rx.got[1]!.body, oldSecret)).toBe(false);
  });

  it('retries across a 30-hour receiver outage (compressed clock), in order per dossier, with every attempt logged', async () => {
    await wh.store.create({ clientId: 'tinh-a', url, eventTypes: ['*'], agencies: ['*'] });
    rx.state.failing = true;
    for (const [id, subj] of [
      ['a1', 'HS-A'],
      ['b1', 'HS-B'],
      ['a2', 'HS-A'],
      ['a3', 'HS-A'],
      ['b2', 'HS-B'],
    ] as const) {
      await wh.enqueue(pool, event(id, subj), 'X');
    }
    const started = clock.now().getTime();
    // 30 hours of outage, the dispatcher polling every simulated 5 minutes.
    while (clock.now().getTime() - started < 30 * 3_600_000) {
      await wh.dispatcher.tick();
      clock.advance(5 * 60_000);
    }
    expect(rx.got).toHaveLength(0);
    // Only the head of each dossier's queue was attempted while the receiver was down.
    const attempted = await pool.query<{ event_id: string; attempts: number; status: string }>(
      'SELECT event_id, attempts, status FROM webhook_deliveries ORDER BY seq',
    );
    const byId = Object.fromEntries(attempted.rows.map((r) => [r.event_id, r]));
    expect(byId.a1!.attempts).toBeGreaterThan(10);
    expect(byId.a1!.status).toBe('pending'); // still retrying after 30 h (retry window 72 h)
    expect(byId.a2!.attempts).toBe(0);
    expect(byId.b2!.attempts).toBe(0);
    const log = await pool.query(
      'SELECT count(*)::int AS n FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1',
      ['a1'],
    );
    expect(log.rows[0].n).toBe(byId.a1!.attempts);
    rx.state.failing = false;
    await drain(50, 60 * 60_000);
    const order = rx.got.map((g) => JSON.parse(g.body) as { id: string; subject: string });
    expect(order.filter((e) => e.subject === 'HS-A').map((e) => e.id)).toEqual(['a1', 'a2', 'a3']);
    expect(order.filter((e) => e.subject === 'HS-B').map((e) => e.id)).toEqual(['b1', 'b2']);
  });

  it('gives up after the retry window, unblocks the next event of the dossier, and redelivers on demand', async () => {
    await wh.store.create({ clientId: 'tinh-a', url, eventTypes: ['*'], agencies: ['*'] });
    rx.state.failing = true;
    await wh.enqueue(pool, event('g1', 'HS-G'), 'X');
    await wh.enqueue(pool, event('g2', 'HS-G'), 'X');
    for (let i = 0; i < 80 * 4; i++) {
      await wh.dispatcher.tick();
      clock.advance(15 * 60_000); // 80 h in quarter hours
      const { rows } = await pool.query(`SELECT status FROM webhook_deliveries WHERE event_id = 'g1'`);
      if (rows[0].status === 'failed') break;
    }
    const g1 = await pool.query(`SELECT id, status FROM webhook_deliveries WHERE event_id = 'g1'`);
    expect(g1.rows[0].status).toBe('failed');
    rx.state.failing = false;
    await drain(5, 60_000);
    expect(rx.got.map((g) => JSON.parse(g.body).id)).toEqual(['g2']);
    await wh.dispatcher.redeliver(g1.rows[0].id);
    await drain();
    expect(rx.got.map((g) => JSON.parse(g.body).id)).toEqual(['g2', 'g1']);
  });

  it('does not follow redirects and does not connect when the target now resolves to a refused address', async () => {
    await wh.store.create({ clientId: 'tinh-a', url, eventTypes: ['*'], agencies: ['*'] });
    rx.state.redirectTo = 'http://169.254.169.254/latest/meta-data';
    await wh.enqueue(pool, event('r1', 'HS-R'), 'X');
    await drain(1);
    const r = await pool.query(`SELECT status, last_status, last_error FROM webhook_deliveries WHERE event_id = 'r1'`);
    expect(r.rows[0]).toMatchObject({ status: 'pending', last_status: 302 });
    // A subscription whose name resolves to loopback, sent by a production-policy dispatcher: refused at connect.
    const prod = createWebhooks({
      pool,
      logger,
      clock,
      origin: 'prod-test',
      secretKey: randomBytes(32).toString('hex'),
      allowHttp: true,
      allowedNetworks: '',
      timeoutMs: 2_000,
    });
    await pool.query('DELETE FROM webhook_subscriptions');
    rx.state.redirectTo = '';
    await prod.store.create({
      clientId: 'tinh-a',
      url: url.replace('127.0.0.1', 'localhost'),
      eventTypes: ['*'],
      agencies: ['*'],
    });
    await prod.enqueue(pool, event('r2', 'HS-R'), 'X');
    await prod.dispatcher.tick();
    const r2 = await pool.query(`SELECT status, last_error FROM webhook_deliveries WHERE event_id = 'r2'`);
    expect(r2.rows[0].last_error).toMatch(/LT_WEBHOOK_TARGET_REFUSED|private, loopback/);
    expect(rx.got).toHaveLength(0);
  });
});

describe('subscription API', () => {
  const keys = {
    a: 'lt_key_province_a_000000000000000000000000',
    b: 'lt_key_province_b_000000000000000000000000',
    op: 'lt_key_operator_0000000000000000000000000',
  };
  let app: Awaited<ReturnType<typeof createHttpServer>>;
  beforeAll(async () => {
    const clients = createApiClientRegistry({
      clients: [
        { id: 'tinh-a', name: 'A', keyHash: hashApiKey(keys.a), agencies: ['*.H22'] },
        { id: 'tinh-b', name: 'B', keyHash: hashApiKey(keys.b), agencies: ['*.H23'] },
        { id: 'ops', name: 'Ops', keyHash: hashApiKey(keys.op), agencies: ['*'], roles: ['operator'] },
      ],
    });
    app = await createHttpServer({
      name: 'webhooks-test',
      logger,
      metrics: createMetricsRegistry('webhooks_test'),
      auth: { clients },
    });
    await app.register(
      webhookRoutes,
      wh.routeOptions(['vn.lienthong.sync.synced', 'vn.lienthong.sync.rejected', 'vn.lienthong.payment.settled']),
    );
    await app.ready();
  });
  afterAll(() => app.close());
  const call = (key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
    app.inject({
      method,
      url: path,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });

  it('a submitter manages its own subscriptions within its agencies; an operator sees all', async () => {
    const created = await call(keys.a, 'POST', '/v1/webhooks/subscriptions', { url, eventTypes: ['vn.lienthong.sync.*'] });
    expect(created.statusCode).toBe(201);
    const sub = created.json();
    expect(sub.secret).toMatch(/^whsec_/);
    expect(sub.agencies).toEqual(['*.H22']);
    expect((await call(keys.a, 'GET', `/v1/webhooks/subscriptions/${sub.id}`)).json()).not.toHaveProperty('secret');
    expect((await call(keys.b, 'GET', `/v1/webhooks/subscriptions/${sub.id}`)).statusCode).toBe(404);
    expect((await call(keys.b, 'GET', '/v1/webhooks/subscriptions')).json().subscriptions).toEqual([]);
    expect(
      (await call(keys.op, 'GET', '/v1/webhooks/subscriptions')).json().subscriptions.map((s: { id: string }) => s.id),
    ).toContain(sub.id);
    const forbidden = await call(keys.a, 'POST', '/v1/webhooks/subscriptions', {
      url,
      eventTypes: ['vn.lienthong.sync.synced'],
      agencies: ['000.00.01.H23'],
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().details[0].path).toBe('/agencies/0');
    const unknownType = await call(keys.a, 'POST', '/v1/webhooks/subscriptions', {
      url,
      eventTypes: ['vn.lienthong.dossier.deleted'],
    });
    expect(unknownType.statusCode).toBe(400);
    expect(unknownType.json().details[0].path).toBe('/eventTypes/0');
    const rotated = await call(keys.a, 'POST', `/v1/webhooks/subscriptions/${sub.id}/rotate-secret`);
    expect(rotated.json().secret).not.toBe(sub.secret);
    expect((await call(keys.a, 'PATCH', `/v1/webhooks/subscriptions/${sub.id}`, { active: false })).json().active).toBe(false);
    expect((await call(keys.b, 'DELETE', `/v1/webhooks/subscriptions/${sub.id}`)).statusCode).toBe(404);
    expect((await call(keys.a, 'DELETE', `/v1/webhooks/subscriptions/${sub.id}`)).statusCode).toBe(204);
  });

  it('refuses SSRF targets and hostile input with the error path', async () => {
    for (const target of [
      'http://169.254.169.254/latest/meta-data',
      'http://10.0.0.5/hook',
      'http://[::1]:8080/x',
      'http://localhost.:22/x',
      'file:///etc/passwd',
      'http://u:p@example.vn/x',
    ]) {
      const r = await call(keys.a, 'POST', '/v1/webhooks/subscriptions', {
        url: target,
        eventTypes: ['vn.lienthong.sync.synced'],
      });
      expect(r.statusCode, target).toBe(400);
      expect(r.json().details[0].path, target).toBe('/url');
    }
    const extra = await call(keys.a, 'POST', '/v1/webhooks/subscriptions', {
      url,
      eventTypes: ['vn.lienthong.sync.synced'],
      secret: 'mine',
    });
    expect(extra.statusCode).toBe(400);
    const proto = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/subscriptions',
      headers: { authorization: `Bearer ${keys.a}`, 'content-type': 'application/json' },
      payload: `{"url":"${url}","eventTypes":["vn.lienthong.sync.synced"],"__proto__":{"active":false}}`,
    });
    expect(proto.statusCode).toBe(400);
    const noAuth = await app.inject({ method: 'GET', url: '/v1/webhooks/subscriptions' });
    expect(noAuth.statusCode).toBe(401);
    expect((await call(keys.a, 'GET', '/v1/webhooks/subscriptions/not-a-uuid')).statusCode).toBe(400);
  });

  it('lists deliveries with their attempts and redelivers on request', async () => {
    const sub = (
      await call(keys.a, 'POST', '/v1/webhooks/subscriptions', { url, eventTypes: ['vn.lienthong.payment.settled'] })
    ).json();
    await wh.enqueue(pool, event('p1', '000.00.01.H22-9', 'vn.lienthong.payment.settled'), '000.00.01.H22');
    await drain();
    const list = (await call(keys.a, 'GET', `/v1/webhooks/subscriptions/${sub.id}/deliveries`)).json().deliveries;
    expect(list).toHaveLength(1);
    const detail = (await call(keys.a, 'GET', `/v1/webhooks/deliveries/${list[0].id}`)).json();
    expect(detail.attemptsLog).toEqual([expect.objectContaining({ attempt: 1, statusCode: 204 })]);
    expect((await call(keys.b, 'POST', `/v1/webhooks/deliveries/${list[0].id}/redeliver`)).statusCode).toBe(404);
    const again = await call(keys.a, 'POST', `/v1/webhooks/deliveries/${list[0].id}/redeliver`);
    expect(again.statusCode).toBe(202);
    await drain();
    expect(rx.got.filter((g) => JSON.parse(g.body).id === 'p1')).toHaveLength(2);
  });
});
