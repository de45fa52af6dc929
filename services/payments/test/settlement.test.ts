import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, HubError, createMetricsRegistry } from '@lienthong/platform';
import type { EventProducer } from '@lienthong/events';
import { validateEventData } from '@lienthong/standard';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  quietLogger,
  readTopic,
} from '../../../tests/helpers/index.js';
import { createTestPayments, newMaHoSo, paymentBody, signedVnpayIpn, testMerchants, type TestPayments } from './harness.js';
import { createReconciler } from '../src/reconciler.js';
import { createOutboxRelay } from '../src/outbox-relay.js';
import { createPaymentMetrics } from '../src/metrics.js';
import { createMerchantRegistry, type MerchantRegistry } from '../src/merchants.js';
import type { ProviderAdapter, QueryAnswer } from '../src/providers/provider-adapter.js';

const H22 = testMerchants.merchants[0]!.vnpay;
const clock = fixedClock('2025-01-15T03:00:00Z');

/** A producer that is down: every publish is refused, as kafkajs does when no broker answers. */
const deadProducer: EventProducer = {
  connect: async () => {},
  publish: async () => {
    throw new HubError('LT_KAFKA_UNAVAILABLE', 'no broker', { kind: 'unavailable', retriable: true });
  },
  publishRecords: async () => {
    throw new HubError('LT_KAFKA_UNAVAILABLE', 'no broker', { kind: 'unavailable', retriable: true });
  },
  healthy: () => false,
  disconnect: async () => {},
};

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;

