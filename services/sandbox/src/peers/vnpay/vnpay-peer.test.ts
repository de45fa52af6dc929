import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createVnpaySigner, type VnpaySigner } from '@lienthong/vnpay';
import vnpayPeer, { type VnpayPeerOptions } from './index.js';
import type { NotificationAnswer, OutboundNotification } from '../payment-peer-kit/index.js';
import { createTestApps, until } from '../payment-peer-kit/test-support.js';

const MERCHANT = {
  tmnCode: 'LTHUB001',
  hashSecret: 'SECRETSECRETSECRETSECRETSECRET12',
  ipnUrl: 'http://hub.test/v1/payments/ipn/vnpay?agency=H56',
};
const signer: VnpaySigner = createVnpaySigner({ ...MERCHANT, paymentUrl: 'http://sandbox.test/vnpay/paymentv2/vpcpay.html' });

const apps = createTestApps();
afterEach(apps.closeAll);

/** A fake merchant: records each IPN and answers with `answer` (default: verify and reply as the hub would). */
function fakeMerchant(answer?: (n: OutboundNotification, i: number) => NotificationAnswer | Promise<NotificationAnswer>) {
  const calls: OutboundNotification[] = [];
  const notify = async (n: OutboundNotification) => {
    calls.push(n);
    if (answer) return answer(n, calls.length);
    const ok = signer.verifyCallback(Object.fromEntries(new URL(n.url).searchParams));
    return { status: 200, body: ok.ok ? { RspCode: '00', Message: 'Confirm Success' } : ok.ipnReply };
  };
  return { calls, notify };
}

const build = (opts: Partial<VnpayPeerOptions> = {}): Promise<FastifyInstance> =>
  apps.peer(vnpayPeer, { prefix: '/vnpay', merchants: [MERCHANT], ipnRetryIntervalMs: 20, timeoutHangMs: 50, ...opts });

let seq = 0;
function payUrl(over: Partial<Parameters<VnpaySigner['buildPayUrl']>[0]> = {}) {
  return signer.buildPayUrl({
    amountVnd: 150_000,
    txnRef: `T${Date.now()}-${++seq}`,
    orderInfo: 'Thanh toan le phi ho so',
    ipAddr: '203.0.113.7',
    returnUrl: 'https://hub.test/v1/payments/return/vnpay',
    createdAt: new Date(),
    ...over,
  });
}
const pathOf = (url: string) => url.replace('http://sandbox.test', '');

