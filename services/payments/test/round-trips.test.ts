/**
 * Issue 16, "payments: one round trip per notification where possible". Pins the Postgres round trips a
 * notification costs (forged 0, unknown order 1, first delivery 2: read + one settling statement; a duplicate 0
 * on an instance that has seen the order paid, 1 on another; a payOS transfer 4, re-sent 1), so a change that
 * adds one back fails here; and checks the places where doing
 * it in fewer round trips could have cost a guarantee: a decision that went stale between the read and the
 * write, a group of settlements with one bad item, and two payments of one dossier settling at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually } from '../../../tests/helpers/index.js';
import { payosSignature } from '@lienthong/vietqr';
import {
  countRoundTrips,
  createTestPayments,
  H22_MERCHANT,
  newMaHoSo,
  paymentBody,
  signedVnpayIpn,
  testMerchants,
  type TestPayments,
} from './harness.js';

const H22 = testMerchants.merchants[0]!.vnpay;

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;

let measure: ReturnType<typeof countRoundTrips>;

const create = async (maHoSo = newMaHoSo()) => {
  const res = await svc.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${svc.keys['motcua-h22']}`, 'content-type': 'application/json' },
    payload: paymentBody(maHoSo, 'vnpay', 50_000),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { paymentId: string; orderRef: string };
};
const ipn = async (qs: string) => (await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` })).json().RspCode as string;
const ledger = async (paymentId: string) =>
  (
    await svc.pool.query(
      `SELECT p.status, p.provider_txn_id, p.review_reason,
              (SELECT count(*)::int FROM payment_events e WHERE e.payment_id = p.payment_id AND e.kind = 'paid') AS paid_entries,
              (SELECT count(*)::int FROM payment_outbox o WHERE o.payment_id = p.payment_id) AS outbox_rows
       FROM payments p WHERE p.payment_id = $1`,
      [paymentId],
    )
  ).rows[0] as {
    status: string;
    provider_txn_id: string | null;
    review_reason: string | null;
    paid_entries: number;
    outbox_rows: number;
  };

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  svc = await createTestPayments({ namespace: ns, databaseUrl: db.url });
  // The relay's own passes would be counted with the notification that kicked them.
  await svc.core.outbox.stop();
  measure = countRoundTrips(svc.pool);
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('round trips per notification', () => {
  it('forged 0, unknown order 1, first delivery 2, duplicate 0 here and 1 on another instance — and each still does what it must', async () => {
    const p = await create();
    const good = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '61000001' });
    const forged = await signedVnpayIpn({
      ...H22,
      hashSecret: 'NOT-THE-SECRET-FORGED-0000000',
      txnRef: p.orderRef,
      amountVnd: 50_000,
    });
    const unknown = await signedVnpayIpn({ ...H22, txnRef: 'F'.repeat(32), amountVnd: 50_000 });

    const f = await measure(() => ipn(forged));
    expect(f).toEqual({ value: '97', sql: [] });
    const u = await measure(() => ipn(unknown));
    expect(u.value).toBe('01');
    expect(u.sql).toHaveLength(1);
    const v = await measure(() => ipn(good));
    expect(v.value).toBe('00');
    expect(v.sql).toHaveLength(2);
    expect(v.sql[1]).toMatch(/payments_settle_paid/);
    // This instance saw the order paid: the repeat is answered from settled-orders.ts, no round trip.
    const d = await measure(() => ipn(good));
    expect(d).toEqual({ value: '02', sql: [] });
    // Another instance of the service (same ledger) has not: one read, then it too remembers the order.
    const other = await createTestPayments({ namespace: ns, databaseUrl: db.url });
    try {
      await other.core.outbox.stop();
      const measureOther = countRoundTrips(other.pool);
      const ipnOther = async (qs: string) =>
        (await other.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` })).json().RspCode as string;
      const cold = await measureOther(() => ipnOther(good));
      expect(cold.value).toBe('02');
      expect(cold.sql).toHaveLength(1);
      expect(await measureOther(() => ipnOther(good))).toEqual({ value: '02', sql: [] });
    } finally {
      await other.close();
    }
    expect(await ledger(p.paymentId)).toEqual({
      status: 'paid',
      provider_txn_id: '61000001',
      review_reason: null,
      paid_entries: 1,
      outbox_rows: 1,
    });
  });

  it('a payOS transfer: first delivery 4 round trips (record and match, read, settle, outcome), a re-sent one 1', async () => {
    const res = await svc.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${svc.keys['motcua-h22']}`, 'content-type': 'application/json' },
      payload: paymentBody(newMaHoSo(), 'vietqr', 50_000),
    });
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json() as { paymentId: string; vietqr: { transferCode: string } };
    const data = {
      orderCode: 1,
      amount: 50_000,
      description: `MBVCB.1.${p.vietqr.transferCode}.CT`,
      accountNumber: H22_MERCHANT.vietqr.accountNumber,
      reference: 'FT61000003',
      code: '00',
      desc: 'success',
      currency: 'VND',
    };
    const body = {
      code: '00',
      desc: 'success',
      success: true,
      data,
      signature: payosSignature(H22_MERCHANT.vietqr.payos.checksumKey, data),
    };
    const send = async () => {
      const r = await svc.app.inject({ method: 'POST', url: '/v1/ipn/payos', payload: body });
      return `${r.statusCode} ${r.json().outcome}`;
    };
    const first = await measure(send);
    expect(first.value).toBe('200 settled');
    expect(first.sql).toHaveLength(4);
    const again = await measure(send);
    expect(again.value).toBe('200 settled');
    expect(again.sql).toHaveLength(1);
    expect(await ledger(p.paymentId)).toMatchObject({
      status: 'paid',
      provider_txn_id: 'payos:FT61000003',
      paid_entries: 1,
      outbox_rows: 1,
    });
  });

  it('a reconciliation answer settles in the same 2 round trips, and its duplicate costs 1', async () => {
    const p = await create();
    const obs = { kind: 'paid', amount: 50_000, providerTxnId: '61000002', providerCode: '00' } as const;
    const first = await measure(() => svc.core.settlement.apply({ paymentId: p.paymentId }, obs, 'reconciliation'));
    expect(first.value.outcome).toBe('applied');
    expect(first.sql).toHaveLength(2);
    const again = await measure(() => svc.core.settlement.apply({ paymentId: p.paymentId }, obs, 'reconciliation'));
    expect(again.value.outcome).toBe('duplicate');
    expect(again.sql).toHaveLength(1);
  });
});

describe('group commit: concurrent notifications share statements', () => {
  const paid = (txn: string) => ({ kind: 'paid', amount: 50_000, providerTxnId: txn, providerCode: '00' }) as const;

  it('20 settlements at once: one read and one settling statement for all, each settled once', async () => {
    const ps = await Promise.all(Array.from({ length: 20 }, () => create()));
    const { value, sql } = await measure(() =>
      Promise.all(ps.map((p, i) => svc.core.settlement.apply({ paymentId: p.paymentId }, paid(`65${i}`), 'ipn'))),
    );
    expect(value.map((r) => r.outcome)).toEqual(ps.map(() => 'applied'));
    expect(sql).toHaveLength(2);
    expect(sql[1]).toMatch(/payments_settle_paid/);
    for (const [i, p] of ps.entries())
      expect(await ledger(p.paymentId)).toMatchObject({
        status: 'paid',
        provider_txn_id: `65${i}`,
        paid_entries: 1,
        outbox_rows: 1,
      });
  });

  it('one item refused by the ledger fails none of the others: that one is a conflict, the rest settle', async () => {
    const used = await create();
    await svc.core.settlement.apply({ paymentId: used.paymentId }, paid('66000000'), 'ipn');
    const ps = await Promise.all(Array.from({ length: 8 }, () => create()));
    // The 4th reuses a provider transaction that already settled another payment (payments_provider_txn_unique).
    const results = await Promise.all(
      ps.map((p, i) =>
        svc.core.settlement.apply({ paymentId: p.paymentId }, paid(i === 3 ? '66000000' : `6600000${i + 1}`), 'ipn'),
      ),
    );
    expect(results.map((r) => r.outcome)).toEqual(ps.map((_, i) => (i === 3 ? 'conflict' : 'applied')));
    expect(await ledger(ps[3]!.paymentId)).toMatchObject({ status: 'pending', paid_entries: 0, outbox_rows: 0 });
    for (const p of ps.filter((_, i) => i !== 3))
      expect(await ledger(p.paymentId)).toMatchObject({ status: 'paid', paid_entries: 1 });
  });

  it('the same payment twice in one group (same and other transaction): one settles, the others are answered as repeats', async () => {
    const p = await create();
    const results = await Promise.all([
      svc.core.settlement.apply({ paymentId: p.paymentId }, paid('67000001'), 'ipn'),
      svc.core.settlement.apply({ paymentId: p.paymentId }, paid('67000001'), 'ipn'),
      svc.core.settlement.apply({ paymentId: p.paymentId }, paid('67000002'), 'reconciliation'),
    ]);
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'applied').sort()).toEqual(
      outcomes[2] === 'applied' ? ['second_transaction', 'second_transaction'] : ['duplicate', 'second_transaction'],
    );
    expect(await ledger(p.paymentId)).toMatchObject({
      status: 'paid',
      paid_entries: 1,
      outbox_rows: 1,
      review_reason: 'second_transaction',
    });
  });

  it('a key Postgres would refuse names no payment and does not fail the reads it was grouped with', async () => {
    const p = await create();
    const results = await Promise.all([
      svc.core.settlement.apply({ paymentId: 'not-a-uuid' }, paid('68000001'), 'operator'),
      svc.core.settlement.apply({ provider: 'vnpay', merchant: H22.tmnCode, orderRef: 'A\u0000B' }, paid('68000002'), 'ipn'),
      svc.core.settlement.apply({ provider: 'vnpay', merchant: H22.tmnCode, orderRef: p.orderRef }, paid('68000003'), 'ipn'),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['not_found', 'not_found', 'applied']);
  });
});

describe('what fewer round trips must not cost', () => {
  it('a decision gone stale between read and write writes nothing and is made again under the lock', async () => {
    const p = await create();
    const ours = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '62000001' });
    // Another settlement of the same payment (a reconciliation answer with another transaction) holds the
    // row lock, uncommitted, while the notification reads `pending`, decides "settle" and reaches its write.
    const other = await svc.pool.connect();
    try {
      await other.query('BEGIN');
      const row = (await other.query('SELECT * FROM payments WHERE payment_id = $1 FOR UPDATE', [p.paymentId])).rows[0];
      const answer = ipn(ours);
      await eventually(
        async () =>
          (
            await svc.pool.query(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%payments_settle_paid%'",
            )
          ).rows[0].n === 1,
        { what: 'the notification waiting at its settling statement' },
      );
      await other.query(
        `SELECT * FROM payments_settle_paid($1, $2, NULL, 'RECON-1', '00', now(), false, 'reconciliation', 50000, '{}', now(), $3, '{}')`,
        [p.paymentId, row.status, `payment-${p.paymentId}-settled`],
      );
      await other.query('COMMIT');
      // Decided again under the lock: paid by another provider transaction → acknowledged, recorded for review.
      expect(await answer).toBe('02');
    } finally {
      other.release();
    }
    expect(await ledger(p.paymentId)).toEqual({
      status: 'paid',
      provider_txn_id: 'RECON-1',
      review_reason: 'second_transaction',
      paid_entries: 1,
      outbox_rows: 1,
    });
  });

  it('two payments of one dossier paid at once: both settle, exactly one is flagged paid twice (10 dossiers)', async () => {
    for (let i = 0; i < 10; i++) {
      const maHoSo = newMaHoSo();
      const a = await create(maHoSo);
      const b = await create(maHoSo);
      const qa = await signedVnpayIpn({
        ...H22,
        txnRef: a.orderRef,
        amountVnd: 50_000,
        transactionNo: String(63_000_000 + 2 * i),
      });
      const qb = await signedVnpayIpn({
        ...H22,
        txnRef: b.orderRef,
        amountVnd: 50_000,
        transactionNo: String(63_000_001 + 2 * i),
      });
      expect(await Promise.all([ipn(qa), ipn(qb)])).toEqual(['00', '00']);
      const rows = [await ledger(a.paymentId), await ledger(b.paymentId)];
      expect(rows.map((r) => [r.status, r.paid_entries, r.outbox_rows])).toEqual([
        ['paid', 1, 1],
        ['paid', 1, 1],
      ]);
      expect(rows.map((r) => r.review_reason).sort()).toEqual(['dossier_paid_twice', null]);
    }
  });

  it('the settling statement itself refuses to settle a paid payment again or from a status it no longer has', async () => {
    const p = await create();
    expect(await ipn(await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '64000001' }))).toBe(
      '00',
    );
    // From `pending` (what it was): no row, nothing written.
    const stale = await svc.pool.query(
      `SELECT * FROM payments_settle_paid($1, 'pending', NULL, '64000002', '00', now(), false, 'ipn', 50000, '{}', now(), 'x-1', '{}')`,
      [p.paymentId],
    );
    expect(stale.rows).toEqual([]);
    // From `paid` (what it is): refused — a paid payment's transaction is final (migrations/007; behind it the
    // one-settlement index would refuse the second history entry).
    await expect(
      svc.pool.query(
        `SELECT * FROM payments_settle_paid($1, 'paid', '64000001', '64000003', '00', now(), false, 'ipn', 50000, '{}', now(), 'x-2', '{}')`,
        [p.paymentId],
      ),
    ).rejects.toThrow(/a paid payment's status, amount, order and provider transaction are final/);
    expect(await ledger(p.paymentId)).toMatchObject({ provider_txn_id: '64000001', paid_entries: 1, outbox_rows: 1 });
  });
});