const create = async (amount = 50_000) => {
  const res = await svc.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${svc.keys['motcua-h22']}`, 'content-type': 'application/json' },
    payload: paymentBody(newMaHoSo(), 'vnpay', amount),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { paymentId: string; orderRef: string };
};
const paidRows = async (id: string) =>
  (await svc.pool.query("SELECT count(*)::int AS n FROM payment_events WHERE payment_id = $1 AND kind = 'paid'", [id])).rows[0]
    .n as number;
const outboxRows = async (id: string) =>
  (await svc.pool.query('SELECT count(*)::int AS n FROM payment_outbox WHERE payment_id = $1', [id])).rows[0].n as number;

/** A reconciler over the service's own store and settlement, with a scripted provider. */
function reconcilerWith(orderRef: string, answer: () => QueryAnswer) {
  // Other tests' payments stay pending at this provider; only `orderRef` gets the scripted answer.
  const stub: ProviderAdapter = {
    provider: 'vnpay',
    create: async () => Promise.reject(new Error('unused')),
    query: async (p) =>
      p.orderRef === orderRef ? answer() : { verified: true, verdict: { kind: 'pending', providerCode: '01' } },
  };
  return createReconciler({
    pool: svc.pool,
    store: svc.core.store,
    settlement: svc.core.settlement,
    adapters: { vnpay: stub, momo: undefined, paygov: undefined, vnptpay: undefined, vietqr: undefined },
    merchants: merchants(),
    clock,
    logger: quietLogger(),
    metrics: svc.core.metrics,
    intervalSeconds: 1,
    maxBackoffSeconds: 60,
    expiryGraceSeconds: 60,
    batch: 1000,
    concurrency: 4,
    giveUpHours: 72,
  });
}
let registry: MerchantRegistry | undefined;
const merchants = (): MerchantRegistry => registry ?? (registry = createMerchantRegistry(testMerchants));

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  svc = await createTestPayments({ namespace: ns, databaseUrl: db.url, clock });
});

afterAll(async () => {
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('settlement races', () => {
  it('a notification racing a reconciliation settles once (30 iterations)', async () => {
    for (let i = 0; i < 30; i++) {
      const p = await create();
      const txn = String(20_000_000 + i);
      const qs = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: txn });
      const [ipnRes, recon] = await Promise.all([
        svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` }),
        svc.core.settlement.apply(
          { paymentId: p.paymentId },
          { kind: 'paid', amount: 50_000, providerTxnId: txn, providerCode: '00' },
          'reconciliation',
        ),
      ]);
      const outcomes = [ipnRes.json().RspCode === '00' ? 'applied' : 'duplicate', recon.outcome].sort();
      expect(outcomes).toEqual(['applied', 'duplicate']);
      expect(await paidRows(p.paymentId)).toBe(1);
      expect(await outboxRows(p.paymentId)).toBe(1);
    }
  });

  it('ten notifications and ten reconciliation answers at once still settle once', async () => {
    const p = await create();
    const qs = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '29999999' });
    const all = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` }).then((r) => r.json().RspCode as string),
      ),
      ...Array.from({ length: 10 }, () =>
        svc.core.settlement
          .apply(
            { paymentId: p.paymentId },
            { kind: 'paid', amount: 50_000, providerTxnId: '29999999', providerCode: '00' },
            'reconciliation',
          )
          .then((r) => r.outcome as string),
      ),
    ]);
    expect(all.filter((x) => x === '00' || x === 'applied')).toHaveLength(1);
    expect(await paidRows(p.paymentId)).toBe(1);
    expect(await outboxRows(p.paymentId)).toBe(1);
  });

  it('the ledger itself refuses a second settlement row and any edit of the history', async () => {
    const p = await create();
    await svc.core.settlement.apply(
      { paymentId: p.paymentId },
      { kind: 'paid', amount: 50_000, providerTxnId: '31000001', providerCode: '00' },
      'ipn',
    );
    await expect(
      svc.pool.query(
        "INSERT INTO payment_events (payment_id, kind, to_status, source, recorded_at) VALUES ($1, 'paid', 'paid', 'ipn', now())",
        [p.paymentId],
      ),
    ).rejects.toThrow(/payment_events_one_settlement/);
    await expect(svc.pool.query('UPDATE payment_events SET amount = 1 WHERE payment_id = $1', [p.paymentId])).rejects.toThrow(
      /append-only/,
    );
    await expect(svc.pool.query('DELETE FROM payment_events WHERE payment_id = $1', [p.paymentId])).rejects.toThrow(
      /append-only/,
    );
    // The same provider transaction cannot settle another payment either.
    const q = await create();
    const r = await svc.core.settlement.apply(
      { paymentId: q.paymentId },
      { kind: 'paid', amount: 50_000, providerTxnId: '31000001', providerCode: '00' },
      'ipn',
    );
    expect(r.outcome).toBe('conflict');
  });
});

describe('outbox: nothing is lost while Kafka is down', () => {
  it('settles and answers while Kafka refuses, then publishes exactly once when it is back', async () => {
    const p = await create(70_000);
    const logger = quietLogger();
    const metrics = createPaymentMetrics(createMetricsRegistry('payments-outbox-test', { defaults: false }));
    const down = createOutboxRelay({
      pool: svc.pool,
      producer: deadProducer,
      topic: svc.topic,
      logger,
      metrics,
      clock,
      intervalMs: 50,
    });
    // Stop the service's own relay so only the dead one runs.
    await svc.core.outbox.stop();
    const qs = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 70_000, transactionNo: '32000001' });
    expect((await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${qs}` })).json().RspCode).toBe('00');
    await expect(down.drain()).rejects.toThrow(/no broker/);
    const waiting = await svc.pool.query('SELECT published_at, attempts, last_error FROM payment_outbox WHERE payment_id = $1', [
      p.paymentId,
    ]);
    expect(waiting.rows[0]).toMatchObject({ published_at: null, attempts: 1 });
    expect((await readTopic(svc.topic)).filter((r) => r.key === p.paymentId)).toHaveLength(0);

    const back = createOutboxRelay({
      pool: svc.pool,
      producer: svc.producer,
      topic: svc.topic,
      logger,
      metrics,
      clock,
      intervalMs: 50,
    });
    expect(await back.drain()).toBeGreaterThanOrEqual(1);
    expect(await back.drain()).toBe(0);
    const events = (await readTopic(svc.topic)).filter((r) => r.key === p.paymentId);
    expect(events).toHaveLength(1);
    expect(events[0]!.headers['ce-id']).toBe(`payment-${p.paymentId}-settled`);
    svc.core.outbox.start();
  });
});