describe('VNPAY peer — pay page and IPN', () => {
  it('shows the pay page with pay and cancel buttons for a signed URL', async () => {
    const app = await build();
    const res = await app.inject({ method: 'GET', url: pathOf(payUrl().url) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('id="pay"');
    expect(res.body).toContain('id="cancel"');
    expect(res.body).toMatch(/150\.000/);
  });

  it('refuses a tampered URL with 97 and an unknown terminal with 02', async () => {
    const app = await build();
    const tampered = pathOf(payUrl().url).replace('vnp_Amount=15000000', 'vnp_Amount=100000');
    const r1 = await app.inject({ method: 'GET', url: tampered });
    expect(r1.statusCode).toBe(400);
    expect(r1.body).toContain('97');
    const other = createVnpaySigner({
      tmnCode: 'OTHER001',
      hashSecret: MERCHANT.hashSecret,
      paymentUrl: 'http://sandbox.test/vnpay/paymentv2/vpcpay.html',
    });
    const r2 = await app.inject({
      method: 'GET',
      url: pathOf(
        other.buildPayUrl({
          amountVnd: 10_000,
          txnRef: 'X1',
          orderInfo: 'x',
          ipAddr: '10.0.0.1',
          returnUrl: 'https://hub.test/r',
          createdAt: new Date(),
        }).url,
      ),
    });
    expect(r2.body).toContain('02');
  });

  it('pays from the page: 302 to a signed Return URL, then a verifiable IPN to the terminal URL', async () => {
    const m = fakeMerchant();
    const app = await build({ notify: m.notify });
    const page = await app.inject({ method: 'GET', url: pathOf(payUrl().url) });
    const action = /action="([^"]+)"/.exec(page.body)![1]!;
    const res = await app.inject({
      method: 'POST',
      url: action,
      payload: 'action=pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(302);
    const back = new URL(res.headers.location as string);
    expect(back.origin + back.pathname).toBe('https://hub.test/v1/payments/return/vnpay');
    expect(signer.verifyCallback(Object.fromEntries(back.searchParams))).toMatchObject({
      ok: true,
      callback: { paid: true, amountVnd: 150_000 },
    });
    await until(() => m.calls.length === 1);
    const ipn = new URL(m.calls[0]!.url);
    expect(m.calls[0]!.method).toBe('GET');
    expect(ipn.searchParams.get('agency')).toBe('H56'); // the merchant's own parameter survives
    expect(signer.verifyCallback(Object.fromEntries(ipn.searchParams))).toMatchObject({
      ok: true,
      callback: { paid: true, responseCode: '00', transactionStatus: '00' },
    });
    const log = (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json();
    expect(log.notifications).toMatchObject([{ attempt: 1, outcome: 'sent', status: 200, response: { RspCode: '00' } }]);
  });

  it('cancels: ResponseCode 24, TransactionStatus 02, not paid', async () => {
    const m = fakeMerchant();
    const app = await build({ notify: m.notify });
    const res = await app.inject({
      method: 'POST',
      url: '/vnpay/_admin/pay',
      payload: { payUrl: payUrl().url, action: 'cancel' },
    });
    expect(res.json()).toMatchObject({ settled: true, transaction: { status: 'cancelled', responseCode: '24' } });
    await until(() => m.calls.length === 1);
    expect(signer.verifyCallback(Object.fromEntries(new URL(m.calls[0]!.url).searchParams))).toMatchObject({
      ok: true,
      callback: { paid: false, responseCode: '24' },
    });
  });

  it('settles once: paying twice answers 409 and sends no second IPN', async () => {
    const m = fakeMerchant();
    const app = await build({ notify: m.notify });
    const url = payUrl().url;
    expect((await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: url } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: url } })).statusCode).toBe(409);
    await until(() => m.calls.length >= 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(m.calls).toHaveLength(1);
  });

  it('retries on the documented schedule until 00/02, at most ipnMaxAttempts [V1]', async () => {
    const m = fakeMerchant((_n, i) => ({
      status: 200,
      body: i < 3 ? { RspCode: '99', Message: 'Unknown error' } : { RspCode: '02', Message: 'Order already confirmed' },
    }));
    const app = await build({ notify: m.notify, ipnMaxAttempts: 10, ipnRetryIntervalMs: 25 });
    await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: payUrl().url } });
    await until(() => m.calls.length === 3);
    await new Promise((r) => setTimeout(r, 80));
    expect(m.calls).toHaveLength(3);

    const always97 = fakeMerchant(() => ({ status: 200, body: { RspCode: '97', Message: 'Invalid signature' } }));
    const app2 = await build({ notify: always97.notify, ipnMaxAttempts: 4, ipnRetryIntervalMs: 10 });
    await app2.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: payUrl().url } });
    await until(() => always97.calls.length === 4);
    await new Promise((r) => setTimeout(r, 60));
    expect(always97.calls).toHaveLength(4);
  });

  it('retries after a transport failure or a non-200 answer', async () => {
    const m = fakeMerchant((_n, i) => {
      if (i === 1) throw Object.assign(new Error('timeout'), { code: 'LT_HTTP_TIMEOUT' });
      if (i === 2) return { status: 500, body: 'oops' };
      return { status: 200, body: JSON.stringify({ RspCode: '00', Message: 'Confirm Success' }) };
    });
    const app = await build({ notify: m.notify });
    await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: payUrl().url } });
    await until(() => m.calls.length === 3);
    const log = (await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications;
    expect(log.map((n: { outcome: string }) => n.outcome)).toEqual(['failed', 'sent', 'sent']);
  });
});

