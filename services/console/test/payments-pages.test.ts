/**
 * The console's payments page and a dossier's payment lines against payments' real app (its harness: real
 * Postgres, real Kafka producer), each on ITS OWN database: the console has no access to payments' tables, so
 * everything it shows came through payments' read API as the signed-in officer. An officer of a small agency
 * sees its payments and its own counts, whatever another agency holds; pages follow payments' cursor; a
 * refusal by payments is shown, and a payments that does not answer says "dịch vụ chưa sẵn sàng".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '@lienthong/platform';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../../../tests/helpers/index.js';
import { createTestPayments, newMaHoSo, paymentBody, type TestPayments } from '../../payments/test/harness.js';
import { startConsole, TestBrowser, type TestConsole, type TestOperator } from './harness.js';

const A = '000.00.01.H56';
const B = '000.00.02.H22';
const A_ROWS = 3;
const B_ROWS = 600;
const keys = { operator: generateApiKey(), viewerA: generateApiKey(), submitter: generateApiKey() };
const operators: TestOperator[] = [
  { id: 'operator', key: keys.operator, roles: ['operator'] },
  { id: 'viewer-a', key: keys.viewerA, roles: ['viewer'], agencies: [A] },
];

/** The payment ids of a payments page, in order. */
const idsOn = (body: string) => [...body.matchAll(/<tr data-payment="([0-9a-f-]{36})">/g)].map((m) => m[1]!);
const nextLink = (body: string) => /data-testid="next-page" href="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&');
const countOn = (body: string, s: string) => new RegExp(`data-testid="count-${s}">([^<]*)<`).exec(body)?.[1];

