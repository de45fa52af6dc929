/**
 * Payments end to end against the VNPAY sandbox over HTTP: real Kafka, real Postgres, the payments app
 * listening on a port, the sandbox peer delivering IPNs to it with its fault switches.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '@lienthong/platform';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually } from '../helpers/index.js';
import { paymentsApi } from '../helpers/payments-api.js';
import { createTestPayments, freePort, type TestPayments } from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';

let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
let sandbox: TestSandbox;
/** The service's clock: real time, which the expiry test moves forward. */
const clock = fixedClock(new Date());
let ticking: NodeJS.Timeout;
/** Every payment settled in this file, to check "exactly one event per settlement" once at the end. */
const settled = new Set<string>();

const api = paymentsApi(() => svc);
const { reconcile, paidEvents } = api;
const createPayment = (amount?: number) => api.createPayment('vnpay', amount);
const ledger = (id: string) => svc.core.store.get(id);
const notificationsFor = async (orderRef: string) =>
  (
    (await sandbox.admin('vnpay', 'GET', '/notifications')).body.notifications as {
      key: string;
      outcome: string;
      response?: { RspCode?: string };
      tampered: boolean;
    }[]
  ).filter((n) => n.key.endsWith(`:${orderRef}`));

beforeAll(async () => {
  ns = await createTestNamespace();
  db = await createTestDatabase();
  // Real time unless a test moves it: the clock follows the wall clock plus any advance.
  let last = Date.now();
  ticking = setInterval(() => {
    const now = Date.now();
    clock.advance(now - last);
    last = now;
  }, 20);
  const port = await freePort();
  sandbox = await startTestSandbox({ paymentsUrl: `http://127.0.0.1:${port}` });
  svc = await createTestPayments({
    namespace: ns,
    databaseUrl: db.url,
    port,
    clock,
    env: { ...sandbox.env, PAYMENTS_EXPIRY_GRACE_SECONDS: '60' },
  });
  await svc.listen();
});

beforeEach(async () => {
  await sandbox.admin('vnpay', 'DELETE', '/faults');
});