describe('VNPAY peer — notification faults', () => {
  it('loses notifications', async () => {
    const m = fakeMerchant();
    const app = await build({ notify: m.notify, faults: { lostNotifications: 1 } });
    await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: payUrl().url } });
    await new Promise((r) => setTimeout(r, 60));
    expect(m.calls).toHaveLength(0);
    expect((await app.inject({ method: 'GET', url: '/vnpay/_admin/notifications' })).json().notifications).toMatchObject([
      { outcome: 'lost' },
    ]);
  });

  it('duplicates, delays and tampers, switched at run time', async () => {
    const m = fakeMerchant();
    const app = await build({ notify: m.notify });
    const set = await app.inject({
      method: 'POST',
      url: '/vnpay/_admin/faults',
      payload: { duplicateNotifications: 2, delayMs: 40 },
    });
    expect(set.json()).toMatchObject({ duplicateNotifications: 2, delayMs: 40, tamperNotifications: false });
    const t0 = Date.now();
    await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: payUrl().url } });
    await until(() => m.calls.length === 3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    expect(new Set(m.calls.map((c) => c.url)).size).toBe(1);

    await app.inject({ method: 'PUT', url: '/vnpay/_admin/faults', payload: { tamperNotifications: true } });
    m.calls.length = 0;
    await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: payUrl().url } });
    await until(() => m.calls.length >= 1);
    expect(signer.verifyCallback(Object.fromEntries(new URL(m.calls[0]!.url).searchParams))).toMatchObject({
      ok: false,
      code: 'LT_VNPAY_SIGNATURE_MISMATCH',
    });
  });

  it('validates the fault body', async () => {
    const app = await build();
    for (const payload of [{ lostNotifications: 2 }, { errorRate: -1 }, { nonsense: true }, { duplicateNotifications: 1.5 }]) {
      expect((await app.inject({ method: 'POST', url: '/vnpay/_admin/faults', payload })).statusCode).toBe(400);
    }
  });
});

