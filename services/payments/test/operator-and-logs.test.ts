import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { captureLogger, createTestDatabase, createTestNamespace, deleteTestNamespace } from '../../../tests/helpers/index.js';
import { createTestPayments, H22_MERCHANT, newMaHoSo, paymentBody, signedVnpayIpn, type TestPayments } from './harness.js';

const H22 = H22_MERCHANT;
const payer = {
  fullName: 'Trần Thị Bí Mật',
  personalId: '079188001234',
  address: 'Số 99 Ngõ Riêng Tư',
  district: 'Huyện Kín',
  province: 'Tỉnh Ẩn',
  phone: '0912345678',
  email: 'bimat@example.vn',
};

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
let provider: Server;
const logs = captureLogger('payments', 'debug');

const headers = (id = 'motcua-h22') => ({ authorization: `Bearer ${svc.keys[id]}`, 'content-type': 'application/json' });
const create = (body: unknown) =>
  svc.app.inject({ method: 'POST', url: '/v1/payments', headers: headers(), payload: JSON.stringify(body) });
const resolve = (id: string, body: unknown, as = 'operator') =>
  svc.app.inject({
    method: 'POST',
    url: `/v1/admin/payments/${id}/resolve`,
    headers: headers(as),
    payload: JSON.stringify(body),
  });

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  // A provider that fails every create with a 500: the error path logs, and must not log what was sent.
  provider = createServer((req, res) => {
    req.resume();
    res.writeHead(500).end('internal error');
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(provider.address() as { port: number }).port}`;
  svc = await createTestPayments({
    namespace: ns,
    databaseUrl: db.url,
    logger: logs.logger,
    env: { PAYGOV_INIT_URL: `${url}/init`, MOMO_API_URL: url },
  });
});

afterAll(async () => {
  await svc?.close();
  await new Promise((r) => provider?.close(r));
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('logs carry no personal data and no secrets', () => {
  it('through creation, provider errors, notifications and forgeries', async () => {
    expect((await create({ ...paymentBody(newMaHoSo(), 'paygov'), payer })).statusCode).toBe(502);
    expect((await create({ ...paymentBody(newMaHoSo(), 'momo'), payer })).statusCode).toBe(502);
    const ok = await create({ ...paymentBody(newMaHoSo(), 'vnpay'), payer });
    expect(ok.statusCode).toBe(201);
    const qs = await signedVnpayIpn({ ...H22.vnpay, txnRef: ok.json().orderRef, amountVnd: 50_000 });
    await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` });
    await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs.replace(/vnp_SecureHash=[0-9a-f]+/, 'vnp_SecureHash=00')}` });
    await svc.app.inject({
      method: 'POST',
      url: '/v1/ipn/momo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ partnerCode: 'MOMOLT22', payer }),
    });
    const text = logs.text();
    expect(text).toContain('payment created');
    expect(text).toContain('notification handled');
    expect(text).toContain('payment not created at the provider');
    for (const v of Object.values(payer)) expect(text).not.toContain(v);
    for (const s of [H22.vnpay.hashSecret, H22.momo.secretKey, H22.momo.accessKey, H22.paygov.secretKey, svc.keys['motcua-h22']!])
      expect(text).not.toContain(s);
    // Error logs name the failure, not the request that was sent (axios keeps it on its error).
    expect(text).not.toContain('HoTenNguoiNop');
    expect(text).not.toContain('ThongTinBienLai');
  });
});

describe('operator resolution (docs/payments.md)', () => {
  it('settles on evidence through the same settlement code, once, recording who and why', async () => {
    const p = (await create(paymentBody(newMaHoSo(), 'vnpay'))).json();
    expect(
      (
        await resolve(
          p.paymentId,
          { action: 'settle', note: 'seen paid on the VNPAY merchant portal', providerTxnId: '14123456', amount: 50_000 },
          'motcua-h22',
        )
      ).statusCode,
    ).toBe(403);
    const wrong = await resolve(p.paymentId, {
      action: 'settle',
      note: 'portal shows 40.000',
      providerTxnId: '14123456',
      amount: 40_000,
    });
    expect(wrong.statusCode).toBe(409);
    const r = await resolve(p.paymentId, {
      action: 'settle',
      note: 'seen paid on the VNPAY merchant portal',
      providerTxnId: '14123456',
      amount: 50_000,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'paid', providerTxnId: '14123456' });
    expect(
      (await resolve(p.paymentId, { action: 'settle', note: 'again, by mistake', providerTxnId: '14123456', amount: 50_000 }))
        .statusCode,
    ).toBe(200);
    const h = await svc.app.inject({
      method: 'GET',
      url: `/v1/admin/payments/${p.paymentId}/history`,
      headers: headers('operator'),
    });
    const paid = h.json().history.filter((e: { kind: string }) => e.kind === 'paid');
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({
      source: 'operator',
      detail: { actor: 'operator', note: 'seen paid on the VNPAY merchant portal' },
    });
    expect(
      (await svc.pool.query('SELECT count(*)::int AS n FROM payment_outbox WHERE payment_id = $1', [p.paymentId])).rows[0].n,
    ).toBe(1);
  });

  it('an amount mismatch: refunded at the provider, then failed and the review closed', async () => {
    const p = (await create(paymentBody(newMaHoSo(), 'vnpay'))).json();
    const qs = await signedVnpayIpn({ ...H22.vnpay, txnRef: p.orderRef, amountVnd: 5_000, transactionNo: '14999000' });
    expect((await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` })).json().RspCode).toBe('04');
    expect(
      (await resolve(p.paymentId, { action: 'fail', note: 'refunded 5.000 VND via the merchant portal, ref HT-1' })).json(),
    ).toMatchObject({ status: 'failed', reviewReason: 'amount_mismatch' });
    expect((await resolve(p.paymentId, { action: 'clear_review', note: 'refund confirmed by the bank' })).json()).toMatchObject({
      status: 'failed',
      reviewReason: null,
    });
    expect((await resolve(p.paymentId, { action: 'clear_review', note: 'twice' })).statusCode).toBe(409);
    const kinds = (await svc.core.store.history(p.paymentId)).map((e) => e.kind);
    expect(kinds).toEqual(['created', 'pending', 'amount_mismatch', 'failed', 'review_cleared']);
  });

  it('expires an abandoned payment by hand, publishing the expired event once', async () => {
    const p = (await create(paymentBody(newMaHoSo(), 'vnpay'))).json();
    expect(
      (await resolve(p.paymentId, { action: 'expire', note: 'never opened; VNPAY answers 91 unsigned' })).json(),
    ).toMatchObject({ status: 'expired' });
    expect((await resolve(p.paymentId, { action: 'expire', note: 'again' })).statusCode).toBe(409);
    const ev = await svc.pool.query('SELECT event_id FROM payment_outbox WHERE payment_id = $1', [p.paymentId]);
    expect(ev.rows).toEqual([{ event_id: `payment-${p.paymentId}-expired` }]);
  });

  it('answers 404 for an unknown payment and 400 for a bad action', async () => {
    expect((await resolve('00000000-0000-4000-8000-000000000000', { action: 'fail', note: 'nothing here' })).statusCode).toBe(
      404,
    );
    expect((await resolve('00000000-0000-4000-8000-000000000000', { action: 'delete', note: 'nothing here' })).statusCode).toBe(
      400,
    );
  });
});
