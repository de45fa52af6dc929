/**
 * The ledger's read API for operators, auditors and viewers (routes/read-routes.ts) on real Postgres: agency
 * scope applied in the query (a small agency's officer sees its payments and only its figures however many
 * rows other agencies hold), keyset pages, filters, refusals of malformed, hostile and oversize query strings,
 * 401/403, and a dossier's history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../../../tests/helpers/index.js';
import { createTestPayments, newMaHoSo, paymentBody, type TestPayments } from './harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;

/** B: one H22 unit with thousands of payments, all newer than A's. A: one H56 unit with a handful. */
const B = '000.00.02.H22';
const B2 = '000.00.03.H22';
const A = '000.00.01.H56';
const B_ROWS = 3_000;
const B2_ROWS = 40;
const A_ROWS = 7;
const STATUSES = ['created', 'pending', 'paid', 'failed', 'expired'] as const;

interface ListItem {
  paymentId: string;
  MaHoSo: string;
  agencyCode: string;
  provider: string;
  amount: number;
  refundedAmount: number;
  status: string;
  statusReason: string | null;
  reviewReason: string | null;
  providerTxnId: string | null;
  createdAt: string;
  updatedAt: string;
  paidAt: string | null;
  expiresAt: string;
}
interface ListAnswer {
  payments: ListItem[];
  nextCursor: string | null;
}

const get = (url: string, as?: string, headers: Record<string, string> = {}) =>
  svc.app.inject({
    method: 'GET',
    url,
    headers: { ...(as ? { authorization: `Bearer ${svc.keys[as]}` } : {}), ...headers },
  });

async function list(as: string, query: Record<string, string> = {}): Promise<ListAnswer> {
  const res = await get(`/v1/payments?${new URLSearchParams(query).toString()}`, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ListAnswer;
}

/** Every page of a listing, following nextCursor. */
async function walk(as: string, query: Record<string, string>): Promise<{ items: ListItem[]; pages: number }> {
  const items: ListItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: ListAnswer = await list(as, { ...query, ...(cursor ? { cursor } : {}) });
    items.push(...page.payments);
    cursor = page.nextCursor;
    pages++;
    if (pages > 100) throw new Error('no end to the pages');
  } while (cursor);
  return { items, pages };
}

/** The ids the ledger itself holds for `where`, in the list's order: what the pages must add up to. */
async function ledgerIds(where: string, params: unknown[] = []): Promise<string[]> {
  const r = await svc.pool.query(
    `SELECT payment_id FROM payments WHERE ${where} ORDER BY created_at DESC, payment_id DESC`,
    params,
  );
  return r.rows.map((x: { payment_id: string }) => x.payment_id);
}

/**
 * Seeds `n` payments of `agency` straight into payments' own ledger (this is payments' test, on its own
 * database). Three payments share each timestamp (the page boundary must break ties on the id), timestamps
 * carry microseconds (a cursor kept to the millisecond would repeat or skip rows), every fifth status cycles,
 * every 50th is under review, providers alternate.
 */
