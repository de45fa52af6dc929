import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent } from '@lienthong/events';
import { validateEventData } from '@lienthong/standard';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  readTopic,
} from '../../../tests/helpers/index.js';
import { createTestPayments, newMaHoSo, paymentBody, signedVnpayIpn, testMerchants, type TestPayments } from './harness.js';

const H22 = testMerchants.merchants[0]!.vnpay;

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;

const auth = (id = 'motcua-h22') => ({ authorization: `Bearer ${svc.keys[id]}` });
const create = (body: unknown, id = 'motcua-h22') =>
  svc.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { ...auth(id), 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
const ipn = (qs: string) => svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` });
const statusOf = async (id: string) =>
  (await svc.app.inject({ method: 'GET', url: `/v1/payments/${id}`, headers: auth() })).json().status as string;

async function newVnpayPayment(amount = 50_000) {
  const res = await create(paymentBody(newMaHoSo(), 'vnpay', amount));
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { paymentId: string; payUrl: string; orderRef: string; expiresAt: string };
}

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  svc = await createTestPayments({ namespace: ns, databaseUrl: db.url });
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('POST /v1/payments (VNPAY: the hub signs the URL itself)', () => {
  it('creates a ledger row and a signed payment URL, and answers {paymentId, payUrl, expiresAt}', async () => {
    const p = await newVnpayPayment();
    const url = new URL(p.payUrl);
    expect(url.searchParams.get('vnp_TxnRef')).toBe(p.orderRef);
    expect(url.searchParams.get('vnp_Amount')).toBe('5000000');
    expect(url.searchParams.get('vnp_TmnCode')).toBe(H22.tmnCode);
    expect(url.searchParams.get('vnp_ReturnUrl')).toBe(`${svc.baseUrl}/v1/return/vnpay`);
    expect(new Date(p.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
    const got = await svc.app.inject({ method: 'GET', url: `/v1/payments/${p.paymentId}`, headers: auth() });
    expect(got.json()).toMatchObject({
      paymentId: p.paymentId,
      status: 'pending',
      amount: 50_000,
      provider: 'vnpay',
      payUrl: p.payUrl,
    });
    const history = await svc.core.store.history(p.paymentId);
    expect(history.map((h) => h.kind)).toEqual(['created', 'pending']);
  });

  it('refuses what it must: no key, another agency, fees not adding up, amount out of range, unknown agency', async () => {
    const body = paymentBody(newMaHoSo());
    expect((await svc.app.inject({ method: 'POST', url: '/v1/payments', payload: body })).statusCode).toBe(401);
    const other = await create(paymentBody(newMaHoSo('000.00.01.H56')));
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ error: 'LT_AUTH_AGENCY_FORBIDDEN', details: [{ path: '/MaHoSo' }] });
    const sum = await create({ ...body, amount: 60_000 });
    expect(sum.statusCode).toBe(400);
    expect(sum.json().details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/amount', code: 'LT_PAY_FEES_MISMATCH' })]),
    );
    const small = paymentBody(newMaHoSo(), 'vnpay', 1_000);
    expect((await create(small)).json().details[0].code).toBe('LT_PAY_AMOUNT_OUT_OF_RANGE');
    const unknown = await create(paymentBody(newMaHoSo('000.00.09.H99')), 'all-submitter');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toBe('LT_PAY_UNKNOWN_AGENCY');
    // A MaHoSo whose agency cannot be read (an empty group in the prefix). An impossible yyMMdd is no longer one:
    // the standard only warns about it (the portal checking the day is inferred) and the agency is still readable.
    const badDate = await create(paymentBody('000..01.H22-251120-0001'));
    expect(badDate.json().details[0]).toMatchObject({ path: '/MaHoSo', code: 'LT_PAY_BAD_MA_HO_SO' });
    const badAgency = await create({ ...paymentBody(newMaHoSo()), agencyCode: '1.2' });
    expect(badAgency.json().details[0]).toMatchObject({ path: '/agencyCode', code: 'LT_PAY_AGENCY_MISMATCH' });
    const noMomo = await create(paymentBody(newMaHoSo('000.00.01.H56'), 'momo'), 'motcua-h56');
    expect(noMomo.json().error).toBe('LT_PAY_PROVIDER_NOT_CONFIGURED');
  });

  it.each([
    ['not JSON', '{"MaHoSo":', 'LT_INPUT_BAD_JSON'],
    ['deeply nested', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'LT_INPUT_TOO_DEEP'],
    ['a __proto__ key', '{"__proto__":{"admin":true},"MaHoSo":"x"}', 'LT_INPUT_PROTO_KEY'],
    [
      'a NUL character',
      JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), returnUrl: 'https://a.vn/\u0000' }),
      'LT_INPUT_HOSTILE',
    ],
    [
      'a fractional amount',
      JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), amount: 50_000.5 }),
      'LT_HTTP_BAD_REQUEST',
    ],
    [
      'an amount as a string',
      JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), amount: '50000' }),
      'LT_HTTP_BAD_REQUEST',
    ],
    [
      'an unknown provider',
      JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), provider: 'zalopay' }),
      'LT_HTTP_BAD_REQUEST',
    ],
    ['an extra field', JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), status: 'paid' }), 'LT_HTTP_BAD_REQUEST'],
    [
      'a javascript: return URL',
      JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), returnUrl: 'javascript:alert(1)//' }),
      'LT_HTTP_BAD_REQUEST',
    ],
    [
      'a negative fee',
      JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), fees: [{ TenPhiLePhi: 'x', SoTien: -1 }] }),
      'LT_HTTP_BAD_REQUEST',
    ],
    [
      'a malformed MaHoSo',
      JSON.stringify({ ...paymentBody('000.00.01.H22-250115-0001'), MaHoSo: "1' OR 1=1--" }),
      'LT_HTTP_BAD_REQUEST',
    ],
    ['an array body', '[]', 'LT_HTTP_BAD_REQUEST'],
  ])('answers a clear 400 to %s, creating nothing', async (_what, payload, code) => {
    const before = (await svc.pool.query('SELECT count(*)::int AS n FROM payments')).rows[0].n;
    const res = await create(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toBe(code);
    expect((await svc.pool.query('SELECT count(*)::int AS n FROM payments')).rows[0].n).toBe(before);
  });

  it('answers 413 to an oversized body and 415 to a non-JSON one', async () => {
    const big = await create(JSON.stringify({ ...paymentBody(newMaHoSo()), orderInfo: 'x'.repeat(200_000) }));
    expect(big.statusCode).toBe(413);
    const form = await svc.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    expect(form.statusCode).toBe(415);
  });

  it('GET /v1/payments/:id: 400 on a non-id, 404 on an unknown or foreign payment', async () => {
    expect((await svc.app.inject({ method: 'GET', url: "/v1/payments/1'%20OR%201=1", headers: auth() })).statusCode).toBe(400);
    expect(
      (await svc.app.inject({ method: 'GET', url: '/v1/payments/00000000-0000-4000-8000-000000000000', headers: auth() }))
        .statusCode,
    ).toBe(404);
    const p = await newVnpayPayment();
    expect(
      (await svc.app.inject({ method: 'GET', url: `/v1/payments/${p.paymentId}`, headers: auth('motcua-h56') })).statusCode,
    ).toBe(404);
  });
});

describe('VNPAY IPN (signed by the test, no sandbox)', () => {
  it('settles a valid notification once and publishes exactly one settled event with MaHoSo and the fee lines', async () => {
    const p = await newVnpayPayment(120_000);
    const res = await ipn(await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 120_000, transactionNo: '14000001' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ RspCode: '00', Message: 'Confirm Success' });
    expect(await statusOf(p.paymentId)).toBe('paid');
    const events = await eventually(async () => {
      const r = (await readTopic(svc.topic)).filter((x) => x.key === p.paymentId);
      return r.length ? r : undefined;
    });
    expect(events).toHaveLength(1);
    const ev = decodeEvent(events[0]!.value);
    expect(ev).toMatchObject({ type: 'vn.lienthong.payment.settled', subject: p.paymentId, source: 'urn:lienthong:payments' });
    expect(ev.data).toMatchObject({
      paymentId: p.paymentId,
      amount: 120_000,
      providerTxnId: '14000001',
      settledBy: 'ipn',
      DuocThanhToanTrucTuyen: '2',
      fees: [expect.objectContaining({ SoTien: 60_000 }), expect.objectContaining({ SoTien: 60_000 })],
      DanhSachLePhi: [expect.objectContaining({ Gia: '60000' }), expect.objectContaining({ Gia: '60000' })],
    });
    expect((ev.data as { MaHoSo: string }).MaHoSo).toMatch(/-250115-/);
    expect(validateEventData(ev.dataschema, ev.data).errors).toEqual([]);
  });

  it('the same notification 10 times: one settlement, then "already confirmed"', async () => {
    const p = await newVnpayPayment();
    const qs = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000 });
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await ipn(qs)).json().RspCode);
    expect(codes).toEqual(['00', ...Array(9).fill('02')]);
    const history = await svc.core.store.history(p.paymentId);
    expect(history.filter((h) => h.kind === 'paid')).toHaveLength(1);
    await svc.core.outbox.drain();
    const events = (await readTopic(svc.topic)).filter((x) => x.key === p.paymentId);
    expect(events).toHaveLength(1);
  });

  it('bad signature → 97, unknown order → 01, wrong amount → 04 (recorded for refund review), and none of them changes the state', async () => {
    const p = await newVnpayPayment();
    const forged = await signedVnpayIpn({
      ...H22,
      hashSecret: 'NOT-THE-SECRET-0000000000000',
      txnRef: p.orderRef,
      amountVnd: 50_000,
    });
    expect((await ipn(forged)).json()).toEqual({ RspCode: '97', Message: 'Invalid signature' });
    const tampered = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, tamper: { vnp_Amount: '100' } });
    expect((await ipn(tampered)).json().RspCode).toBe('97');
    const unknownTerminal = await signedVnpayIpn({
      tmnCode: 'NOTOURS1',
      hashSecret: H22.hashSecret,
      txnRef: p.orderRef,
      amountVnd: 50_000,
    });
    expect((await ipn(unknownTerminal)).json().RspCode).toBe('97');
    const unknown = await signedVnpayIpn({ ...H22, txnRef: 'ffffffffffffffffffffffffffffffff', amountVnd: 50_000 });
    expect((await ipn(unknown)).json()).toEqual({ RspCode: '01', Message: 'Order not found' });
    const wrong = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 5_000, transactionNo: '14999999' });
    expect((await ipn(wrong)).json()).toEqual({ RspCode: '04', Message: 'Invalid amount' });
    expect((await ipn(wrong)).json().RspCode).toBe('04'); // VNPAY retries 04: recorded once
    expect(await statusOf(p.paymentId)).toBe('pending');
    const history = await svc.core.store.history(p.paymentId);
    expect(history.map((h) => h.kind)).toEqual(['created', 'pending', 'amount_mismatch']);
    expect(history[2]).toMatchObject({ amount: 5_000, providerTxnId: '14999999', source: 'ipn' });
    const review = await svc.app.inject({ method: 'GET', url: '/v1/admin/payments/review', headers: auth('operator') });
    expect(review.json().payments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ paymentId: p.paymentId, reviewReason: 'amount_mismatch', status: 'pending' }),
      ]),
    );
    const outbox = await svc.pool.query('SELECT count(*)::int AS n FROM payment_outbox WHERE payment_id = $1', [p.paymentId]);
    expect(outbox.rows[0].n).toBe(0);
  });

  it('records a failed payment (answered 00) and a later duplicate as 02', async () => {
    const p = await newVnpayPayment();
    const cancelled = await signedVnpayIpn({
      ...H22,
      txnRef: p.orderRef,
      amountVnd: 50_000,
      responseCode: '24',
      transactionStatus: '02',
    });
    expect((await ipn(cancelled)).json().RspCode).toBe('00');
    expect(await statusOf(p.paymentId)).toBe('failed');
    expect((await ipn(cancelled)).json().RspCode).toBe('02');
  });

  it.each([
    ['no parameters', ''],
    ['a repeated parameter', 'vnp_TmnCode=LTHUB022&vnp_TmnCode=LTHUB022&vnp_SecureHash=ab'],
    ['a huge value', `vnp_TmnCode=LTHUB022&vnp_OrderInfo=${'a'.repeat(5000)}&vnp_SecureHash=ab`],
    ['nested brackets', 'vnp_TmnCode[a]=1&vnp_SecureHash=ab'],
    ['percent garbage', 'vnp_TmnCode=%ZZ%00&vnp_SecureHash=%E0%A4%A'],
  ])('answers a clear 400 to an IPN with %s, and never crashes', async (_w, qs) => {
    const res = await ipn(qs);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('LT_PAY_MALFORMED_NOTIFICATION');
  });

  it('answers 97 to a well-formed IPN without a signature', async () => {
    const res = await ipn('vnp_TmnCode=LTHUB022&vnp_TxnRef=abc&vnp_Amount=100');
    expect(res.json().RspCode).toBe('97');
  });
});

describe('return pages and hostile input on the other endpoints', () => {
  it('the VNPAY return page shows the ledger and changes nothing', async () => {
    const p = await newVnpayPayment();
    const qs = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000 });
    const page = await svc.app.inject({ method: 'GET', url: `/v1/return/vnpay?${qs}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Đang chờ xác nhận');
    expect(page.body).toContain(`paymentId=${p.paymentId}`);
    expect(await statusOf(p.paymentId)).toBe('pending');
    const forged = await svc.app.inject({
      method: 'GET',
      url: `/v1/return/vnpay?${qs.replace('vnp_Amount=5000000', 'vnp_Amount=100')}`,
    });
    expect(forged.statusCode).toBe(400);
    expect((await svc.app.inject({ method: 'GET', url: '/v1/return/momo?partnerCode=<script>' })).statusCode).toBe(400);
    const xss = await svc.app.inject({ method: 'GET', url: '/v1/return/paygov?MaThamChieu=<script>alert(1)</script>' });
    expect(xss.statusCode).toBe(400);
    expect(xss.body).not.toContain('<script>');
  });

  it.each([
    ['not JSON', 'application/json', '{'],
    ['an array', 'application/json', '[1,2]'],
    ['nested objects', 'application/json', JSON.stringify({ partnerCode: { $ne: 1 } })],
    [
      'a string amount',
      'application/json',
      JSON.stringify({
        partnerCode: 'MOMOLT22',
        orderId: 'x',
        requestId: 'x',
        amount: 'lots',
        transId: 1,
        resultCode: 0,
        responseTime: 1,
        signature: 'ab',
      }),
    ],
  ])('MoMo IPN and PayGov confirm answer 4xx to %s', async (_w, ct, payload) => {
    const m = await svc.app.inject({ method: 'POST', url: '/v1/ipn/momo', headers: { 'content-type': ct }, payload });
    expect(m.statusCode).toBeGreaterThanOrEqual(400);
    expect(m.statusCode).toBeLessThan(500);
    const g = await svc.app.inject({ method: 'POST', url: '/v1/ipn/paygov', headers: { 'content-type': ct }, payload });
    expect(g.statusCode).toBeGreaterThanOrEqual(400);
    expect(g.statusCode).toBeLessThan(500);
  });

  it('operator routes need an operator client', async () => {
    expect((await svc.app.inject({ method: 'POST', url: '/v1/admin/reconcile', headers: auth() })).statusCode).toBe(403);
    expect((await svc.app.inject({ method: 'POST', url: '/v1/admin/reconcile' })).statusCode).toBe(401);
    const ok = await svc.app.inject({
      method: 'POST',
      url: '/v1/admin/reconcile',
      headers: { ...auth('operator'), 'content-type': 'application/json' },
      payload: '{"all":false}',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ ran: true });
  });
});