describe('console: payments through payments’ read API', () => {
  let ns: string;
  let payDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let consoleDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let payments: TestPayments;
  let c: TestConsole;
  let op: TestBrowser;
  let viewerA: TestBrowser;
  let paymentsClosed = false;

  const ledgerIds = async (where: string, params: unknown[] = []) =>
    (
      await payments.pool.query(
        `SELECT payment_id FROM payments WHERE ${where} ORDER BY created_at DESC, payment_id DESC`,
        params,
      )
    ).rows.map((r: { payment_id: string }) => r.payment_id);

  beforeAll(async () => {
    ns = await createTestNamespace();
    payDb = await createTestDatabase();
    consoleDb = await createTestDatabase();
    payments = await createTestPayments({
      namespace: ns,
      databaseUrl: payDb.url,
      clients: [
        { id: 'motcua-h22', agencies: ['*.H22'], key: keys.submitter },
        { id: 'operator', agencies: ['*'], roles: ['operator'], key: keys.operator },
        { id: 'viewer-a', agencies: [A], roles: ['viewer'], key: keys.viewerA },
      ],
    });
    await payments.listen();
    // B's payments (many, all newer) and A's (a few, older), in payments' own ledger.
    await payments.pool.query(
      `INSERT INTO payments (payment_id, ma_ho_so, agency_code, client_id, provider, merchant, order_ref, amount, fees, status,
         review_reason, provider_txn_id, return_url, created_at, expires_at, updated_at, paid_at)
       SELECT gen_random_uuid(), a || '-250110-' || lpad(i::text, 6, '0'), a, 'seed', 'vnpay', 'M-' || a, a || '-' || i, 10000 + i, '[]'::jsonb,
              (ARRAY['created','pending','paid','failed','expired'])[1 + i % 5], CASE WHEN i % 10 = 0 THEN 'amount_mismatch' END,
              CASE WHEN i % 5 = 2 THEN a || '-TX-' || i END, 'https://motcua.example.gov.vn/kq', ts, ts + interval '15 minutes', ts,
              CASE WHEN i % 5 = 2 THEN ts END
         FROM (VALUES ($1::text, $2::int, '2025-01-10T10:00:00Z'::timestamptz), ($3::text, $4::int, '2024-12-01T10:00:00Z'::timestamptz)) v(a, n, newest),
              LATERAL generate_series(1, v.n) AS i,
              LATERAL (SELECT v.newest - i * interval '1 second' AS ts) t`,
      [B, B_ROWS, A, A_ROWS],
    );
    c = await startConsole({ databaseUrl: consoleDb.url, operators, urls: { payments: payments.baseUrl } });
    op = new TestBrowser(c.app);
    viewerA = new TestBrowser(c.app);
    await op.signIn(keys.operator);
    await viewerA.signIn(keys.viewerA);
  }, 120_000);

  afterAll(async () => {
    await c?.close();
    if (!paymentsClosed) await payments?.close();
    await consoleDb?.drop();
    await payDb?.drop();
    if (ns) await deleteTestNamespace(ns);
  });

  it("shows a small agency's officer all of its payments and its own counts, none of the big agency's", async () => {
    const res = await viewerA.get('/thanh-toan');
    expect(res.statusCode).toBe(200);
    expect(idsOn(res.body)).toEqual(await ledgerIds('agency_code = $1', [A]));
    expect(res.body).not.toContain(B);
    // Counts of A's rows only: i = 1..3 → pending, paid, failed; none under review.
    expect(['created', 'pending', 'paid', 'failed', 'expired', 'review'].map((s) => countOn(res.body, s))).toEqual([
      '0',
      '1',
      '1',
      '1',
      '0',
      '0',
    ]);
    expect(res.body).not.toContain('data-testid="next-page"');
    // A viewer gets no action forms.
    expect(res.body).not.toContain('/xu-ly');
  });

  it('pages through payments’ cursor: every payment once, in order, 100 a page', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/thanh-toan';
    let pages = 0;
    while (url) {
      const res = await op.get(url);
      expect(res.statusCode, url).toBe(200);
      seen.push(...idsOn(res.body));
      url = nextLink(res.body);
      if (url) expect(url).toMatch(/^\/thanh-toan\?cursor=[A-Za-z0-9_-]+$/);
      pages++;
      expect(pages).toBeLessThan(20);
    }
    expect(pages).toBe(Math.ceil((A_ROWS + B_ROWS) / 100));
    expect(seen).toEqual(await ledgerIds('TRUE'));
    // A '*' operator's counts are every agency's (fewer than 1,000: no thousands separator).
    const paid = (await payments.pool.query(`SELECT count(*)::int AS n FROM payments WHERE status = 'paid'`)).rows[0].n as number;
    expect(countOn((await op.get('/thanh-toan')).body, 'paid')).toBe(String(paid));
  });

  it('filters by status, by the review list and by MaHoSo, keeping the filter on the next page', async () => {
    const review = await op.get('/thanh-toan?status=review');
    expect(idsOn(review.body)).toEqual((await ledgerIds('review_reason IS NOT NULL')).slice(0, 100));
    const paid = await op.get('/thanh-toan?status=paid');
    expect(idsOn(paid.body)).toEqual((await ledgerIds(`status = 'paid'`)).slice(0, 100));
    const failed = await op.get('/thanh-toan?status=failed');
    expect(idsOn(failed.body)).toEqual((await ledgerIds(`status = 'failed'`)).slice(0, 100));
    const one = await op.get(`/thanh-toan?maHoSo=${B}-250110-000007`);
    expect(idsOn(one.body)).toEqual(await ledgerIds('ma_ho_so = $1', [`${B}-250110-000007`]));
    // 120 created payments: two pages, the filter carried by the next-page link.
    const created = await op.get('/thanh-toan?status=created');
    const second = nextLink(created.body)!;
    expect(second).toMatch(/^\/thanh-toan\?status=created&cursor=/);
    const rest = await op.get(second);
    expect([...idsOn(created.body), ...idsOn(rest.body)]).toEqual(await ledgerIds(`status = 'created'`));
    expect(idsOn(rest.body)).toHaveLength(20);
    expect(nextLink(rest.body)).toBeUndefined();
    expect(rest.body).toContain('href="/thanh-toan?status=created"');
    // A MaHoSo of another agency: the officer's page is empty, not an error.
    const foreign = await viewerA.get(`/thanh-toan?maHoSo=${B}-250110-000007`);
    expect(foreign.statusCode).toBe(200);
    expect(idsOn(foreign.body)).toEqual([]);
  });

  it('shows payments’ refusal of a cursor it did not write, and drops a malformed one itself', async () => {
    const refused = await op.get('/thanh-toan?cursor=AAAA');
    expect(refused.statusCode).toBe(200);
    expect(refused.body).toContain('LT_PAY_INVALID_REQUEST');
    expect(idsOn(refused.body)).toEqual([]);
    const hostile = await op.get(`/thanh-toan?cursor=${encodeURIComponent('<script>alert(1)</script>')}&status=paid`);
    expect(hostile.statusCode).toBe(200);
    expect(hostile.body).not.toContain('<script>alert(1)');
    // The bad cursor is dropped (and named); the status filter still applies.
    expect(hostile.body).toContain('cursor');
    expect(idsOn(hostile.body)).toEqual((await ledgerIds(`status = 'paid'`)).slice(0, 100));
  });

  it("tells a dossier's payment story from payments' history, to its agency's officers only", async () => {
    const m = newMaHoSo('000.00.01.H22');
    const created = await fetch(`${payments.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.submitter}`, 'content-type': 'application/json' },
      body: JSON.stringify(paymentBody(m, 'vnpay', 80_000)),
    });
    expect(created.status).toBe(201);
    const page = await op.get(`/ho-so/${encodeURIComponent(m)}`);
    expect(page.statusCode).toBe(200);
    const timeline = /<ol class="timeline" data-testid="timeline">([\s\S]*?)<\/ol>/.exec(page.body)?.[1] ?? '';
    expect(timeline).toContain('<span data-testid="payment-status">pending</span>');
    expect(timeline).toContain('80.000');
    expect(timeline).toMatch(/payments · api<\/span> <strong>Thanh toán · vnpay · created/);
    expect(timeline).toMatch(/payments · api<\/span> <strong>Thanh toán · vnpay · pending/);
    expect(page.body).not.toContain('Dịch vụ payments chưa sẵn sàng');
    // A's officer: the console itself refuses another agency's dossier.
    expect((await viewerA.get(`/ho-so/${encodeURIComponent(m)}`)).statusCode).toBe(404);
    // A's own dossier (seeded, no history rows): its payment shows.
    const aPage = await viewerA.get(`/ho-so/${A}-250110-000002`);
    expect(aPage.statusCode).toBe(200);
    expect(aPage.body).toContain('<span data-testid="payment-status">paid</span>');
  });

  it('says "dịch vụ chưa sẵn sàng" on both pages when payments does not answer, and still renders', async () => {
    await payments.close();
    paymentsClosed = true;
    const list = await op.get('/thanh-toan');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Dịch vụ payments chưa sẵn sàng');
    expect(idsOn(list.body)).toEqual([]);
    expect(countOn(list.body, 'paid')).toBe('—');
    const timeline = await op.get(`/ho-so/${B}-250110-000007`);
    expect(timeline.statusCode).toBe(200);
    expect(timeline.body).toContain('Dịch vụ payments chưa sẵn sàng');
  });
});