async function seed(agency: string, n: number, newestAt: string, tag: string): Promise<void> {
  await svc.pool.query(
    `INSERT INTO payments (payment_id, ma_ho_so, agency_code, client_id, provider, merchant, order_ref, amount, fees, status,
       review_reason, provider_txn_id, return_url, created_at, expires_at, updated_at, paid_at)
     SELECT gen_random_uuid(), $1 || '-250110-' || lpad(i::text, 6, '0'), $1, 'seed', (ARRAY['vnpay','momo','vietqr'])[1 + i % 3],
            'M-' || $3, $3 || '-' || i, 10000 + i, '[]'::jsonb, (ARRAY['created','pending','paid','failed','expired'])[1 + i % 5],
            CASE WHEN i % 50 = 0 THEN 'amount_mismatch' END,
            CASE WHEN i % 5 = 2 THEN $3 || '-TX-' || i END,
            'https://motcua.example.gov.vn/kq', ts, ts + interval '15 minutes', ts + interval '1 minute',
            CASE WHEN i % 5 = 2 THEN ts + interval '30 seconds' END
       FROM generate_series(1, $2::int) AS i,
            LATERAL (SELECT $4::timestamptz - (i / 3) * interval '1.000017 second' AS ts) t`,
    [agency, n, tag, newestAt],
  );
}

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  svc = await createTestPayments({
    namespace: ns,
    databaseUrl: db.url,
    clients: [
      { id: 'motcua-h22', agencies: ['*.H22'] },
      { id: 'motcua-a', agencies: [A] },
      { id: 'operator', agencies: ['*'], roles: ['operator'] },
      { id: 'operator-a', agencies: [A], roles: ['operator'] },
      { id: 'viewer-a', agencies: [A], roles: ['viewer'] },
      { id: 'auditor-a', agencies: [A], roles: ['auditor'] },
      { id: 'viewer-h22', agencies: ['*.H22'], roles: ['viewer'] },
      { id: 'operator-b2', agencies: [B2, A], roles: ['operator'] },
    ],
  });
  // A's payments are all OLDER than every one of B's: a listing that takes the newest rows and filters the
  // agency afterwards shows A's officer nothing at all.
  await seed(B, B_ROWS, '2025-01-10T10:00:00.123456Z', 'B');
  await seed(B2, B2_ROWS, '2025-01-10T09:00:00.654321Z', 'B2');
  await seed(A, A_ROWS, '2024-12-01T08:00:00.000001Z', 'A');
  // A refund recorded on one of A's paid payments (the column the refund trigger keeps).
  await svc.pool.query(
    `UPDATE payments SET refunded_amount = 2000 WHERE payment_id = (SELECT payment_id FROM payments WHERE agency_code = $1 AND status = 'paid' ORDER BY created_at LIMIT 1)`,
    [A],
  );
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('GET /v1/payments: agency scope in the query', () => {
  it("shows A's officer all of A's payments and none of B's, though B has thousands more and newer", async () => {
    for (const as of ['operator-a', 'viewer-a', 'auditor-a']) {
      const page = await list(as, { limit: '200' });
      expect(page.payments).toHaveLength(A_ROWS);
      expect(new Set(page.payments.map((p) => p.agencyCode))).toEqual(new Set([A]));
      expect(page.nextCursor).toBeNull();
      expect(page.payments.map((p) => p.paymentId)).toEqual(await ledgerIds('agency_code = $1', [A]));
    }
    // Page by page too: the first page of 2 is A's two newest, not an empty page of B's rows filtered away.
    const small = await walk('operator-a', { limit: '2' });
    expect(small.pages).toBe(Math.ceil(A_ROWS / 2));
    expect(small.items.map((p) => p.paymentId)).toEqual(await ledgerIds('agency_code = $1', [A]));
  });

  it('applies a province pattern (*.H22) and a list of agencies on the row agency', async () => {
    const h22 = await walk('viewer-h22', { limit: '200' });
    expect(h22.items).toHaveLength(B_ROWS + B2_ROWS);
    expect(h22.items.every((p) => p.agencyCode.endsWith('.H22'))).toBe(true);
    const mixed = await walk('operator-b2', { limit: '200' });
    expect(mixed.items.map((p) => p.paymentId)).toEqual(await ledgerIds('agency_code = ANY($1)', [[B2, A]]));
  });

  it('never widens the scope through a filter or a cursor taken by someone else', async () => {
    expect((await list('operator-a', { maHoSo: `${B}-250110-000001` })).payments).toEqual([]);
    expect(
      (await list('operator-a', { status: 'paid', provider: 'momo', review: 'false' })).payments.every((p) => p.agencyCode === A),
    ).toBe(true);
    // A cursor from the middle of B's list (handed over by a '*' operator) only positions A's officer.
    const first = await list('operator', { limit: '5' });
    expect(first.nextCursor).not.toBeNull();
    const after = await list('operator-a', { cursor: first.nextCursor! });
    expect(after.payments.map((p) => p.paymentId)).toEqual(await ledgerIds('agency_code = $1', [A]));
  });

  it('returns what the console shows, and nothing a viewer should not see', async () => {
    const page = await list('viewer-a', { status: 'paid' });
    const refunded = page.payments.find((p) => p.refundedAmount > 0)!;
    expect(refunded).toMatchObject({
      agencyCode: A,
      status: 'paid',
      refundedAmount: 2000,
      provider: expect.stringMatching(/^(vnpay|momo|vietqr)$/),
      providerTxnId: expect.stringMatching(/^A-TX-/),
      paidAt: expect.stringMatching(/Z$/),
    });
    expect(Object.keys(refunded).sort()).toEqual(
      [
        'paymentId',
        'MaHoSo',
        'agencyCode',
        'provider',
        'amount',
        'refundedAmount',
        'status',
        'statusReason',
        'reviewReason',
        'providerTxnId',
        'createdAt',
        'updatedAt',
        'paidAt',
        'expiresAt',
      ].sort(),
    );
  });
});