afterAll(async () => {
  clearInterval(ticking);
  await sandbox?.close();
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe('VNPAY through the sandbox', () => {
  it('a valid notification settles once: IPN answered 00, ledger paid, history has one settlement', async () => {
    const p = await createPayment(75_000);
    const paid = await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl });
    expect(paid.status).toBe(200);
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: 'payment paid' });
    const row = await ledger(p.paymentId);
    expect(row).toMatchObject({ amount: 75_000, providerTxnId: paid.body.transaction.transactionNo });
    const sent = await notificationsFor(p.orderRef);
    expect(sent.map((n) => n.response?.RspCode)).toEqual(['00']);
    expect(await paidEvents(p.paymentId)).toBe(1);
    settled.add(p.paymentId);
  });

  it('the same notification 10 times (duplicates fault) gives one settlement and "already confirmed" for the rest', async () => {
    await sandbox.admin('vnpay', 'POST', '/faults', { duplicateNotifications: 9 });
    const p = await createPayment();
    await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl });
    const sent = await eventually(async () => {
      const n = await notificationsFor(p.orderRef);
      return n.length === 10 && n.every((x) => x.outcome === 'sent') ? n : undefined;
    });
    const codes = sent.map((n) => n.response?.RspCode).sort();
    expect(codes).toEqual(['00', ...Array(9).fill('02')]);
    expect(await paidEvents(p.paymentId)).toBe(1);
    settled.add(p.paymentId);
  });

  it('a forged (tampered) notification is answered 97 and changes nothing; reconciliation then settles from querydr', async () => {
    await sandbox.admin('vnpay', 'POST', '/faults', { tamperNotifications: true });
    const p = await createPayment();
    await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl });
    const first = await eventually(async () => (await notificationsFor(p.orderRef)).find((n) => n.outcome === 'sent'));
    expect(first.tampered).toBe(true);
    expect(first.response?.RspCode).toBe('97');
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    await sandbox.admin('vnpay', 'POST', '/faults', { tamperNotifications: false, lostNotifications: 1 });
    const run = await reconcile();
    expect(run.errors).toBe(0);
    expect((await ledger(p.paymentId))?.status).toBe('paid');
    const h = await svc.core.store.history(p.paymentId);
    expect(h.find((e) => e.kind === 'paid')?.source).toBe('reconciliation');
    settled.add(p.paymentId);
  });

  it('a lost notification is settled by the next reconciliation run', async () => {
    await sandbox.admin('vnpay', 'POST', '/faults', { lostNotifications: 1 });
    const p = await createPayment();
    await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl });
    expect((await notificationsFor(p.orderRef)).map((n) => n.outcome)).toEqual(['lost']);
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    const run = await reconcile();
    expect(run).toMatchObject({ ran: true, errors: 0 });
    expect(run.settled).toBeGreaterThanOrEqual(1);
    expect(await ledger(p.paymentId)).toMatchObject({ status: 'paid', providerCode: '00' });
    settled.add(p.paymentId);
  });

  it('a notification racing a reconciliation settles once (30 iterations)', async () => {
    const winners: string[] = [];
    for (let i = 0; i < 30; i++) {
      // Paid at VNPAY first; the IPN leaves 0-25 ms later, while reconciliation's querydr (which already sees
      // the payment as paid) is in flight: the two reach Settlement.apply in every order across the loop.
      await sandbox.admin('vnpay', 'POST', '/faults', { delayMs: (i % 6) * 5 });
      const p = await createPayment();
      await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl });
      const run = await reconcile();
      expect(run.errors).toBe(0);
      await eventually(async () => (await notificationsFor(p.orderRef)).some((n) => n.outcome === 'sent'), { what: 'IPN sent' });
      const answers = (await notificationsFor(p.orderRef)).map((n) => n.response?.RspCode);
      expect(answers.length === 1 && (answers[0] === '00' || answers[0] === '02'), String(answers)).toBe(true);
      expect((await ledger(p.paymentId))?.status).toBe('paid');
      expect(await paidEvents(p.paymentId)).toBe(1);
      settled.add(p.paymentId);
      winners.push((await svc.core.store.history(p.paymentId)).find((e) => e.kind === 'paid')!.source);
    }
    // Both sides won some of the races (otherwise this test would not be testing a race).
    expect(new Set(winners)).toEqual(new Set(['ipn', 'reconciliation']));
  });

  it('a cancelled payment is recorded as failed (00) and publishes nothing', async () => {
    const p = await createPayment();
    await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl, action: 'cancel' });
    await eventually(async () => (await ledger(p.paymentId))?.status === 'failed', { what: 'payment failed' });
    expect((await notificationsFor(p.orderRef)).map((n) => n.response?.RspCode)).toEqual(['00']);
    expect(
      (await svc.pool.query('SELECT count(*)::int AS n FROM payment_outbox WHERE payment_id = $1', [p.paymentId])).rows[0].n,
    ).toBe(0);
  });

  it('expires an opened but unpaid payment only after expiry + grace, on querydr\'s signed "not completed"', async () => {
    const p = await createPayment();
    const page = await fetch(p.payUrl);
    expect(page.status).toBe(200);
    await reconcile();
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    clock.advance(15 * 60_000 + 61_000);
    await reconcile();
    expect(await ledger(p.paymentId)).toMatchObject({ status: 'expired' });
    expect((await svc.pool.query('SELECT event_id FROM payment_outbox WHERE payment_id = $1', [p.paymentId])).rows).toEqual([
      { event_id: `payment-${p.paymentId}-expired` },
    ]);
  });

  it('the return page only shows the result; it never settles', async () => {
    await sandbox.admin('vnpay', 'POST', '/faults', { lostNotifications: 1 });
    const p = await createPayment();
    const paid = await sandbox.admin('vnpay', 'POST', '/pay', { payUrl: p.payUrl });
    const page = await fetch(paid.body.returnUrl as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Đang chờ xác nhận');
    expect((await ledger(p.paymentId))?.status).toBe('pending');
  });

  it('publishes exactly one vn.lienthong.payment.settled on payment.events.v1 per settlement', async () => {
    for (const [id, event] of await api.settledEvents(settled)) expect(event.subject).toBe(id);
    expect(settled.size).toBeGreaterThanOrEqual(34);
  });
});
