/**
 * Malformed, hostile and oversize input on the newer endpoints (issue 14's channels): the SePay webhook, the
 * transfer review's resolve route and VNPT Pay's return page. Every refusal is a clear 4xx in the hub's error
 * shape (or the citizen's page), never a 5xx, and nothing is recorded, settled or closed by it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../../../tests/helpers/index.js';
import { createTestPayments, H22_MERCHANT, newMaHoSo, paymentBody, type TestPayments } from './harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
const SEPAY = `Apikey ${H22_MERCHANT.vietqr.sepay.apiKey}`;
const ACCOUNT = H22_MERCHANT.vietqr.accountNumber;

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

let nextId = 7_000_000;
/** A SePay webhook body [SE1] for the H22 account (a fresh SePay id each time). */
const sepayBody = (over: Record<string, unknown> = {}) => ({
  id: nextId++,
  gateway: 'Vietcombank',
  transactionDate: '2025-11-23 10:05:12',
  accountNumber: ACCOUNT,
  subAccount: null,
  code: null,
  content: 'chuyen tien',
  transferType: 'in',
  description: 'BankAPINotify chuyen tien',
  transferAmount: 50_000,
  referenceCode: 'FT25327000001',
  accumulated: 0,
  ...over,
});
/** `authorization` null: no header at all. */
const sepay = (payload: string | object, authorization: string | null = SEPAY, contentType = 'application/json') =>
  svc.app.inject({
    method: 'POST',
    url: '/v1/ipn/sepay',
    headers: { 'content-type': contentType, ...(authorization === null ? {} : { authorization }) },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
const ledgerCounts = async () =>
  (
    await svc.pool.query(
      `SELECT (SELECT count(*) FROM bank_transfers)::int AS transfers, (SELECT count(*) FROM payment_events)::int AS events,
              (SELECT count(*) FROM payments WHERE status = 'paid')::int AS paid,
              (SELECT count(*) FROM bank_transfers WHERE reviewed_at IS NOT NULL)::int AS reviewed`,
    )
  ).rows[0] as { transfers: number; events: number; paid: number; reviewed: number };
const auth = (id: string) => ({ authorization: `Bearer ${svc.keys[id]}`, 'content-type': 'application/json' });
const expectClear4xx = (r: { statusCode: number; json: () => unknown }, what: string) => {
  expect(r.statusCode, what).toBeGreaterThanOrEqual(400);
  expect(r.statusCode, what).toBeLessThan(500);
  expect(r.json(), what).toMatchObject({ error: expect.stringMatching(/^LT_/), message: expect.any(String) });
};

describe('POST /v1/ipn/sepay with hostile input', () => {
  it('malformed and hostile bodies with the right key: 400, nothing recorded', async () => {
    const before = await ledgerCounts();
    const bodies: [string, string | object][] = [
      ['truncated JSON', '{"id":1,"transferAmount":'],
      ['an array', '[]'],
      ['a string', '"in"'],
      ['null', 'null'],
      ['an empty object', {}],
      ['id as a string', sepayBody({ id: '123' })],
      ['a negative id', sepayBody({ id: -1 })],
      ['a fractional id', sepayBody({ id: 1.5 })],
      ['an id past 2^53', '{"id":9007199254740993,"transferAmount":1,"accountNumber":"' + ACCOUNT + '"}'],
      ['an id of 1e400', `{"id":1e400,"transferAmount":1,"accountNumber":"${ACCOUNT}"}`],
      ['a negative amount', sepayBody({ transferAmount: -50_000 })],
      ['an amount as a string', sepayBody({ transferAmount: '50000' })],
      ['an amount of NaN-ish text', `{"id":1,"transferAmount":NaN,"accountNumber":"${ACCOUNT}"}`],
      ['a NUL in the content', `{"id":1,"transferAmount":1,"accountNumber":"${ACCOUNT}","content":"a\\u0000b"}`],
      ['a nesting bomb', `{"id":1,"accountNumber":"${ACCOUNT}","content":${'['.repeat(5_000)}${']'.repeat(5_000)}}`],
    ];
    for (const [what, body] of bodies) {
      const r = await sepay(body);
      expectClear4xx(r, what);
    }
    expect(await ledgerCounts()).toEqual(before);
  });

  it('an account that is not an agency account, in any shape: 400 LT_PAY_UNKNOWN_ACCOUNT, nothing recorded', async () => {
    const before = await ledgerCounts();
    for (const accountNumber of ['999999', '', ['257678859'], { n: ACCOUNT }, 257678859, `${ACCOUNT} `, 'x'.repeat(5_000)]) {
      const r = await sepay(sepayBody({ accountNumber, subAccount: null }));
      expect(r.statusCode, JSON.stringify(accountNumber).slice(0, 30)).toBe(400);
      expect(r.json().error).toBe('LT_PAY_UNKNOWN_ACCOUNT');
    }
    expect(await ledgerCounts()).toEqual(before);
  });

  it('a forged, missing or malformed Authorization: 401, nothing recorded', async () => {
    const before = await ledgerCounts();
    const key = H22_MERCHANT.vietqr.sepay.apiKey;
    for (const authorization of [
      null,
      '',
      `Bearer ${key}`,
      `Apikey ${key.slice(0, -1)}`,
      `Apikey ${key}x`,
      `Apikey  ${key}`,
      `Apikey ${key} ${key}`,
      `Apikey ${'k'.repeat(600)}`,
      `Apikey ${H22_MERCHANT.vietqr.payos.checksumKey}`,
      'Apikey',
    ]) {
      const r = await sepay(sepayBody(), authorization);
      expect(r.statusCode, String(authorization).slice(0, 30)).toBe(401);
      expect(r.json().error).toBe('LT_PAY_BAD_SIGNATURE');
    }
    expect(await ledgerCounts()).toEqual(before);
  });

  it('oversize bodies (413) and other media types (415)', async () => {
    const before = await ledgerCounts();
    expect((await sepay(sepayBody({ content: 'x'.repeat(70 * 1024) }))).statusCode).toBe(413);
    expect((await sepay('id=1&transferAmount=1', SEPAY, 'application/x-www-form-urlencoded')).statusCode).toBe(415);
    expect((await sepay('hello', SEPAY, 'text/plain')).statusCode).toBe(415);
    expect(await ledgerCounts()).toEqual(before);
  });

  it('hostile but well-formed text is recorded as written, never matched by accident, never settles', async () => {
    const p = await svc.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth('motcua-h22'),
      payload: JSON.stringify(paymentBody(newMaHoSo(), 'vietqr', 30_000)),
    });
    const code = p.json().vietqr.transferCode as string;
    const before = await ledgerCounts();
    for (const content of [
      `'; DROP TABLE payments; -- ${'x'.repeat(10)}`,
      '<script>alert(1)</script>',
      '\ud800 lone surrogate and emoji 😀',
      `${code}X`, // the code glued to more characters is not the code
      `X${code}`,
      'a'.repeat(30_000),
    ]) {
      const r = await sepay(sepayBody({ content, transferAmount: 30_000 }));
      expect(r.statusCode, content.slice(0, 30)).toBe(200);
      expect(r.json()).toMatchObject({ success: true, outcome: 'unmatched' });
    }
    const after = await ledgerCounts();
    expect(after.transfers).toBe(before.transfers + 6);
    expect(after.paid).toBe(before.paid);
    expect((await svc.core.store.get(p.json().paymentId))?.status).toBe('pending');
    // Stored bounded (the transfer text is cut at 1,000 characters), never a 5xx from the database.
    const longest = (await svc.pool.query('SELECT max(length(transfer_text))::int AS n FROM bank_transfers')).rows[0].n;
    expect(longest).toBeLessThanOrEqual(1_000);
  });
});