describe('GET /v1/payments: pages and filters', () => {
  it('walks 3,000+ rows in pages of 200: every row once, in order, though three rows share each timestamp', async () => {
    const all = await walk('operator', { limit: '200' });
    const expected = await ledgerIds('TRUE');
    expect(all.items.length).toBe(expected.length);
    expect(all.pages).toBe(Math.ceil(expected.length / 200));
    expect(all.items.map((p) => p.paymentId)).toEqual(expected);
  });

  it('ends with nextCursor null exactly when no row follows', async () => {
    const page = await list('operator-a', { limit: String(A_ROWS) });
    expect(page.payments).toHaveLength(A_ROWS);
    expect(page.nextCursor).toBeNull();
    const shorter = await list('operator-a', { limit: String(A_ROWS - 1) });
    expect(shorter.nextCursor).not.toBeNull();
    const last = await list('operator-a', { limit: '200', cursor: shorter.nextCursor! });
    expect(last.payments).toHaveLength(1);
    expect(last.nextCursor).toBeNull();
  });

  it('defaults to 50 a page', async () => {
    const page = await list('operator');
    expect(page.payments).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
  });

  it.each([
    [{ status: 'paid' }, `status = 'paid'`],
    [{ status: 'expired' }, `status = 'expired'`],
    [{ review: 'true' }, 'review_reason IS NOT NULL'],
    [{ review: 'false' }, 'review_reason IS NULL'],
    [{ provider: 'momo' }, `provider = 'momo'`],
    [{ maHoSo: `${B}-250110-000042` }, `ma_ho_so = '${B}-250110-000042'`],
    [
      { status: 'created', review: 'true', provider: 'vietqr' },
      `status = 'created' AND review_reason IS NOT NULL AND provider = 'vietqr'`,
    ],
  ])('filters %j on every page, scoped', async (query, where) => {
    const scoped = await walk('viewer-h22', { ...query, limit: '200' });
    expect(scoped.items.map((p) => p.paymentId)).toEqual(await ledgerIds(`agency_code LIKE '%.H22' AND ${where}`));
    expect(scoped.items.length).toBeGreaterThan(0);
  });
});

describe('GET /v1/payments/counts', () => {
  it("counts A's payments only for A's officer, per status and under review", async () => {
    const res = await get('/v1/payments/counts', 'viewer-a');
    expect(res.statusCode).toBe(200);
    const expected = (
      await svc.pool.query(
        `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE review_reason IS NOT NULL)::int AS r FROM payments WHERE agency_code = $1 GROUP BY status`,
        [A],
      )
    ).rows as { status: string; n: number; r: number }[];
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, expected.find((e) => e.status === s)?.n ?? 0]));
    expect(res.json()).toEqual({ byStatus, review: expected.reduce((a, e) => a + e.r, 0), total: A_ROWS });
  });

  it('counts a province for its viewer and everything for a * operator', async () => {
    const h22 = (await get('/v1/payments/counts', 'viewer-h22')).json() as {
      total: number;
      review: number;
      byStatus: Record<string, number>;
    };
    expect(h22.total).toBe(B_ROWS + B2_ROWS);
    expect(Object.values(h22.byStatus).reduce((a, b) => a + b, 0)).toBe(B_ROWS + B2_ROWS);
    expect(h22.review).toBe(Math.floor(B_ROWS / 50));
    const all = (await get('/v1/payments/counts', 'operator')).json() as { total: number };
    expect(all.total).toBe(Number((await svc.pool.query('SELECT count(*) AS n FROM payments')).rows[0].n));
  });
});

describe('GET /v1/dossiers/:MaHoSo/payments', () => {
  it("gives a dossier's payments and their history, oldest first, to its agency's readers only", async () => {
    const m = newMaHoSo('000.00.01.H22');
    const created = await svc.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${svc.keys['motcua-h22']}`, 'content-type': 'application/json' },
      payload: JSON.stringify(paymentBody(m, 'vnpay', 60_000)),
    });
    expect(created.statusCode, created.body).toBe(201);
    const { paymentId } = created.json() as { paymentId: string };
    const expired = await svc.app.inject({
      method: 'POST',
      url: `/v1/admin/payments/${paymentId}/resolve`,
      headers: { authorization: `Bearer ${svc.keys.operator}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ action: 'expire', note: 'công dân bỏ dở thanh toán' }),
    });
    expect(expired.statusCode, expired.body).toBe(200);

    for (const as of ['viewer-h22', 'operator']) {
      const res = await get(`/v1/dossiers/${encodeURIComponent(m)}/payments`, as);
      expect(res.statusCode).toBe(200);
      const body = res.json() as {
        MaHoSo: string;
        payments: ListItem[];
        history: {
          paymentId: string;
          kind: string;
          fromStatus: string | null;
          toStatus: string;
          source: string;
          provider: string;
        }[];
        historyTruncated: boolean;
      };
      expect(body.MaHoSo).toBe(m);
      expect(body.payments).toEqual([expect.objectContaining({ paymentId, status: 'expired', amount: 60_000, MaHoSo: m })]);
      expect(body.history.map((h) => [h.kind, h.fromStatus, h.toStatus, h.source])).toEqual([
        ['created', null, 'created', 'api'],
        ['pending', 'created', 'pending', 'api'],
        ['expired', 'pending', 'expired', 'operator'],
      ]);
      expect(body.history.every((h) => h.paymentId === paymentId && h.provider === 'vnpay')).toBe(true);
      // The operator's note and client id stay in the admin history (operators only), not in this view.
      expect(res.body).not.toContain('công dân bỏ dở');
      expect(body.historyTruncated).toBe(false);
    }
    // Another agency's officer: nothing read, the same answer as a dossier without payments.
    const other = await get(`/v1/dossiers/${encodeURIComponent(m)}/payments`, 'operator-a');
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual({ MaHoSo: m, payments: [], history: [], historyTruncated: false });
  });
});

