/**
 * Creation when the provider misbehaves: a provider that never answers (timeout), answers 500, answers
 * garbage, or refuses. Each gives a clear error to the caller and leaves the ledger row `failed` — never a
 * payment someone could pay, never a "paid" without a verified notification. The providers here are
 * plain HTTP servers scripted by the test (the sandbox's own fault switches are exercised in
 * payments-momo/paygov tests).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../helpers/index.js';
import { createTestPayments, newMaHoSo, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
let provider: Server;
let providerUrl: string;
/** How the fake provider behaves for the next request. */
let behaviour: 'hang' | '500' | 'garbage' | 'refuse' = 'hang';

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  provider = createServer((req, res) => {
    req.resume();
    if (behaviour === 'hang') return; // never answers: the client's timeout must fire
    if (behaviour === '500') return res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
    if (behaviour === 'garbage')
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"resultCode":0,"payUrl":');
    // MoMo answers refusals with a 4xx and a JSON body (41: duplicate orderId); PayGov with error_code ≠ 0.
    if (req.url?.includes('/momo'))
      return res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ resultCode: 41, message: 'Duplicate orderId' }));
    return res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error_code: '5', message: 'Đối tác không hợp lệ' }));
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}`;
  svc = await createTestPayments({
    namespace: ns,
    databaseUrl: db.url,
    env: {
      MOMO_API_URL: `${providerUrl}/momo`,
      PAYGOV_INIT_URL: `${providerUrl}/paygov/init`,
      PAYGOV_QUERY_URL: `${providerUrl}/paygov/query`,
      PAYMENTS_CREATE_TIMEOUT_MS: '300',
    },
  });
});

afterAll(async () => {
  await svc?.close();
  provider?.closeAllConnections();
  await new Promise((r) => provider?.close(r));
  await db?.drop();
  await deleteTestNamespace(ns);
});

async function create(kind: 'momo' | 'paygov') {
  const started = Date.now();
  const res = await svc.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${svc.keys['motcua-h22']}`, 'content-type': 'application/json' },
    payload: paymentBody(newMaHoSo(), kind),
  });
  return { res, ms: Date.now() - started };
}
async function lastPayment() {
  const r = await svc.pool.query('SELECT payment_id FROM payments ORDER BY created_at DESC LIMIT 1');
  return svc.core.store.get(r.rows[0].payment_id);
}

describe('provider trouble on create', () => {
  it.each(['momo', 'paygov'] as const)(
    '%s never answering: 502 LT_PAY_PROVIDER_TIMEOUT within the timeout, row failed, nothing payable',
    async (kind) => {
      behaviour = 'hang';
      const { res, ms } = await create(kind);
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({
        error: 'LT_PAY_PROVIDER_TIMEOUT',
        message_en: expect.stringContaining('did not answer in time'),
      });
      expect(ms).toBeLessThan(3_000);
      const p = await lastPayment();
      expect(p).toMatchObject({
        provider: kind,
        status: 'failed',
        statusReason: 'LT_PAY_PROVIDER_TIMEOUT',
        payUrl: null,
        providerTxnId: null,
        nextCheckAt: null,
      });
      const history = await svc.core.store.history(p!.paymentId);
      expect(history.map((h) => h.kind)).toEqual(['created', 'create_failed']);
      const outbox = await svc.pool.query('SELECT count(*)::int AS n FROM payment_outbox WHERE payment_id = $1', [p!.paymentId]);
      expect(outbox.rows[0].n).toBe(0);
    },
  );

  it.each([
    ['momo', '500', 'LT_PAY_PROVIDER_ERROR'],
    ['momo', 'garbage', 'LT_PAY_PROVIDER_ERROR'],
    ['momo', 'refuse', 'LT_PAY_PROVIDER_REFUSED'],
    ['paygov', '500', 'LT_PAY_PROVIDER_ERROR'],
    ['paygov', 'garbage', 'LT_PAY_PROVIDER_ERROR'],
    ['paygov', 'refuse', 'LT_PAY_PROVIDER_REFUSED'],
  ] as const)('%s answering %s: 502 %s and a failed row', async (kind, how, code) => {
    behaviour = how;
    const { res } = await create(kind);
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toBe(code);
    expect(await lastPayment()).toMatchObject({ provider: kind, status: 'failed', statusReason: code });
  });

  it('counts creations by outcome in /metrics', async () => {
    const m = await svc.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.body).toMatch(/payments_created_total\{provider="momo",outcome="timeout"[^}]*\} 1/);
    expect(m.body).toMatch(/payments_created_total\{[^}]*outcome="refused"/);
  });
});
