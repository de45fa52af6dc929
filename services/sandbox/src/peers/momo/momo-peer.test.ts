import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MOMO_IPN_ACK_STATUS, createMomoSigner } from '@lienthong/momo';
import momoPeer, { type MomoPeerOptions } from './index.js';
import type { NotificationAnswer, OutboundNotification } from '../payment-peer-kit/index.js';
import { createTestApps, until } from '../payment-peer-kit/test-support.js';

const PARTNER = { partnerCode: 'MOMOLT2025', accessKey: 'F8BBA842ECF85', secretKey: 'K951B6PE1waDMi640xX08PD3vg6EkVlz' };
const signer = createMomoSigner(PARTNER);

const apps = createTestApps();
afterEach(apps.closeAll);

function fakeHub(answer?: (n: OutboundNotification) => NotificationAnswer) {
  const calls: OutboundNotification[] = [];
  return {
    calls,
    notify: async (n: OutboundNotification) => {
      calls.push(n);
      return answer ? answer(n) : { status: signer.verifyIpn(n.body).ok ? MOMO_IPN_ACK_STATUS : 400, body: '' };
    },
  };
}

const build = (opts: Partial<MomoPeerOptions> = {}) =>
  apps.peer(momoPeer, { prefix: '/momo', merchants: [PARTNER], publicUrl: 'http://sandbox.test', timeoutHangMs: 50, ...opts });

let seq = 0;
const createBody = (over: Record<string, unknown> = {}) =>
  signer.buildCreate({
    orderId: `LT-${Date.now()}-${++seq}`,
    requestId: `req-${Date.now()}-${seq}`,
    amountVnd: 50_000,
    orderInfo: 'Lệ phí hồ sơ',
    redirectUrl: 'https://hub.test/v1/payments/return/momo',
    ipnUrl: 'https://hub.test/v1/payments/ipn/momo',
    ...over,
  });
const create = async (app: FastifyInstance, body: unknown) =>
  (await app.inject({ method: 'POST', url: '/momo/v2/gateway/api/create', payload: body as object })).json();

