/**
 * Refunds end to end (issue 14 §3): MoMo's refund API through the sandbox (full, and a lost answer
 * recovered by MoMo's query), manual refunds with a reference, partial refunds, and the ledger's CHECK
 * that refuses an over-refund — from the API, from concurrent requests, and from SQL that bypasses the code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEvent } from '@lienthong/events';
import { validateEventData } from '@lienthong/standard';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually, readTopic } from '../helpers/index.js';
import { paymentsApi } from '../helpers/payments-api.js';
import { createTestPayments, freePort, newMaHoSo, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
let sandbox: TestSandbox;
const api = paymentsApi(() => svc);
const ledger = (id: string) => svc.core.store.get(id);

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  const port = await freePort();
  sandbox = await startTestSandbox({ paymentsUrl: `http://127.0.0.1:${port}`, timeoutHangMs: 3_000 });
  svc = await createTestPayments({
    namespace: ns,
    databaseUrl: db.url,
    port,
    env: { ...sandbox.env, PAYMENTS_CREATE_TIMEOUT_MS: '500' },
  });
  await svc.listen();
});

beforeEach(async () => {
  for (const peer of ['momo', 'vnpay', 'banktransfer'] as const) await sandbox.admin(peer, 'DELETE', '/faults');
});

afterAll(async () => {
  await sandbox?.close();
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

const refund = (id: string, body: unknown, who = 'operator', headers: Record<string, string> = {}) =>
  fetch(`${svc.baseUrl}/v1/payments/${id}/refunds`, {
    method: 'POST',
    headers: { ...api.auth(who), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function paidMomo(amount: number) {
  const p = await api.createPayment('momo', amount);
  expect((await sandbox.admin('momo', 'POST', '/pay', { payUrl: p.payUrl })).status).toBe(200);
  await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'MoMo payment paid' });
  return p;
}
async function paidVietqr(amount: number) {
  const p = await api.createPayment('vietqr', amount);
  await sandbox.admin('banktransfer', 'POST', '/transfer', { payload: p.vietqr!.payload, via: 'payos' });
  await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'transfer settled' });
  return p;
}

describe('refunds through MoMo', () => {
  it('a full refund by the MoMo API: succeeded, in the ledger, at MoMo, and one payment.refunded event', async () => {
    const p = await paidMomo(60_000);
    const r = await refund(p.paymentId, { reason: 'Hồ sơ bị trả lại, hoàn lệ phí' });
    const body = (await r.json()) as {
      state: string;
      amount: number;
      kind: string;
      providerTxnId: string;
      refundedAmount: number;
    };
    expect(r.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ state: 'succeeded', amount: 60_000, kind: 'provider', refundedAmount: 60_000 });
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(60_000);
    const kinds = (await svc.core.store.history(p.paymentId)).map((h) => h.kind);
    expect(kinds.slice(-2)).toEqual(['refund_requested', 'refunded']);
    const atMomo = (await sandbox.admin('momo', 'GET', '/transactions')).body.transactions.find(
      (t: { orderId: string }) => t.orderId === p.orderRef,
    );
    expect(atMomo.refunds).toEqual([
      expect.objectContaining({ amount: 60_000, resultCode: 0, transId: Number(body.providerTxnId) }),
    ]);
    await svc.core.outbox.drain();
    const events = (await readTopic(svc.topic)).filter((rec) => rec.key === p.paymentId).map((rec) => decodeEvent(rec.value));
    expect(events.map((e) => e.type)).toEqual(['vn.lienthong.payment.settled', 'vn.lienthong.payment.refunded']);
    expect(events[1]!.data).toMatchObject({
      amount: 60_000,
      refundedTotal: 60_000,
      full: true,
      kind: 'provider',
      provider: 'momo',
    });
    // The event's data is what its schema says (schemas/events/payment-refunded.v1.json).
    for (const e of events) expect(validateEventData(e.dataschema!, e.data).errors).toEqual([]);
    // Nothing left to refund.
    expect((await refund(p.paymentId, { reason: 'lần nữa' })).status).toBe(409);
  });

  it('MoMo times out on the refund (but made it): pending, then reconciliation finds it in refundTrans and completes it', async () => {
    const p = await paidMomo(30_000);
    await sandbox.admin('momo', 'POST', '/faults', { timeoutRate: 1 });
    const r = await refund(p.paymentId, { amount: 10_000, reason: 'Thu thừa phí thẩm định' });
    expect(r.status).toBe(201);
    expect(((await r.json()) as { state: string }).state).toBe('pending');
    await sandbox.admin('momo', 'DELETE', '/faults');
    const sum = await api.reconcile();
    expect(sum.refunds).toBe(1);
    const list = (await (
      await fetch(`${svc.baseUrl}/v1/payments/${p.paymentId}/refunds`, { headers: api.auth('operator') })
    ).json()) as { refunds: { state: string }[]; refundedAmount: number };
    expect(list.refunds.map((x) => x.state)).toEqual(['succeeded']);
    expect(list.refundedAmount).toBe(10_000);
    expect((await svc.core.store.history(p.paymentId)).find((h) => h.kind === 'refunded')?.source).toBe('reconciliation');
  });
});

describe('refunds through VNPAY', () => {
  async function paidVnpay(amount: number) {
    const p = await api.createPayment('vnpay', amount);
    expect((await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl })).status).toBe(200);
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'VNPAY payment paid' });
    return p;
  }

  it('part, then the rest, by the refund command (both type 03: only a refund of the whole amount at once is 02); the sandbox holds both', async () => {
    const p = await paidVnpay(80_000);
    const first = await refund(p.paymentId, { amount: 30_000, reason: 'Thu thừa lệ phí' });
    expect(await first.json()).toMatchObject({ state: 'succeeded', kind: 'provider', amount: 30_000, refundedAmount: 30_000 });
    const rest = await refund(p.paymentId, { reason: 'Hồ sơ bị từ chối' });
    expect(await rest.json()).toMatchObject({ state: 'succeeded', amount: 50_000, refundedAmount: 80_000 });
    const txn = (await sandbox.admin('vnpay', 'GET', '/transactions')).body.transactions.find(
      (t: { txnRef: string }) => t.txnRef === p.orderRef,
    );
    expect(txn.refunds.map((r: { type: string; amountVnd: number }) => [r.type, r.amountVnd])).toEqual([
      ['03', 30_000],
      ['03', 50_000],
    ]);
  });

  it('a lost refund answer (VNPAY timed out) stays pending; querydr shows no refund, so it fails and frees the amount for a retry', async () => {
    const p = await paidVnpay(40_000);
    await sandbox.admin('vnpay', 'POST', '/faults', { timeoutRate: 1 });
    const r = await refund(p.paymentId, { reason: 'Nộp nhầm hồ sơ', amount: 40_000 });
    expect(((await r.json()) as { state: string }).state).toBe('pending');
    await sandbox.admin('vnpay', 'DELETE', '/faults');
    // The timeout fault never reached the refund: VNPAY shows none, so reconciliation fails it and frees the amount.
    expect((await api.reconcile()).refunds).toBe(1);
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(0);
    const retry = await refund(p.paymentId, { reason: 'Nộp nhầm hồ sơ, lần 2' });
    expect(await retry.json()).toMatchObject({ state: 'succeeded', amount: 40_000 });
  });
});

describe('manual refunds and the over-refund constraint', () => {
  it('bank transfers have no refund API: a manual refund needs a reference; partial refunds add up, never past the amount', async () => {
    const p = await paidVietqr(50_000);
    const noRef = await refund(p.paymentId, { amount: 20_000, reason: 'Nộp thừa' });
    expect(noRef.status).toBe(400);
    expect(((await noRef.json()) as { details: { path: string }[] }).details[0]!.path).toBe('/reference');
    const first = await refund(p.paymentId, { amount: 20_000, reason: 'Nộp thừa', reference: 'VCB-FT2532700001' });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({
      state: 'succeeded',
      kind: 'manual',
      reference: 'VCB-FT2532700001',
      refundedAmount: 20_000,
    });
    const over = await refund(p.paymentId, { amount: 30_001, reason: 'Quá số còn lại', reference: 'VCB-FT2532700002' });
    expect(over.status).toBe(409);
    expect(((await over.json()) as { error: string }).error).toBe('LT_PAY_REFUND_EXCEEDS_PAID');
    const rest = await refund(p.paymentId, { reason: 'Hoàn phần còn lại', reference: 'VCB-FT2532700003' });
    expect(await rest.json()).toMatchObject({ amount: 30_000, refundedAmount: 50_000 });
  });

  it('concurrent refunds of one payment: exactly as many succeed as fit, the rest are refused by the schema', async () => {
    const p = await paidVietqr(50_000);
    const all = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        refund(p.paymentId, { amount: 20_000, reason: 'Hoàn song song', reference: `REF-${i}` }),
      ),
    );
    const codes = all.map((r) => r.status).sort();
    expect(codes).toEqual([201, 201, 409, 409, 409, 409]);
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(40_000);
  });

  it('SQL that bypasses the code cannot over-refund either (CHECK payments_refund_within_paid), nor delete a refund', async () => {
    const p = await paidVietqr(10_000);
    const insert = (amount: number) =>
      svc.pool.query(
        `INSERT INTO payment_refunds (refund_id, payment_id, amount, kind, state, reason, reference, actor, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, $2, 'manual', 'succeeded', 'bypass test', 'X', 'sql', now(), now())`,
        [p.paymentId, amount],
      );
    await expect(insert(10_001)).rejects.toMatchObject({ code: '23514', constraint: 'payments_refund_within_paid' });
    await insert(10_000);
    await expect(insert(1)).rejects.toMatchObject({ code: '23514' });
    await expect(svc.pool.query('DELETE FROM payment_refunds WHERE payment_id = $1', [p.paymentId])).rejects.toThrow(
      /append-only/,
    );
    // An unpaid payment cannot carry a refund at all.
    const open = await api.createPayment('vietqr', 5_000);
    await expect(
      svc.pool.query(
        `INSERT INTO payment_refunds (refund_id, payment_id, amount, kind, state, reason, reference, actor, created_at, updated_at)
         VALUES (gen_random_uuid(), $1, 1, 'manual', 'succeeded', 'bypass test', 'X', 'sql', now(), now())`,
        [open.paymentId],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'payments_refund_within_paid' });
  });
});

describe('who may refund, and retries', () => {
  it('operator only, scoped on the stored agency; not a pending payment; reason required; Idempotency-Key replays', async () => {
    const p = await paidVietqr(8_000);
    expect((await refund(p.paymentId, { reason: 'không được', reference: 'R1' }, 'motcua-h22')).status).toBe(403);
    const h56 = await fetch(`${svc.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: api.auth('motcua-h56'),
      body: JSON.stringify(paymentBody(newMaHoSo('000.00.01.H56'))),
    });
    const h56Id = ((await h56.json()) as { paymentId: string }).paymentId;
    expect((await refund(h56Id, { reason: 'khác tỉnh', reference: 'R2' }, 'operator-h22')).status).toBe(403);
    expect((await refund(h56Id, { reason: 'chưa thanh toán', reference: 'R3' })).status).toBe(409);
    expect((await refund(p.paymentId, { reference: 'R4' })).status).toBe(400);
    const key = { 'idempotency-key': `refund-${p.paymentId}` };
    const a = await refund(p.paymentId, { amount: 3_000, reason: 'Hoàn một phần', reference: 'R5' }, 'operator', key);
    const b = await refund(p.paymentId, { amount: 3_000, reason: 'Hoàn một phần', reference: 'R5' }, 'operator', key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(3_000);
  });

  it('hostile bodies on the refund endpoint: 4xx, nothing recorded', async () => {
    const p = await paidVietqr(7_000);
    for (const body of [
      '{"reason":',
      '[]',
      '{"reason":"hợp lệ","amount":1e400}',
      '{"reason":"hợp lệ","__proto__":{"x":1}}',
      '{"reason":"hợp lệ","amount":-5,"reference":"x"}',
      `{"reason":"${'x'.repeat(70_000)}"}`,
    ]) {
      const r = await refund(p.paymentId, body);
      expect(r.status, body.slice(0, 30)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(0);
  });
});
