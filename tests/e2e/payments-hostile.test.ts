/**
 * Hostile input on every payments endpoint, over a real socket (what fastify's inject cannot send:
 * raw bytes, broken encodings, oversized URLs, lying Content-Length). Every answer is a clear 4xx, no
 * state changes, and the service keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../helpers/index.js';
import { createTestPayments, newMaHoSo, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
let port: number;

/** Sends raw bytes and returns the status line's code (0 when the server just closed the connection). */
function raw(request: string | Buffer): Promise<number> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => {
      data += d.toString('latin1');
    });
    s.on('error', () => resolve(0));
    s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    s.setTimeout(5_000, () => s.destroy());
    s.end(request);
  });
}
const count = async () =>
  (await svc.pool.query('SELECT (SELECT count(*) FROM payments)::int AS p, (SELECT count(*) FROM payment_events)::int AS e'))
    .rows[0];
const ok = async () => (await fetch(`${svc.baseUrl}/health/live`)).status === 200;

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  svc = await createTestPayments({ namespace: ns, databaseUrl: db.url });
  await svc.listen();
  port = Number(new URL(svc.baseUrl).port);
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

const key = () => svc.keys['motcua-h22']!;
const post = (path: string, body: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key()}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key()}\r\nConnection: close\r\n\r\n`;

describe('hostile input over a socket', () => {
  const endpoints = ['/v1/payments', '/v1/ipn/momo', '/v1/ipn/paygov', '/v1/admin/reconcile'];
  const bodies: [string, string][] = [
    ['truncated JSON', '{"MaHoSo":"000.00.01.H22-250115-0001","amount":'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('latin1')],
    ['a JSON bomb of nesting', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
    ['a prototype-pollution key', '{"constructor":{"prototype":{"polluted":true}}}'],
    ['a NUL in a key', '{"a\\u0000b":1}'],
    ['a top-level string', '"hello"'],
    ['a huge number', '{"amount":1e400}'],
  ];
  for (const path of endpoints) {
    it.each(bodies)(`POST ${path} with %s → 4xx, nothing recorded`, async (_w, body) => {
      const before = await count();
      const status = await raw(post(path, body));
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(await count()).toEqual(before);
      expect(await ok()).toBe(true);
    });
  }

  it.each([
    ['broken percent-encoding', '/v1/ipn/vnpay?vnp_TmnCode=%E0%A4%A&vnp_SecureHash=%'],
    ['a NUL byte', '/v1/ipn/vnpay?vnp_TmnCode=LTHUB022%00&vnp_SecureHash=aa'],
    ['200 repeated parameters', `/v1/ipn/vnpay?${'vnp_TxnRef=a&'.repeat(200)}vnp_TmnCode=LTHUB022&vnp_SecureHash=aa`],
    ['array syntax', '/v1/ipn/vnpay?vnp_TmnCode[]=LTHUB022&vnp_SecureHash=aa'],
    ['a return page with script', '/v1/return/vnpay?vnp_TmnCode=%3Cscript%3E'],
    ['a payment id with SQL', "/v1/payments/'%3B%20DROP%20TABLE%20payments%3B--"],
    ['a review limit out of range', '/v1/admin/payments/review?limit=999999999999'],
  ])('GET with %s → 4xx', async (_w, path) => {
    const status = await raw(get(path));
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(await ok()).toBe(true);
  });

  it('an oversized URL is cut off by Node (431 or a closed socket), a lying Content-Length → 4xx, an oversized body → 413', async () => {
    expect([0, 414, 431]).toContain(await raw(get(`/v1/ipn/vnpay?vnp_OrderInfo=${'a'.repeat(100_000)}`)));
    const body = JSON.stringify(paymentBody(newMaHoSo()));
    const lying = `POST /v1/payments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key()}\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\nConnection: close\r\n\r\n${body}`;
    const s = await raw(lying);
    expect(s === 0 || (s >= 400 && s < 500)).toBe(true);
    expect(await raw(post('/v1/payments', JSON.stringify({ ...paymentBody(newMaHoSo()), orderInfo: 'x'.repeat(100_000) })))).toBe(
      413,
    );
    expect(await ok()).toBe(true);
  });

  it('wrong methods and content types → 404 (no such route, whatever the prefix), 401 (no key), 415', async () => {
    // Access is decided per matched route (platform auth plugin), never by URL prefix: an unrouted method is a 404.
    expect(await raw(`DELETE /v1/payments HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toBe(404);
    expect(await raw(`POST /v1/payments HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).toBe(401);
    expect(await raw(`PUT /v1/ipn/vnpay HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).toBe(404);
    expect(
      await raw(post('/v1/ipn/momo', 'partnerCode=MOMOLT22', 'X-Ignore: 1\r\n').replace('application/json', 'text/plain')),
    ).toBe(415);
  });
});