describe('MoMo peer — create', () => {
  it('answers a signed payUrl that the hub can verify', async () => {
    const app = await build();
    const body = createBody();
    const answer = await create(app, body);
    expect(answer.resultCode).toBe(0);
    expect(answer.payUrl).toMatch(/^http:\/\/sandbox\.test\/momo\/pay\/[0-9a-f-]{36}$/);
    expect(
      signer.verifyCreateResponse(answer, { orderId: body.orderId, requestId: body.requestId, amountVnd: 50_000 }),
    ).toMatchObject({ ok: true });
  });

  it('answers resultCode 20 on a bad signature, quoting the expected raw string [M5 #39]', async () => {
    const app = await build();
    const answer = await create(app, { ...createBody(), amount: 60_000 });
    expect(answer.resultCode).toBe(20);
    expect(answer.subErrors[0].message).toContain('accessKey=F8BBA842ECF85&amount=60000');
  });

  it('answers 13 for an unknown partner and 20 for a missing field', async () => {
    const app = await build();
    const b = createBody();
    expect((await create(app, { ...b, partnerCode: 'NOPE' })).resultCode).toBe(13);
    expect((await create(app, { ...b, ipnUrl: undefined })).resultCode).toBe(20);
  });

  it('checks amount range, orderId, duplicates (signed by hand to pass the builder)', async () => {
    const app = await build();
    const base = createBody();
    const resign = (over: Record<string, string | number>) => {
      const v = { ...base, ...over };
      // autoCapture is sent but not signed [M1]; the signer takes only signable values.
      const { autoCapture: _unsigned, ...signable } = v;
      return { ...v, signature: signer.sign('create', signable) };
    };
    expect((await create(app, resign({ amount: 999 }))).resultCode).toBe(22);
    expect((await create(app, resign({ amount: 1000.5 }))).resultCode).toBe(21);
    expect((await create(app, resign({ orderId: '-bad-' }))).resultCode).toBe(42);
    expect((await create(app, base)).resultCode).toBe(0);
    expect((await create(app, base)).resultCode).toBe(40);
    expect((await create(app, resign({ requestId: 'another-request' }))).resultCode).toBe(41);
  });

  it('survives hostile bodies', async () => {
    const app = await build();
    for (const body of [
      [1],
      { partnerCode: ['MOMOLT2025'] },
      { ...createBody(), amount: '50000' },
      { ...createBody(), orderInfo: 'x'.repeat(100_000) },
      { ...createBody(), signature: { a: 1 } },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/momo/v2/gateway/api/create', payload: body });
      expect(res.statusCode).toBe(200);
      expect([13, 20]).toContain(res.json().resultCode);
    }
  });
});

describe('MoMo peer — pay, IPN, query', () => {
  it('pays from the page: one IPN the hub verifies, then a redirect with the signed result', async () => {
    const hub = fakeHub();
    const app = await build({ notify: hub.notify });
    const body = createBody();
    const { payUrl } = await create(app, body);
    const path = payUrl.replace('http://sandbox.test', '');
    const page = await app.inject({ method: 'GET', url: path });
    expect(page.body).toContain('id="pay"');
    expect(page.body).toContain('id="cancel"');
    const res = await app.inject({
      method: 'POST',
      url: path,
      payload: 'action=pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(302);
    const redirect = new URL(res.headers.location as string);
    expect(redirect.origin + redirect.pathname).toBe('https://hub.test/v1/payments/return/momo');
    const redirectFields = Object.fromEntries(redirect.searchParams);
    expect(signer.verify('ipn', redirectFields, redirectFields.signature)).toBe(true);
    await until(() => hub.calls.length === 1);
    expect(hub.calls[0]).toMatchObject({ method: 'POST', url: 'https://hub.test/v1/payments/ipn/momo' });
    expect(signer.verifyIpn(hub.calls[0]!.body)).toMatchObject({
      ok: true,
      ipn: { paid: true, amountVnd: 50_000, orderId: body.orderId },
    });
    const log = (await app.inject({ method: 'GET', url: '/momo/_admin/notifications' })).json().notifications;
    expect(log).toMatchObject([{ outcome: 'sent', status: 204 }]);
  });

  it('sends exactly one IPN even when the hub fails (no documented retry [M5 #30])', async () => {
    const hub = fakeHub(() => ({ status: 500, body: 'down' }));
    const app = await build({ notify: hub.notify });
    const { payUrl } = await create(app, createBody());
    await app.inject({ method: 'POST', url: '/momo/_admin/pay', payload: { payUrl } });
    await until(() => hub.calls.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(hub.calls).toHaveLength(1);
  });

  it('query follows the order: 1000 pending, 0 paid; 1006 on cancel', async () => {
    const app = await build({ notify: fakeHub().notify });
    const body = createBody();
    await create(app, body);
    const q = (requestId: string) =>
      app
        .inject({
          method: 'POST',
          url: '/momo/v2/gateway/api/query',
          payload: signer.buildQuery({ orderId: body.orderId, requestId }),
        })
        .then((r) => r.json());
    expect(signer.readQueryResponse(await q('q1'), { orderId: body.orderId, requestId: 'q1' })).toMatchObject({
      kind: 'pending',
      result: { code: 1000 },
    });
    await app.inject({
      method: 'POST',
      url: '/momo/_admin/pay',
      payload: { partnerCode: PARTNER.partnerCode, orderId: body.orderId },
    });
    expect(signer.readQueryResponse(await q('q2'), { orderId: body.orderId, requestId: 'q2' })).toMatchObject({
      kind: 'paid',
      amountVnd: 50_000,
    });

    const other = createBody();
    await create(app, other);
    await app.inject({
      method: 'POST',
      url: '/momo/_admin/pay',
      payload: { partnerCode: PARTNER.partnerCode, orderId: other.orderId, action: 'cancel' },
    });
    const r = await app.inject({
      method: 'POST',
      url: '/momo/v2/gateway/api/query',
      payload: signer.buildQuery({ orderId: other.orderId, requestId: 'q3' }),
    });
    expect(r.json().resultCode).toBe(1006);
  });

  it('query answers 20 on a bad signature and 42 on an unknown order', async () => {
    const app = await build();
    const q = signer.buildQuery({ orderId: 'NOT-THERE', requestId: 'q1' });
    expect((await app.inject({ method: 'POST', url: '/momo/v2/gateway/api/query', payload: q })).json().resultCode).toBe(42);
    expect(
      (await app.inject({ method: 'POST', url: '/momo/v2/gateway/api/query', payload: { ...q, orderId: 'OTHER' } })).json()
        .resultCode,
    ).toBe(20);
  });

  it('expires the payUrl (1005)', async () => {
    const app = await build({ payUrlTtlMs: 1_000 });
    const body = createBody();
    const { payUrl } = await create(app, body);
    const order = (await app.inject({ method: 'GET', url: '/momo/_admin/transactions' })).json().transactions[0];
    expect(order.status).toBe('pending');
    await new Promise((r) => setTimeout(r, 1_050));
    const res = await app.inject({ method: 'POST', url: '/momo/_admin/pay', payload: { payUrl } });
    expect(res.statusCode).toBe(409);
    expect(res.json().order).toMatchObject({ status: 'expired', resultCode: 1005 });
  });
});

describe('MoMo peer — faults', () => {
  it('tampers, duplicates and loses IPNs; errors and hangs the API', async () => {
    const hub = fakeHub();
    const app = await build({ notify: hub.notify });
    await app.inject({
      method: 'POST',
      url: '/momo/_admin/faults',
      payload: { tamperNotifications: true, duplicateNotifications: 1 },
    });
    const { payUrl } = await create(app, createBody());
    await app.inject({ method: 'POST', url: '/momo/_admin/pay', payload: { payUrl } });
    await until(() => hub.calls.length === 2);
    expect(hub.calls.map((c) => signer.verifyIpn(c.body).ok)).toEqual([false, false]);

    await app.inject({ method: 'PUT', url: '/momo/_admin/faults', payload: { lostNotifications: 1 } });
    const second = await create(app, createBody());
    await app.inject({ method: 'POST', url: '/momo/_admin/pay', payload: { payUrl: second.payUrl } });
    await new Promise((r) => setTimeout(r, 30));
    expect(hub.calls).toHaveLength(2);

    await app.inject({ method: 'PUT', url: '/momo/_admin/faults', payload: { errorRate: 1 } });
    expect((await create(app, createBody())).resultCode).toBe(99);
    await app.inject({ method: 'PUT', url: '/momo/_admin/faults', payload: { timeoutRate: 1 } });
    expect((await app.inject({ method: 'POST', url: '/momo/v2/gateway/api/create', payload: createBody() })).statusCode).toBe(
      504,
    );
  });
});