describe('reconciliation rules (scripted provider)', () => {
  it('settles a lost notification through the same settlement code', async () => {
    const p = await create();
    const r = await reconcilerWith(p.orderRef, () => ({
      verified: true,
      verdict: { kind: 'paid', amount: 50_000, providerTxnId: '33000001', providerCode: '00' },
    })).runOnce({ all: true });
    expect(r).toMatchObject({ ran: true, errors: 0 });
    expect(r.settled).toBeGreaterThanOrEqual(1);
    const got = await svc.core.store.get(p.paymentId);
    expect(got).toMatchObject({ status: 'paid', providerTxnId: '33000001' });
    const h = await svc.core.store.history(p.paymentId);
    expect(h.find((e) => e.kind === 'paid')?.source).toBe('reconciliation');
  });

  it('an unverifiable answer is no answer: never failed, never expired, asked again later', async () => {
    const p = await create();
    clock.advance(24 * 60 * 60 * 1000);
    try {
      const sum = await reconcilerWith(p.orderRef, () => ({
        verified: false,
        reason: 'answer is not signed',
        code: '91',
      })).runOnce({ all: true });
      expect(sum).toMatchObject({ ran: true, errors: 0 });
      const got = await svc.core.store.get(p.paymentId);
      expect(got).toMatchObject({ status: 'pending', unverifiedCount: 1, reviewReason: 'unverifiable_after_expiry' });
      expect(got!.nextCheckAt!.getTime()).toBeGreaterThan(clock.now().getTime());
      expect(got!.lastCheckOutcome).toMatch(/unverifiable 91/);
    } finally {
      clock.advance(-24 * 60 * 60 * 1000);
    }
  });

  it('expires only after expiry + grace on a verified "not paid", and publishes one expired event', async () => {
    const p = await create();
    const pending = reconcilerWith(p.orderRef, () => ({ verified: true, verdict: { kind: 'pending', providerCode: '01' } }));
    expect(await pending.runOnce({ all: true })).toMatchObject({ ran: true, errors: 0 });
    expect((await svc.core.store.get(p.paymentId))!.status).toBe('pending');
    clock.advance(15 * 60_000 + 61_000);
    try {
      const notFound = reconcilerWith(p.orderRef, () => ({ verified: true, verdict: { kind: 'not_found', providerCode: '91' } }));
      const r = await notFound.runOnce({ all: true });
      expect(r).toMatchObject({ ran: true, errors: 0 });
      expect(r.expired).toBeGreaterThanOrEqual(1);
      expect((await svc.core.store.get(p.paymentId))!.status).toBe('expired');
      await notFound.runOnce({ all: true });
      const ev = await svc.pool.query('SELECT event_id FROM payment_outbox WHERE payment_id = $1', [p.paymentId]);
      expect(ev.rows.map((x) => x.event_id)).toEqual([`payment-${p.paymentId}-expired`]);
      // A verified success arriving after expiry still wins (the money moved), flagged for review.
      const late = await signedVnpayIpn({ ...H22, txnRef: p.orderRef, amountVnd: 50_000, transactionNo: '34000001' });
      expect((await svc.app.inject({ method: 'GET', url: `/v1/ipn/vnpay?${late}` })).json().RspCode).toBe('00');
      expect(await svc.core.store.get(p.paymentId)).toMatchObject({ status: 'paid', reviewReason: 'late_settlement' });
      // Both events, as the outbox relays them, conform to the schema their dataschema names.
      const out = await svc.pool.query('SELECT event FROM payment_outbox WHERE payment_id = $1 ORDER BY outbox_id', [
        p.paymentId,
      ]);
      expect(out.rows.map((x) => [x.event.type, x.event.data.late])).toEqual([
        ['vn.lienthong.payment.expired', undefined],
        ['vn.lienthong.payment.settled', true],
      ]);
      for (const { event } of out.rows) expect(validateEventData(event.dataschema, event.data).errors).toEqual([]);
    } finally {
      clock.advance(-(15 * 60_000 + 61_000));
    }
  });
});
