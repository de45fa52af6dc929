/**
 * Issue 16: repeated notifications about an order this instance has seen paid are answered without reading the
 * ledger (src/ledger/settled-orders.ts). The answer must be the one the ledger gives: every notification below
 * goes to an instance that remembers the order and to one that remembers nothing (PAYMENTS_SETTLED_CACHE_SIZE=0,
 * same ledger), and both must answer alike and leave the ledger alike. What writes (a mismatch that moved money,
 * a second transaction) must still reach the ledger; failed payments are never remembered (a late success
 * settles them); and the schema refuses the changes that would make a remembered row wrong (migrations/007).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestNamespace, deleteTestNamespace } from '../../../tests/helpers/index.js';
import {
  countRoundTrips,
  createTestPayments,
  newMaHoSo,
  paymentBody,
  signedVnpayIpn,
  testMerchants,
  type TestPayments,
} from './harness.js';

const H22 = testMerchants.merchants[0]!.vnpay;

let ns: string;
let db: { url: string; drop: () => Promise<void> };
/** Remembers the orders it sees paid (the default). */
let warm: TestPayments;
/** Same ledger, remembers nothing: the ledger's own answer. */
let cold: TestPayments;
let measureWarm: ReturnType<typeof countRoundTrips>;

const ipnAt = async (svc: TestPayments, qs: string) =>
  (await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` })).json().RspCode as string;
const create = async () => {
  const res = await warm.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${warm.keys['motcua-h22']}`, 'content-type': 'application/json' },
    payload: paymentBody(newMaHoSo(), 'vnpay', 50_000),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { paymentId: string; orderRef: string };
};
const ledger = async (paymentId: string) =>
  (
    await warm.pool.query(
      `SELECT p.status, p.amount::int, p.provider_txn_id, p.review_reason,
              (SELECT array_agg(e.kind || ':' || coalesce(e.provider_txn_id, '') ORDER BY e.event_id)
                 FROM payment_events e WHERE e.payment_id = p.payment_id) AS history
       FROM payments p WHERE p.payment_id = $1`,
      [paymentId],
    )
  ).rows[0] as {
    status: string;
    amount: number;
    provider_txn_id: string | null;
    review_reason: string | null;
    history: string[];
  };

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  warm = await createTestPayments({ namespace: ns, databaseUrl: db.url });
  cold = await createTestPayments({ namespace: ns, databaseUrl: db.url, env: { PAYMENTS_SETTLED_CACHE_SIZE: '0' } });
  measureWarm = countRoundTrips(warm.pool);
});

afterAll(async () => {
  await warm?.close();
  await cold?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('a remembered paid order is answered as the ledger answers', () => {
  it('same and other transaction, same and other amount, paid or failed: the same answer with and without the row remembered', async () => {
    const p = await create();
    const notify = (o: { txn: string; amount: number; responseCode?: string; transactionStatus?: string }) =>
      signedVnpayIpn({
        ...H22,
        txnRef: p.orderRef,
        amountVnd: o.amount,
        transactionNo: o.txn,
        ...(o.responseCode ? { responseCode: o.responseCode, transactionStatus: o.transactionStatus ?? '02' } : {}),
      });
    expect(await ipnAt(warm, await notify({ txn: '71000001', amount: 50_000 }))).toBe('00');

    // [what, notification, expected answer [V1], whether the decision writes (so must reach the ledger)]
    const cases: [string, string, string, boolean][] = [
      ['the same notification again', await notify({ txn: '71000001', amount: 50_000 }), '02', false],
      ['same transaction, another amount', await notify({ txn: '71000001', amount: 60_000 }), '04', true],
      ['another transaction, same amount', await notify({ txn: '71000002', amount: 50_000 }), '02', true],
      ['a failure for the paid order', await notify({ txn: '71000001', amount: 50_000, responseCode: '24' }), '02', false],
      ['a failure with another amount', await notify({ txn: '71000003', amount: 70_000, responseCode: '24' }), '04', false],
    ];
    for (const [what, qs, expected, writes] of cases) {
      const fromLedger = await ipnAt(cold, qs);
      const remembered = await measureWarm(() => ipnAt(warm, qs));
      expect([what, fromLedger, remembered.value]).toEqual([what, expected, expected]);
      // A decision that writes goes to the ledger (and is recorded there once); the others cost no round trip.
      if (writes) expect(remembered.sql.length, what).toBeGreaterThan(0);
      else expect(remembered.sql, what).toEqual([]);
    }
    // Recorded as the ledger path records them, once each however many instances saw them.
    expect(await ledger(p.paymentId)).toEqual({
      status: 'paid',
      amount: 50_000,
      provider_txn_id: '71000001',
      review_reason: 'amount_mismatch',
      history: ['created:', 'pending:', 'paid:71000001', 'amount_mismatch:71000001', 'second_transaction:71000002'],
    });
  });

  it('a failed payment is not remembered: its repeat reads the ledger, and a late success still settles it', async () => {
    const p = await create();
    const failure = await signedVnpayIpn({
      ...H22,
      txnRef: p.orderRef,
      amountVnd: 50_000,
      transactionNo: '72000001',
      responseCode: '24',
      transactionStatus: '02',
    });
    expect(await ipnAt(warm, failure)).toBe('00'); // a recorded failure is answered 00 [V1]
    const again = await measureWarm(() => ipnAt(warm, failure));
    expect(again.value).toBe('02');
    expect(again.sql).toHaveLength(1);
    const paid = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '72000002' });
    expect(await ipnAt(warm, paid)).toBe('00');
    expect(await ledger(p.paymentId)).toMatchObject({
      status: 'paid',
      provider_txn_id: '72000002',
      review_reason: 'late_settlement',
    });
    expect(await measureWarm(() => ipnAt(warm, paid))).toEqual({ value: '02', sql: [] });
  });

  it('an order paid through another instance is read once here, then remembered', async () => {
    const p = await create();
    const qs = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '73000001' });
    expect(await ipnAt(cold, qs)).toBe('00');
    const first = await measureWarm(() => ipnAt(warm, qs));
    expect(first.value).toBe('02');
    expect(first.sql).toHaveLength(1);
    expect(await measureWarm(() => ipnAt(warm, qs))).toEqual({ value: '02', sql: [] });
  });
});

describe('the schema keeps a remembered row true (migrations/007)', () => {
  it("refuses changing a paid payment's status, amount, order or transaction, and deleting it; allows its bookkeeping", async () => {
    const p = await create();
    const qs = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '74000001' });
    expect(await ipnAt(warm, qs)).toBe('00');
    const final = /a paid payment's status, amount, order and provider transaction are final/;
    for (const set of ["status = 'failed'", 'amount = 60000', "provider_txn_id = '74000002'", "order_ref = 'X' || order_ref"])
      await expect(warm.pool.query(`UPDATE payments SET ${set} WHERE payment_id = $1`, [p.paymentId]), set).rejects.toThrow(
        final,
      );
    await expect(warm.pool.query('DELETE FROM payments WHERE payment_id = $1', [p.paymentId])).rejects.toThrow(
      /a paid payment is never deleted/,
    );
    await warm.pool.query("UPDATE payments SET review_reason = 'test', updated_at = now() WHERE payment_id = $1", [p.paymentId]);
    expect(await ledger(p.paymentId)).toMatchObject({ status: 'paid', amount: 50_000, provider_txn_id: '74000001' });
    // A payment that is not paid is not held by it.
    const open = await create();
    await warm.pool.query("UPDATE payments SET status_reason = 'test' WHERE payment_id = $1", [open.paymentId]);
  });
});
