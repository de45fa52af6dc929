/**
 * Hostile input on every payments endpoint, over a real socket (what fastify's inject cannot send:
 * raw bytes, broken encodings, oversized URLs and headers, lying Content-Length) — the create, the provider
 * notifications (VNPAY, MoMo, PayGov, VNPT Pay in both transports, payOS and SePay webhooks), the operator
 * routes (reconcile, transfer review, refunds and their resolution). Every answer is a clear 4xx, no state
 * changes (payments, history, refunds, transfers, reviews), and the service keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../helpers/index.js';
import {
  createTestPayments,
  H22_MERCHANT,
  newMaHoSo,
  paymentBody,
  type TestPayments,
} from '../../services/payments/test/harness.js';

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
  (
    await svc.pool.query(
      `SELECT (SELECT count(*) FROM payments)::int AS p, (SELECT count(*) FROM payment_events)::int AS e,
              (SELECT count(*) FROM payment_refunds)::int AS r, (SELECT count(*) FROM bank_transfers)::int AS t,
              (SELECT count(*) FROM bank_transfers WHERE reviewed_at IS NOT NULL)::int AS tr,
              (SELECT coalesce(sum(refunded_amount), 0)::int FROM payments) AS ra`,
    )
  ).rows[0];
const ok = async () => (await fetch(`${svc.baseUrl}/health/live`)).status === 200;

/** A paid VNPAY payment with one refund pending at the provider, and a bank transfer on the review list. */
let paidId: string;
let refundId: string;
let transferId: string;

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  // VNPAY's transaction API on a port nobody listens on: a refund's call fails, so it stays pending.
  svc = await createTestPayments({
    namespace: ns,
    databaseUrl: db.url,
    env: { VNPAY_API_URL: 'http://127.0.0.1:9/merchant_webapi/api/transaction' },
  });
  await svc.listen();
  port = Number(new URL(svc.baseUrl).port);
  const created = await fetch(`${svc.baseUrl}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key()}`, 'content-type': 'application/json' },
    body: JSON.stringify(paymentBody(newMaHoSo(), 'vnpay', 40_000)),
  });
  paidId = ((await created.json()) as { paymentId: string }).paymentId;
  await svc.core.settlement.apply(
    { paymentId: paidId },
    { kind: 'paid', amount: 40_000, providerTxnId: '14000001', providerCode: '00' },
    'operator',
  );
  const refunded = await fetch(`${svc.baseUrl}/v1/payments/${paidId}/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.keys.operator}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 10_000, reason: 'Thu thừa lệ phí' }),
  });
  const refund = (await refunded.json()) as { refundId: string; state: string };
  expect(refund.state).toBe('pending');
  refundId = refund.refundId;
  const webhook = await fetch(`${svc.baseUrl}/v1/ipn/sepay`, {
    method: 'POST',
    headers: { authorization: `Apikey ${H22_MERCHANT.vietqr.sepay.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 1,
      accountNumber: H22_MERCHANT.vietqr.accountNumber,
      transferType: 'in',
      transferAmount: 1_000,
      content: 'no code',
    }),
  });
  expect(((await webhook.json()) as { outcome: string }).outcome).toBe('unmatched');
  transferId = String((await svc.pool.query('SELECT transfer_id FROM bank_transfers LIMIT 1')).rows[0].transfer_id);
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

const key = (who = 'motcua-h22') => svc.keys[who]!;
const post = (path: string, body: string, extra = '', auth = `Bearer ${key()}`, type = 'application/json') =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\nConnection: close\r\n${extra}\r\n${body}`;
const get = (path: string, who = 'motcua-h22') =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key(who)}\r\nConnection: close\r\n\r\n`;