describe('VNPAY peer — querydr', () => {
  const query = async (app: FastifyInstance, body: unknown) =>
    (await app.inject({ method: 'POST', url: '/vnpay/merchant_webapi/api/transaction', payload: body as object })).json();
  let rid = 0;
  const qd = (txnRef: string, createDate: string) =>
    signer.buildQueryDr({
      requestId: `R${Date.now()}${++rid}`,
      txnRef,
      orderInfo: 'Truy van',
      transactionDate: createDate,
      createdAt: new Date(),
      ipAddr: '10.0.0.5',
    });

  it('answers pending then paid, signed and verifiable', async () => {
    const app = await build({ notify: fakeMerchant().notify });
    const p = payUrl();
    await app.inject({ method: 'GET', url: pathOf(p.url) });
    const ref = p.params.vnp_TxnRef!;
    expect(signer.verifyQueryDrResponse(await query(app, qd(ref, p.createDate)), { txnRef: ref }).kind).toBe('pending');
    await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { tmnCode: MERCHANT.tmnCode, txnRef: ref } });
    expect(signer.verifyQueryDrResponse(await query(app, qd(ref, p.createDate)), { txnRef: ref })).toMatchObject({
      kind: 'paid',
      amountVnd: 150_000,
    });
  });

  it('answers the documented codes on bad input', async () => {
    const app = await build();
    const p = payUrl();
    await app.inject({ method: 'GET', url: pathOf(p.url) });
    const good = qd(p.params.vnp_TxnRef!, p.createDate);
    expect(await query(app, { ...good, vnp_SecureHash: '0'.repeat(128) })).toEqual({
      vnp_ResponseCode: '97',
      vnp_Message: 'Invalid Checksum',
    });
    expect((await query(app, qd('NOPE', p.createDate))).vnp_ResponseCode).toBe('91');
    expect(await query(app, { ...good, vnp_TmnCode: 'OTHER001' })).toMatchObject({ vnp_ResponseCode: '02' });
    const once = qd(p.params.vnp_TxnRef!, p.createDate);
    await query(app, once);
    const again = await query(app, once);
    expect(again.vnp_ResponseCode).toBe('94');
    expect(signer.verifyQueryDrResponse(again)).toMatchObject({ kind: 'no_answer', responseCode: '94' });
    expect((await query(app, { ...good, vnp_Command: 'refund' })).vnp_ResponseCode).toBe('99');
  });

  it('survives hostile bodies', async () => {
    const app = await build();
    for (const body of [
      [1, 2],
      { vnp_TmnCode: ['LTHUB001'] },
      { vnp_TmnCode: MERCHANT.tmnCode, vnp_TxnRef: 'x'.repeat(100_000) },
      { a: { b: { c: 1 } } },
      {},
    ]) {
      const res = await app.inject({ method: 'POST', url: '/vnpay/merchant_webapi/api/transaction', payload: body });
      expect(res.statusCode).toBe(200);
      expect(['02', '03']).toContain(res.json().vnp_ResponseCode);
    }
    const junk = await app.inject({
      method: 'GET',
      url: `/vnpay/paymentv2/vpcpay.html?vnp_TmnCode=LTHUB001&vnp_TmnCode=X&vnp_SecureHash=${'a'.repeat(5000)}`,
    });
    expect(junk.statusCode).toBe(400);
  });

  it('plays provider errors and timeouts', async () => {
    const app = await build({ faults: { errorRate: 1 } });
    expect(await query(app, qd('X', '20250304120607'))).toEqual({ vnp_ResponseCode: '99', vnp_Message: 'Unknown error' });
    await app.inject({ method: 'PUT', url: '/vnpay/_admin/faults', payload: { timeoutRate: 1 } });
    const t0 = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: '/vnpay/merchant_webapi/api/transaction',
      payload: qd('X', '20250304120607'),
    });
    expect(res.statusCode).toBe(504);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    const reqs = (await app.inject({ method: 'GET', url: '/vnpay/_admin/requests' })).json().requests;
    expect(reqs.map((r: { fault?: string }) => r.fault)).toEqual(['error', 'timeout']);
  });
});

describe('VNPAY peer — inspection', () => {
  it('lists what it received and resets', async () => {
    const app = await build({ notify: fakeMerchant().notify });
    await app.inject({ method: 'POST', url: '/vnpay/_admin/pay', payload: { payUrl: payUrl().url } });
    const tx = (await app.inject({ method: 'GET', url: '/vnpay/_admin/transactions' })).json().transactions;
    expect(tx).toHaveLength(1);
    expect(tx[0]).toMatchObject({ tmnCode: MERCHANT.tmnCode, status: 'paid', received: { vnp_Amount: '15000000' } });
    await app.inject({ method: 'POST', url: '/vnpay/_admin/reset' });
    expect((await app.inject({ method: 'GET', url: '/vnpay/_admin/transactions' })).json().transactions).toHaveLength(0);
  });

  it('refuses a bad merchant list at registration', async () => {
    const app = Fastify();
    await expect(
      app.register(vnpayPeer, { prefix: '/vnpay', merchants: [{ tmnCode: 'bad', hashSecret: 'x', ipnUrl: 'nope' }] }).ready(),
    ).rejects.toThrow(/tmnCode/);
    await app.close();
  });

  it('works from the sandbox config alone (defaults)', async () => {
    const app = await apps.peer(vnpayPeer, { prefix: '/vnpay', config: {}, publicUrl: 'http://127.0.0.1:8090' });
    expect((await app.inject({ method: 'GET', url: '/vnpay/_admin/faults' })).json()).toMatchObject({ lostNotifications: 0 });
  });
});
