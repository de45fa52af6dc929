import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../../../tests/helpers/index.js';
import { createTestPayments, newMaHoSo, paymentBody, type TestPayments } from './harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;

const headers = (id: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${svc.keys[id]}`,
  'content-type': 'application/json',
  ...extra,
});
const post = (url: string, id: string, body: unknown, extra: Record<string, string> = {}) =>
  svc.app.inject({ method: 'POST', url, headers: headers(id, extra), payload: JSON.stringify(body) });
const rowsOf = async (maHoSo: string) =>
  (await svc.pool.query('SELECT payment_id, agency_code, merchant FROM payments WHERE ma_ho_so = $1', [maHoSo])).rows;

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

describe('cross-agency payments (issue 17 §1)', () => {
  it("a client scoped to H22 cannot create a payment for H56's dossier, whatever agencyCode it names", async () => {
    const h56Dossier = newMaHoSo('000.00.01.H56');
    // Before the fix the optional agencyCode decided the agency and the scope: this was a 201 routing
    // H56's fee to H22's merchant.
    const claimed = await post('/v1/payments', 'motcua-h22', { ...paymentBody(h56Dossier), agencyCode: '000.00.01.H22' });
    expect(claimed.statusCode).toBe(403);
    expect(claimed.json()).toMatchObject({ error: 'LT_AUTH_AGENCY_FORBIDDEN', details: [{ path: '/MaHoSo' }] });
    const plain = await post('/v1/payments', 'motcua-h22', paymentBody(h56Dossier));
    expect(plain.statusCode).toBe(403);
    expect(await rowsOf(h56Dossier)).toEqual([]);
  });

  it("the payment's agency is the MaHoSo's; a differing agencyCode is a 400, an equal one is accepted", async () => {
    const d = newMaHoSo('000.00.01.H22');
    const bad = await post('/v1/payments', 'all-submitter', { ...paymentBody(d), agencyCode: '000.00.01.H56' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0]).toMatchObject({ path: '/agencyCode', code: 'LT_PAY_AGENCY_MISMATCH' });
    const ok = await post('/v1/payments', 'motcua-h22', { ...paymentBody(d), agencyCode: '000.00.01.H22' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await rowsOf(d)).toEqual([expect.objectContaining({ agency_code: '000.00.01.H22', merchant: 'LTHUB022' })]);
  });
});

describe('roles: operator routes need the operator role, scoped to the stored payment agency', () => {
  it("a '*' submitter is not an operator", async () => {
    const r = await post('/v1/admin/reconcile', 'all-submitter', { all: false });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toBe('LT_AUTH_ROLE_REQUIRED');
    const review = await svc.app.inject({ method: 'GET', url: '/v1/admin/payments/review', headers: headers('all-submitter') });
    expect(review.statusCode).toBe(403);
  });

  it("an operator of H22 cannot see or resolve H56's payment; the '*' operator can", async () => {
    const created = await post('/v1/payments', 'motcua-h56', paymentBody(newMaHoSo('000.00.01.H56')));
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().paymentId as string;
    const expire = { action: 'expire', note: 'abandoned by the citizen' };
    const refused = await post(`/v1/admin/payments/${id}/resolve`, 'operator-h22', expire);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('LT_AUTH_AGENCY_FORBIDDEN');
    const history = await svc.app.inject({
      method: 'GET',
      url: `/v1/admin/payments/${id}/history`,
      headers: headers('operator-h22'),
    });
    expect(history.statusCode).toBe(403);
    expect((await svc.core.store.get(id))?.status).toBe('pending');
    // A client's own routes are not an operator's: the submitter cannot resolve its own payment.
    expect((await post(`/v1/admin/payments/${id}/resolve`, 'motcua-h56', expire)).statusCode).toBe(403);
    const done = await post(`/v1/admin/payments/${id}/resolve`, 'operator', expire);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().status).toBe('expired');
  });

  it("the review list of an H22 operator holds only H22's payments", async () => {
    await svc.pool.query("UPDATE payments SET review_reason = 'test' WHERE agency_code LIKE '%.H56' OR agency_code LIKE '%.H22'");
    const h22 = await svc.app.inject({ method: 'GET', url: '/v1/admin/payments/review', headers: headers('operator-h22') });
    const all = await svc.app.inject({ method: 'GET', url: '/v1/admin/payments/review', headers: headers('operator') });
    const agencies = (r: typeof h22) =>
      new Set((r.json().payments as { agencyCode: string }[]).map((p) => p.agencyCode.split('.').pop()));
    expect(agencies(h22)).toEqual(new Set(['H22']));
    expect(agencies(all)).toEqual(new Set(['H22', 'H56']));
  });

  it('return pages are public and notifications are signed: no key needed, no key accepted as proof', async () => {
    const page = await svc.app.inject({ method: 'GET', url: '/v1/return/paygov?MaThamChieu=unknown' });
    expect(page.statusCode).toBe(404);
    // An encoded path reaches the same route and the same decision.
    const encoded = await svc.app.inject({
      method: 'POST',
      url: '/%761/payments',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(encoded.statusCode).toBe(401);
  });
});

describe('Idempotency-Key on POST /v1/payments', () => {
  it('the same key and body answer the first 201 again (idempotent-replayed), without a second payment', async () => {
    const d = newMaHoSo();
    const body = paymentBody(d);
    const key = { 'idempotency-key': `k-${d}` };
    const first = await post('/v1/payments', 'motcua-h22', body, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await Promise.all(Array.from({ length: 5 }, () => post('/v1/payments', 'motcua-h22', body, key)));
    for (const r of again) {
      expect(r.statusCode).toBe(201);
      expect(r.headers['idempotent-replayed']).toBe('true');
      expect(r.json()).toEqual(first.json());
    }
    expect(await rowsOf(d)).toHaveLength(1);
  });

  it('the same key with another body is a 409, and concurrent first uses create one payment', async () => {
    const d = newMaHoSo();
    const key = { 'idempotency-key': `race-${d}` };
    const body = paymentBody(d);
    const race = await Promise.all(Array.from({ length: 6 }, () => post('/v1/payments', 'motcua-h22', body, key)));
    const codes = race.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201).length).toBeGreaterThanOrEqual(1);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    expect(await rowsOf(d)).toHaveLength(1);
    const other = await post('/v1/payments', 'motcua-h22', paymentBody(d, 'vnpay', 60_000), key);
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toBe('LT_PAY_IDEMPOTENCY_MISMATCH');
    expect(await rowsOf(d)).toHaveLength(1);
  });

  it('keys are per client, a refused request can be retried with its key, and a bad key is a 400', async () => {
    const d = newMaHoSo();
    const key = { 'idempotency-key': `shared-${d}` };
    const wrongSum = { ...paymentBody(d), amount: 1 };
    expect((await post('/v1/payments', 'motcua-h22', wrongSum, key)).statusCode).toBe(400);
    expect((await post('/v1/payments', 'motcua-h22', paymentBody(d), key)).statusCode).toBe(201);
    // Another client's same key is its own: no replay of H22's answer to anyone else.
    const h56 = await post('/v1/payments', 'all-submitter', paymentBody(newMaHoSo()), key);
    expect(h56.statusCode).toBe(201);
    expect(h56.headers['idempotent-replayed']).toBeUndefined();
    const bad = await post('/v1/payments', 'motcua-h22', paymentBody(newMaHoSo()), { 'idempotency-key': 'x'.repeat(201) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('header:idempotency-key');
  });
});
