/**
 * Refunds end to end (issue 14 §3): MoMo's refund API through the sandbox (full, and a lost answer
 * recovered by MoMo's query), manual refunds with a reference, partial refunds, and the ledger's CHECK
 * that refuses an over-refund — from the API, from concurrent requests, and from SQL that bypasses the code.
 * A refund the provider does not confirm (absent from its query, or not attributable) stays pending on the
 * review list, blocks any other refund of the payment, and ends by the provider's answer or an operator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEvent } from '@lienthong/events';
import { validateEventData } from '@lienthong/standard';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually, readTopic } from '../helpers/index.js';
import { paymentsApi } from '../helpers/payments-api.js';
import {
  createTestPayments,
  freePort,
  H22_MERCHANT,
  newMaHoSo,
  paymentBody,
  type TestPayments,
} from '../../services/payments/test/harness.js';
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

const refunds = async (id: string) =>
  (await (await fetch(`${svc.baseUrl}/v1/payments/${id}/refunds`, { headers: api.auth('operator') })).json()) as {
    refundedAmount: number;
    refunds: { refundId: string; state: string; providerCode: string | null; amount: number }[];
  };
const resolveRefund = (id: string, refundId: string, body: unknown, who = 'operator') =>
  fetch(`${svc.baseUrl}/v1/payments/${id}/refunds/${refundId}/resolve`, {
    method: 'POST',
    headers: api.auth(who),
    body: JSON.stringify(body),
  });
const reviewList = async () =>
  (
    (await (await fetch(`${svc.baseUrl}/v1/admin/payments/review`, { headers: api.auth('operator') })).json()) as {
      payments: { paymentId: string; status: string; reviewReason: string; reviewMessage: string; reviewMessage_en: string }[];
    }
  ).payments;

async function paidMomo(amount: number) {
  const p = await api.createPayment('momo', amount);
  expect((await sandbox.admin('momo', 'POST', '/pay', { payUrl: p.payUrl })).status).toBe(200);
  await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'MoMo payment paid' });
  return p;
}
async function paidVnpay(amount: number) {
  const p = await api.createPayment('vnpay', amount);
  expect((await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl })).status).toBe(200);
  await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'VNPAY payment paid' });
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

  it('a lost refund answer (VNPAY timed out) stays pending; querydr shows no refund, so it stays pending on the review list, amount held, until an operator resolves it', async () => {
    const p = await paidVnpay(40_000);
    await sandbox.admin('vnpay', 'POST', '/faults', { timeoutRate: 1 });
    const r = await refund(p.paymentId, { reason: 'Nộp nhầm hồ sơ', amount: 40_000 });
    const first = (await r.json()) as { state: string; refundId: string };
    expect(first.state).toBe('pending');
    await sandbox.admin('vnpay', 'DELETE', '/faults');
    // The timeout fault never reached the refund: VNPAY shows none. That is an inferred reading, so the refund
    // is NOT failed: it stays pending with its amount held and the payment goes on the review list.
    expect((await api.reconcile()).refunds).toBe(1);
    expect(await ledger(p.paymentId)).toMatchObject({ refundedAmount: 40_000, reviewReason: 'refund_unconfirmed' });
    const listed = await refunds(p.paymentId);
    expect(listed.refunds).toEqual([
      expect.objectContaining({
        refundId: first.refundId,
        state: 'pending',
        providerCode: 'ABSENT',
        unconfirmed: {
          code: 'ABSENT',
          message: expect.stringContaining('không hoàn lại lần nữa'),
          message_en: expect.stringContaining('do not refund again'),
        },
      }),
    ]);
    const review = await reviewList();
    expect(review.find((x) => x.paymentId === p.paymentId)).toMatchObject({
      status: 'paid',
      reviewReason: 'refund_unconfirmed',
      reviewMessage: expect.stringContaining('chưa xác nhận'),
      reviewMessage_en: expect.stringContaining('not confirmed'),
    });
    // Asked again: still nothing at VNPAY, still pending; the history says it once.
    await api.reconcile();
    expect((await refunds(p.paymentId)).refunds[0]!.state).toBe('pending');
    const kinds = (await svc.core.store.history(p.paymentId)).map((h) => h.kind);
    expect(kinds.filter((k) => k === 'refund_unconfirmed')).toHaveLength(1);
    // A second refund cannot start while this one may still happen at VNPAY.
    const again = await refund(p.paymentId, { reason: 'Nộp nhầm hồ sơ, lần 2' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe('LT_PAY_REFUND_IN_PROGRESS');
    // The operator checks VNPAY's merchant portal, finds no refund, and fails it: the amount is freed, the review closed.
    const resolved = await resolveRefund(p.paymentId, first.refundId, {
      outcome: 'failed',
      note: 'Cổng VNPAY không có giao dịch hoàn tiền này',
    });
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({ state: 'failed', providerCode: 'OPERATOR', refundedAmount: 0 });
    expect(await ledger(p.paymentId)).toMatchObject({ refundedAmount: 0, reviewReason: null });
    const last = (await svc.core.store.history(p.paymentId)).slice(-2);
    expect(last.map((h) => [h.kind, h.source])).toEqual([
      ['refund_failed', 'operator'],
      ['review_cleared', 'operator'],
    ]);
    expect(last[0]!.detail).toMatchObject({ actor: 'operator', note: 'Cổng VNPAY không có giao dịch hoàn tiền này' });
    const retry = await refund(p.paymentId, { reason: 'Nộp nhầm hồ sơ, lần 2' });
    expect(await retry.json()).toMatchObject({ state: 'succeeded', amount: 40_000 });
  });

  it('the lost refund lands at VNPAY after all: while it was unconfirmed nothing else could refund, and querydr then completes it', async () => {
    const p = await paidVnpay(25_000);
    await sandbox.admin('vnpay', 'POST', '/faults', { timeoutRate: 1 });
    const first = (await (await refund(p.paymentId, { reason: 'Hồ sơ bị từ chối' })).json()) as { refundId: string };
    await sandbox.admin('vnpay', 'DELETE', '/faults');
    await api.reconcile();
    expect((await refunds(p.paymentId)).refunds[0]).toMatchObject({ state: 'pending', providerCode: 'ABSENT' });
    // Any second refund (provider, manual, partial, concurrent) is refused while the first may still happen.
    const attempts = await Promise.all([
      refund(p.paymentId, { reason: 'Thử lại hoàn phí' }),
      refund(p.paymentId, { reason: 'Hoàn thủ công', mode: 'manual', reference: 'VCB-FT0001' }),
      refund(p.paymentId, { reason: 'Hoàn một phần', amount: 5_000 }),
      refund(p.paymentId, { reason: 'Thử lại hoàn phí' }),
    ]);
    expect(attempts.map((a) => a.status)).toEqual([409, 409, 409, 409]);
    for (const a of attempts) expect(((await a.json()) as { error: string }).error).toBe('LT_PAY_REFUND_IN_PROGRESS');
    expect((await refunds(p.paymentId)).refunds).toHaveLength(1);
    // VNPAY processes the first refund late (as if our lost request had been queued there).
    const stored = (await ledger(p.paymentId))!;
    const { buildVnpayRefund } = await import('@lienthong/vnpay');
    const late = buildVnpayRefund(H22_MERCHANT.vnpay, {
      requestId: 'late0001',
      txnRef: stored.orderRef,
      amountVnd: 25_000,
      full: true,
      transactionDate: stored.providerData.createDate!,
      createBy: 'lienthong-hub',
      createdAt: new Date(),
      ipAddr: '127.0.0.1',
      orderInfo: `Hoan phi ho so ${stored.orderRef}`,
    });
    const landed = await fetch(sandbox.env.VNPAY_API_URL!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(late),
    });
    expect(((await landed.json()) as { vnp_ResponseCode: string }).vnp_ResponseCode).toBe('00');
    // The next check reads querydr's refund (type 02, status 06): succeeded, the review closed, one event.
    await api.reconcile();
    expect((await refunds(p.paymentId)).refunds).toEqual([
      expect.objectContaining({ refundId: first.refundId, state: 'succeeded' }),
    ]);
    expect(await ledger(p.paymentId)).toMatchObject({ refundedAmount: 25_000, reviewReason: null });
    const txn = (await sandbox.admin('vnpay', 'GET', '/transactions')).body.transactions.find(
      (t: { txnRef: string }) => t.txnRef === p.orderRef,
    );
    expect(txn.refunds).toHaveLength(1);
    await svc.core.outbox.drain();
    const events = (await readTopic(svc.topic)).filter((rec) => rec.key === p.paymentId).map((rec) => decodeEvent(rec.value));
    expect(events.map((e) => e.type)).toEqual(['vn.lienthong.payment.settled', 'vn.lienthong.payment.refunded']);
  });

  it('a second refund whose answer is lost cannot be told from the first in querydr: unconfirmed (AMBIGUOUS), not succeeded', async () => {
    const p = await paidVnpay(60_000);
    expect(await (await refund(p.paymentId, { amount: 20_000, reason: 'Thu thừa lệ phí' })).json()).toMatchObject({
      state: 'succeeded',
    });
    await sandbox.admin('vnpay', 'POST', '/faults', { timeoutRate: 1 });
    const second = (await (await refund(p.paymentId, { amount: 10_000, reason: 'Thu thừa phí thẩm định' })).json()) as {
      refundId: string;
      state: string;
    };
    expect(second.state).toBe('pending');
    await sandbox.admin('vnpay', 'DELETE', '/faults');
    // querydr shows the first refund's 06; read as the second's it would mark a refund that never happened as done.
    await api.reconcile();
    const listed = await refunds(p.paymentId);
    expect(listed.refunds.map((x) => [x.state, x.providerCode])).toEqual([
      ['succeeded', '06'],
      ['pending', 'AMBIGUOUS'],
    ]);
    expect(listed.refundedAmount).toBe(30_000);
    expect(await ledger(p.paymentId)).toMatchObject({ reviewReason: 'refund_unconfirmed' });
    await resolveRefund(p.paymentId, second.refundId, { outcome: 'failed', note: 'Cổng VNPAY chỉ có một lần hoàn 20.000 đ' });
    expect(await ledger(p.paymentId)).toMatchObject({ refundedAmount: 20_000, reviewReason: null });
  });
});

describe('a refund pending at the provider blocks any other refund of the payment', () => {
  it('MoMo made the refund but the answer was lost: no second refund can start (so MoMo refunds once), then reconciliation completes it', async () => {
    const p = await paidMomo(30_000);
    await sandbox.admin('momo', 'POST', '/faults', { timeoutRate: 1 });
    const first = await refund(p.paymentId, { reason: 'Hồ sơ bị trả lại' });
    expect(((await first.json()) as { state: string }).state).toBe('pending');
    await sandbox.admin('momo', 'DELETE', '/faults');
    // The operator sees "pending" and tries again, by the API, by hand, partly, several times at once.
    const tries = await Promise.all([
      refund(p.paymentId, { reason: 'Hoàn lại lần nữa' }),
      refund(p.paymentId, { reason: 'Hoàn lại lần nữa' }, 'operator', { 'idempotency-key': `again-${p.paymentId}` }),
      refund(p.paymentId, { reason: 'Hoàn thủ công', mode: 'manual', reference: 'MB-FT0009' }),
      refund(p.paymentId, { reason: 'Hoàn một phần', amount: 1_000 }),
    ]);
    expect(tries.map((t) => t.status)).toEqual([409, 409, 409, 409]);
    const body = (await tries[0]!.json()) as { error: string; message: string; message_en: string; details: unknown[] };
    expect(body).toMatchObject({
      error: 'LT_PAY_REFUND_IN_PROGRESS',
      message: expect.stringContaining('đang chờ'),
      message_en: expect.stringContaining('still pending'),
    });
    // MoMo holds exactly one refund; the ledger one row, its amount held.
    const atMomo = (await sandbox.admin('momo', 'GET', '/transactions')).body.transactions.find(
      (t: { orderId: string }) => t.orderId === p.orderRef,
    );
    expect(atMomo.refunds).toHaveLength(1);
    expect((await refunds(p.paymentId)).refunds).toHaveLength(1);
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(30_000);
    // MoMo's query lists the refund it made: succeeded, once.
    await api.reconcile();
    expect((await refunds(p.paymentId)).refunds.map((x) => x.state)).toEqual(['succeeded']);
    expect(await ledger(p.paymentId)).toMatchObject({ refundedAmount: 30_000, reviewReason: null });
  });

  it('MoMo never got the refund (an error answer) and lists none: pending on the review list; an operator who sees it in the portal completes it', async () => {
    const p = await paidMomo(20_000);
    await sandbox.admin('momo', 'POST', '/faults', { errorRate: 1 });
    const first = (await (await refund(p.paymentId, { reason: 'Nộp trùng lệ phí' })).json()) as {
      refundId: string;
      state: string;
    };
    expect(first.state).toBe('pending');
    await sandbox.admin('momo', 'DELETE', '/faults');
    await api.reconcile();
    expect((await refunds(p.paymentId)).refunds[0]).toMatchObject({
      state: 'pending',
      unconfirmed: expect.objectContaining({ code: 'ABSENT' }),
    });
    expect(await ledger(p.paymentId)).toMatchObject({ refundedAmount: 20_000, reviewReason: 'refund_unconfirmed' });
    // succeeded needs the provider's refund id; other agencies' operators, unknown refunds, a refund not pending: refused.
    const noTxn = await resolveRefund(p.paymentId, first.refundId, { outcome: 'succeeded', note: 'Đã thấy trên cổng MoMo' });
    expect(noTxn.status).toBe(400);
    expect(((await noTxn.json()) as { details: { path: string }[] }).details[0]!.path).toBe('/providerTxnId');
    const h56 = await fetch(`${svc.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: api.auth('motcua-h56'),
      body: JSON.stringify(paymentBody(newMaHoSo('000.00.01.H56'))),
    });
    const h56Id = ((await h56.json()) as { paymentId: string }).paymentId;
    expect((await resolveRefund(h56Id, first.refundId, { outcome: 'failed', note: 'khác tỉnh' }, 'operator-h22')).status).toBe(
      403,
    );
    expect((await resolveRefund(h56Id, first.refundId, { outcome: 'failed', note: 'không phải của giao dịch này' })).status).toBe(
      404,
    );
    expect(
      (await resolveRefund(p.paymentId, first.refundId, { outcome: 'failed', note: 'không có vai trò' }, 'motcua-h22')).status,
    ).toBe(403);
    const ok = await resolveRefund(p.paymentId, first.refundId, {
      outcome: 'succeeded',
      note: 'Cổng MoMo doanh nghiệp có giao dịch hoàn tiền',
      providerTxnId: '4100123456',
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: 'succeeded', providerTxnId: '4100123456', refundedAmount: 20_000 });
    expect((await ledger(p.paymentId))?.reviewReason).toBeNull();
    const twice = await resolveRefund(p.paymentId, first.refundId, { outcome: 'failed', note: 'đổi ý sau khi đã xong' });
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { error: string }).error).toBe('LT_PAY_REFUND_NOT_PENDING');
    await svc.core.outbox.drain();
    const events = (await readTopic(svc.topic)).filter((rec) => rec.key === p.paymentId).map((rec) => decodeEvent(rec.value));
    expect(events.map((e) => e.type)).toEqual(['vn.lienthong.payment.settled', 'vn.lienthong.payment.refunded']);
    expect(events[1]!.data).toMatchObject({ amount: 20_000, full: true, reference: '4100123456' });
  });

  it('a refund left `requested` by a crash (no answer recorded) is pending at its first check, blocks others, and an operator can settle it', async () => {
    const p = await paidVnpay(15_000);
    // The row a refund writes before it calls VNPAY, as a crash right after it would leave it.
    const { rows } = await svc.pool.query(
      `INSERT INTO payment_refunds (refund_id, payment_id, amount, kind, state, reason, actor, provider_ref, created_at, updated_at, next_check_at)
       VALUES (gen_random_uuid(), $1, 5000, 'provider', 'requested', 'Hoàn trước khi sập', 'operator', md5(random()::text), now(), now(), now())
       RETURNING refund_id`,
      [p.paymentId],
    );
    const refundId = rows[0].refund_id as string;
    expect((await refund(p.paymentId, { reason: 'Hoàn thêm', amount: 1_000 })).status).toBe(409);
    // VNPAY's querydr answers nothing verifiable (an unsigned 99): no decision, but no longer `requested`.
    await sandbox.admin('vnpay', 'POST', '/faults', { errorRate: 1 });
    await api.reconcile();
    await sandbox.admin('vnpay', 'DELETE', '/faults');
    expect((await refunds(p.paymentId)).refunds).toEqual([
      expect.objectContaining({ refundId, state: 'pending', providerCode: null }),
    ]);
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(5_000);
    const r = await resolveRefund(p.paymentId, refundId, { outcome: 'failed', note: 'Cổng VNPAY không có yêu cầu hoàn này' });
    expect(r.status).toBe(200);
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(0);
  });

  it('hostile resolve requests: 4xx, nothing changed', async () => {
    const p = await paidMomo(10_000);
    await sandbox.admin('momo', 'POST', '/faults', { errorRate: 1 });
    const first = (await (await refund(p.paymentId, { reason: 'Nộp trùng lệ phí' })).json()) as { refundId: string };
    await sandbox.admin('momo', 'DELETE', '/faults');
    const url = (refundId: string) => `${svc.baseUrl}/v1/payments/${p.paymentId}/refunds/${refundId}/resolve`;
    for (const [refundId, body] of [
      [first.refundId, '{"outcome":'],
      [first.refundId, '[]'],
      [first.refundId, '"failed"'],
      [first.refundId, '{"outcome":"failed"}'],
      [first.refundId, '{"outcome":"refunded","note":"không có trạng thái này"}'],
      [first.refundId, '{"outcome":"failed","note":"ngắn"}'],
      [first.refundId, `{"outcome":"failed","note":"${'x'.repeat(2001)}"}`],
      [first.refundId, '{"outcome":"failed","note":"hợp lệ đủ dài","__proto__":{"state":"failed"}}'],
      [first.refundId, '{"outcome":"failed","note":"hợp lệ đủ dài","extra":1}'],
      [first.refundId, '{"outcome":"succeeded","note":"hợp lệ đủ dài","providerTxnId":"1; DROP TABLE payments"}'],
      [first.refundId, `{"outcome":"succeeded","note":"hợp lệ đủ dài","providerTxnId":"${'9'.repeat(101)}"}`],
      [first.refundId, '{"outcome":"failed","note":"NUL \u0000 trong ghi chú"}'],
      [first.refundId, `{"outcome":"failed","note":"${'x'.repeat(70_000)}"}`],
      ["'%3B--", '{"outcome":"failed","note":"hợp lệ đủ dài"}'],
      ['00000000-0000-0000-0000-000000000000', '{"outcome":"failed","note":"hợp lệ đủ dài"}'],
    ] as const) {
      const r = await fetch(url(refundId), { method: 'POST', headers: api.auth('operator'), body });
      expect(r.status, `${refundId.slice(0, 8)} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect((await refunds(p.paymentId)).refunds.map((x) => x.state)).toEqual(['pending']);
    expect((await ledger(p.paymentId))?.refundedAmount).toBe(10_000);
    // Close it so later reconciliation runs in this file have nothing of ours to report.
    await resolveRefund(p.paymentId, first.refundId, { outcome: 'failed', note: 'Dọn dẹp sau kiểm thử' });
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