describe('hostile input over a socket', () => {
  /** Each endpoint with the credential it takes: an API client's key, or the provider's own (SePay's Apikey). */
  const endpoints: [string, () => string][] = [
    ['/v1/payments', () => `Bearer ${key()}`],
    ['/v1/ipn/momo', () => `Bearer ${key()}`],
    ['/v1/ipn/paygov', () => `Bearer ${key()}`],
    ['/v1/admin/reconcile', () => `Bearer ${key('operator')}`],
    ['/v1/ipn/vnptpay', () => ''],
    ['/v1/ipn/payos', () => ''],
    ['/v1/ipn/sepay', () => `Apikey ${H22_MERCHANT.vietqr.sepay.apiKey}`],
    ['/v1/admin/transfers/{transfer}/resolve', () => `Bearer ${key('operator')}`],
    ['/v1/payments/{paid}/refunds', () => `Bearer ${key('operator')}`],
    ['/v1/payments/{paid}/refunds/{refund}/resolve', () => `Bearer ${key('operator')}`],
  ];
  const at = (path: string) => path.replace('{paid}', paidId).replace('{refund}', refundId).replace('{transfer}', transferId);
  const bodies: [string, string][] = [
    ['truncated JSON', '{"MaHoSo":"000.00.01.H22-250115-0001","amount":'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('latin1')],
    ['a JSON bomb of nesting', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`],
    ['a prototype-pollution key', '{"constructor":{"prototype":{"polluted":true}}}'],
    ['a NUL in a key', '{"a\\u0000b":1}'],
    ['a top-level string', '"hello"'],
    ['a huge number', '{"amount":1e400}'],
  ];
  for (const [path, auth] of endpoints) {
    it.each(bodies)(`POST ${path} with %s → 4xx, nothing recorded`, async (_w, body) => {
      const before = await count();
      const status = await raw(post(at(path), body, '', auth()));
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
    ['a VNPT Pay return with script', '/v1/return/vnptpay?MERCHANT_ORDER_ID=%3Cscript%3E'],
    ['a VNPT Pay return with a NUL', '/v1/return/vnptpay?MERCHANT_ORDER_ID=a%00b'],
    ['a VNPT Pay return with the reference twice', '/v1/return/vnptpay?MERCHANT_ORDER_ID=a&MERCHANT_ORDER_ID=b'],
    ['a VNPT Pay return with broken percent-encoding', '/v1/return/vnptpay?MERCHANT_ORDER_ID=%E0%A4%A'],
    ['refunds of a payment id with SQL', "/v1/payments/'%3B--/refunds"],
    ['a transfer review limit out of range', '/v1/admin/transfers/review?limit=-1'],
  ])('GET with %s → 4xx', async (_w, path) => {
    const status = await raw(get(path, path.includes('/admin/') || path.includes('/refunds') ? 'operator' : 'motcua-h22'));
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

  it('the newer endpoints: oversized bodies → 413, lying Content-Length → 4xx, other media types → 415, nothing recorded', async () => {
    const before = await count();
    const big = JSON.stringify({ note: 'x'.repeat(70 * 1024), reason: 'x', data: 'x' });
    for (const [path, auth] of endpoints.slice(4)) {
      expect(await raw(post(at(path), big, '', auth())), path).toBe(413);
      const body = '{"note":"Đã hoàn tiền tại ngân hàng"}';
      const lying = post(at(path), body, '', auth()).replace(
        `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
        `Content-Length: ${body.length + 40}`,
      );
      const s = await raw(lying);
      expect(s === 0 || (s >= 400 && s < 500), `${path} lying length → ${s}`).toBe(true);
      if (!path.endsWith('/ipn/vnptpay')) expect(await raw(post(at(path), 'a=1', '', auth(), 'text/plain')), path).toBe(415);
    }
    expect(await count()).toEqual(before);
    expect(await ok()).toBe(true);
  });

  it("VNPT Pay's form transport: broken encodings, repeated and oversize fields → 4xx, nothing recorded", async () => {
    const before = await count();
    const form = (body: string) => raw(post('/v1/ipn/vnptpay', body, '', '', 'application/x-www-form-urlencoded'));
    for (const body of [
      'data=%7B%22a%22%3A',
      'data=%E0%A4%A',
      `data=${Buffer.from([0xc3, 0x28]).toString('latin1')}`,
      'data=1&data=2',
      'data=a%00b',
      `${Array.from({ length: 60 }, (_, i) => `f${i}=1`).join('&')}`,
      `data=${'%5B'.repeat(8_000)}`,
      `data=${'x'.repeat(40_000)}`,
      '__proto__=x&data=%7B%7D',
    ]) {
      const status = await form(body);
      expect(status, body.slice(0, 30)).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    expect(await count()).toEqual(before);
    expect(await ok()).toBe(true);
  });

  it("SePay's Authorization header: oversize (431), non-ASCII bytes, a bare CR, repeated (the first counts), another aggregator's key → 4xx", async () => {
    const before = await count();
    const body = JSON.stringify({
      id: 99,
      accountNumber: H22_MERCHANT.vietqr.accountNumber,
      transferType: 'in',
      transferAmount: 1,
      content: 'x',
    });
    expect([0, 431]).toContain(await raw(post('/v1/ipn/sepay', body, '', `Apikey ${'k'.repeat(20_000)}`)));
    for (const auth of [
      `Apikey ${Buffer.from('khóa-é', 'latin1').toString('latin1')}`,
      `Apikey ${H22_MERCHANT.vietqr.payos.checksumKey}`,
      // a bare CR inside the value (an attempt to smuggle a header): the HTTP parser refuses the request
      `Apikey ${H22_MERCHANT.vietqr.sepay.apiKey}\rX-Injected: 1`,
    ]) {
      const status = await raw(post('/v1/ipn/sepay', body, '', auth));
      expect(status, auth.slice(0, 30)).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    const twice = post('/v1/ipn/sepay', body, `Authorization: Apikey ${H22_MERCHANT.vietqr.sepay.apiKey}\r\n`, 'Apikey wrong');
    const s = await raw(twice);
    expect(s >= 400 && s < 500, `two Authorization headers → ${s}`).toBe(true);
    expect(await count()).toEqual(before);
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