describe('refusals', () => {
  it('401 without a key or with an unknown one, 403 for a one-stop system (submitter)', async () => {
    for (const url of ['/v1/payments', '/v1/payments/counts', `/v1/dossiers/${A}-250110-000001/payments`]) {
      const none = await get(url);
      expect(none.statusCode, url).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect((await get(url, undefined, { authorization: 'Bearer lt_not-a-key' })).statusCode, url).toBe(401);
      expect((await get(url, undefined, { authorization: 'Basic b3A6b3A=' })).statusCode, url).toBe(401);
      const submitter = await get(url, 'motcua-a');
      expect(submitter.statusCode, url).toBe(403);
      expect(submitter.json()).toMatchObject({ error: 'LT_AUTH_ROLE_REQUIRED' });
    }
  });

  const long = (n: number, c: string) => c.repeat(n);
  it.each([
    { label: 'limit=0', query: 'limit=0', name: 'limit' },
    { label: 'limit=201', query: 'limit=201', name: 'limit' },
    { label: 'limit=abc', query: 'limit=abc', name: 'limit' },
    { label: 'limit=%00', query: 'limit=%00', name: 'limit' },
    { label: 'status twice', query: 'status=paid&status=failed', name: 'status' },
    { label: 'status=<script>', query: 'status=%3Cscript%3Ealert(1)%3C%2Fscript%3E', name: 'status' },
    { label: 'review=1', query: 'review=1', name: 'review' },
    { label: 'provider=visa', query: 'provider=visa', name: 'provider' },
    { label: 'maHoSo with SQL', query: `maHoSo=${encodeURIComponent("x' OR '1'='1")}`, name: 'maHoSo' },
    { label: 'maHoSo of 5,000 characters', query: `maHoSo=${long(5000, '9')}`, name: 'maHoSo' },
    { label: 'cursor=AAAA', query: 'cursor=AAAA', name: 'cursor' },
    { label: 'cursor of 4,000 characters', query: `cursor=${long(4000, 'A')}`, name: 'cursor' },
    { label: 'agency=*', query: 'agency=*', name: 'agency' },
    { label: '__proto__=x', query: '__proto__=x', name: '__proto__' },
    { label: 'constructor=x', query: 'constructor=x', name: 'constructor' },
  ])('GET /v1/payments with $label is a 400 naming $name', async ({ query, name }) => {
    const res = await get(`/v1/payments?${query}`, 'operator');
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json() as { error: string; message: string; message_en: string; details: { path: string }[] };
    expect(body.error).toBe('LT_PAY_INVALID_REQUEST');
    expect(body.message_en).toContain(name);
    expect(body.details.map((d) => d.path)).toContain(`querystring/${name}`);
    expect(res.body.length).toBeLessThan(2_000);
    expect(res.body).not.toContain('<script>');
  });

  it('refuses parameters on the routes that take none, and a malformed MaHoSo in the path', async () => {
    const counts = await get('/v1/payments/counts?agency=000.00.02.H22', 'operator-a');
    expect(counts.statusCode).toBe(400);
    expect(counts.json()).toMatchObject({ details: [{ path: 'querystring/agency' }] });
    const dossierQuery = await get(`/v1/dossiers/${A}-250110-000001/payments?limit=5`, 'operator-a');
    expect(dossierQuery.statusCode).toBe(400);
    for (const bad of ["x'--", '%3Cscript%3E', `${A}-250110-1`, `${'9'.repeat(150)}-250110-0001`]) {
      const res = await get(`/v1/dossiers/${bad}/payments`, 'operator-a');
      expect(res.statusCode, bad).toBe(400);
      const body = res.json() as { error: string; details: { path: string }[] };
      expect(body.error).toBe('LT_HTTP_BAD_REQUEST');
      expect(new Set(body.details.map((d) => d.path))).toEqual(new Set(['params/MaHoSo']));
    }
  });

  it('is in the OpenAPI document with its bearer security', async () => {
    const doc = (await get('/docs/json')).json() as { paths: Record<string, { get?: { security?: unknown } }> };
    for (const p of ['/v1/payments', '/v1/payments/counts', '/v1/dossiers/{MaHoSo}/payments'])
      expect(doc.paths[p]?.get?.security, p).toEqual([{ bearer: [] }]);
  });
});