describe('POST /v1/admin/transfers/:id/resolve', () => {
  async function unmatchedTransfer(): Promise<string> {
    const r = await sepay(sepayBody({ content: 'khong co ma', transferAmount: 12_345 }));
    expect(r.json().outcome).toBe('unmatched');
    const row = (await svc.pool.query('SELECT transfer_id FROM bank_transfers ORDER BY transfer_id DESC LIMIT 1')).rows[0];
    return String(row.transfer_id);
  }
  const resolve = (id: string, payload: string | object, who = 'operator') =>
    svc.app.inject({
      method: 'POST',
      url: `/v1/admin/transfers/${id}/resolve`,
      headers: who ? auth(who) : { 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('closes an entry once with the operator and the note; a second close is 409', async () => {
    const id = await unmatchedTransfer();
    const r = await resolve(id, { note: 'Đã hoàn tiền tại ngân hàng, FT123' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ transferId: id, reviewNote: 'operator: Đã hoàn tiền tại ngân hàng, FT123' });
    expect(r.json().reviewedAt).toEqual(expect.any(String));
    const again = await resolve(id, { note: 'Đóng lần nữa' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('LT_PAY_CONFLICT');
    const listed = (await svc.app.inject({ method: 'GET', url: '/v1/admin/transfers/review', headers: auth('operator') })).json()
      .transfers as { transferId: string }[];
    expect(listed.some((t) => t.transferId === id)).toBe(false);
  });

  it('who may close: no key 401, a submitter 403, an H22 operator cannot see an unmatched (agency-less) transfer: 404', async () => {
    const id = await unmatchedTransfer();
    expect((await resolve(id, { note: 'không có khóa' }, '')).statusCode).toBe(401);
    expect((await resolve(id, { note: 'không có vai trò' }, 'motcua-h22')).statusCode).toBe(403);
    const scoped = await resolve(id, { note: 'khác phạm vi' }, 'operator-h22');
    expect(scoped.statusCode).toBe(404);
    expect(scoped.json().error).toBe('LT_PAY_NOT_FOUND');
    expect((await svc.core.transfers.get(id))?.reviewedAt).toBeNull();
  });

  it('a settled transfer is not under review: 409, nothing changed', async () => {
    const p = await svc.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth('motcua-h22'),
      payload: JSON.stringify(paymentBody(newMaHoSo(), 'vietqr', 21_000)),
    });
    const settled = await sepay(sepayBody({ content: `CT ${p.json().vietqr.transferCode}`, transferAmount: 21_000 }));
    expect(settled.json().outcome).toBe('settled');
    const row = (await svc.pool.query("SELECT transfer_id FROM bank_transfers WHERE outcome = 'settled' LIMIT 1")).rows[0];
    const r = await resolve(String(row.transfer_id), { note: 'không cần xem xét' });
    expect(r.statusCode).toBe(409);
    expect((await svc.core.transfers.get(String(row.transfer_id)))?.reviewedAt).toBeNull();
  });

  it('hostile ids and bodies: 4xx in the error shape, nothing closed', async () => {
    const id = await unmatchedTransfer();
    const before = await ledgerCounts();
    for (const [bad, payload] of [
      ['abc', { note: 'hợp lệ đủ dài' }],
      ['-1', { note: 'hợp lệ đủ dài' }],
      ['1e3', { note: 'hợp lệ đủ dài' }],
      ['1.5', { note: 'hợp lệ đủ dài' }],
      ['9'.repeat(19), { note: 'hợp lệ đủ dài' }],
      ['0', { note: 'hợp lệ đủ dài' }],
      ['999999999999999999', { note: 'hợp lệ đủ dài' }],
      ["1'%3B--", { note: 'hợp lệ đủ dài' }],
      [id, '{"note":'],
      [id, '[]'],
      [id, '"a note"'],
      [id, {}],
      [id, { note: 'ngắn' }],
      [id, { note: 12345 }],
      [id, { note: ['Đã hoàn tiền'] }],
      [id, { note: 'x'.repeat(2_001) }],
      [id, { note: 'hợp lệ đủ dài', outcome: 'settled' }],
      [id, '{"note":"hợp lệ đủ dài","__proto__":{"reviewedAt":"x"}}'],
      [id, '{"note":"NUL \\u0000 trong ghi chú"}'],
      [id, { note: 'x'.repeat(70 * 1024) }],
    ] as const) {
      const r = await resolve(bad, payload);
      expectClear4xx(r, `${bad.slice(0, 20)} ${JSON.stringify(payload).slice(0, 40)}`);
    }
    expect(await ledgerCounts()).toEqual(before);
    expect((await svc.core.transfers.get(id))?.reviewedAt).toBeNull();
  });
});

describe('GET /v1/return/vnptpay (the citizen lands here from VNPT Pay)', () => {
  const page = (query: string) => svc.app.inject({ method: 'GET', url: `/v1/return/vnptpay${query}` });

  it("shows the ledger's state for a known reference, and a plain 404 page for an unknown one", async () => {
    const p = await svc.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: auth('motcua-h22'),
      payload: JSON.stringify(paymentBody(newMaHoSo(), 'vietqr', 20_000)),
    });
    // VietQR's reference is not VNPT Pay's: the page never shows another provider's payment.
    expect((await page(`?MERCHANT_ORDER_ID=${p.json().orderRef}`)).statusCode).toBe(404);
    const unknown = await page('?MERCHANT_ORDER_ID=LT0123456789');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('text/html');
    expect(unknown.body).toContain('Không tìm thấy giao dịch');
  });

  it('hostile and malformed queries: 400 page, nothing of the input reflected, strict headers', async () => {
    for (const q of [
      '',
      '?MERCHANT_ORDER_ID=',
      '?merchant_order_id=abc',
      '?MERCHANT_ORDER_ID=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      '?MERCHANT_ORDER_ID=a%00b',
      '?MERCHANT_ORDER_ID=a%0d%0aSet-Cookie:%20x=1',
      '?MERCHANT_ORDER_ID=a&MERCHANT_ORDER_ID=b',
      '?MERCHANT_ORDER_ID[]=a',
      `?MERCHANT_ORDER_ID=${'a'.repeat(256)}`,
      "?MERCHANT_ORDER_ID=1'%20OR%20'1'='1",
      '?MERCHANT_ORDER_ID=%E0%A4%A',
    ]) {
      const r = await page(q);
      expect(r.statusCode, q).toBe(400);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.headers['content-security-policy']).toContain("default-src 'none'");
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(r.body).not.toContain('<script>');
      expect(r.body).not.toContain('alert(1)');
      expect(r.body).toContain('Thiếu hoặc sai mã tham chiếu');
      expect(r.body).toContain('Missing or malformed payment reference');
    }
  });

  it('an oversize query: refused before the handler (414/431 from the socket layer is covered in tests/e2e/payments-hostile)', async () => {
    const r = await page(`?MERCHANT_ORDER_ID=${'a'.repeat(20_000)}`);
    expect(r.statusCode).toBe(400);
  });
});
