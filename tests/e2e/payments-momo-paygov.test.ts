/**
 * Payments end to end against the MoMo and PayGov sandboxes over HTTP: create at the provider, the
 * server-to-server notification (MoMo IPN answered 204; PayGov confirm answered MaLoi 00/99), duplicates,
 * forgeries, lost notifications recovered by reconciliation (MoMo query, PayGov QUERY), provider timeouts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestNamespace, deleteTestNamespace, eventually } from '../helpers/index.js';
import { paymentsApi } from '../helpers/payments-api.js';
import { createTestPayments, freePort, newMaHoSo, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';

type Peer = 'momo' | 'paygov';
let ns: string;
let db: { url: string; drop: () => Promise<void> };
let svc: TestPayments;
let sandbox: TestSandbox;
const settled = new Set<string>();

const { auth, createPayment, reconcile, paidEvents, settledEvents } = paymentsApi(() => svc);
const payBody = (peer: Peer, payUrl: string, action = 'pay') =>
  peer === 'momo' ? { payUrl, action } : { urlThanhToan: payUrl, action };
const ledger = (id: string) => svc.core.store.get(id);
const notificationsFor = async (peer: Peer, orderRef: string) =>
  (
    (await sandbox.admin(peer, 'GET', '/notifications')).body.notifications as {
      key: string;
      outcome: string;
      status?: number;
      response?: any;
      tampered: boolean;
    }[]
  ).filter((n) => n.key.endsWith(`:${orderRef}`));
/** What the notification's answer was: MoMo by HTTP status, PayGov by MaLoi. */
const answerOf = (peer: Peer, n: { status?: number; response?: any }) =>
  peer === 'momo' ? n.status : (n.response?.MaLoi as string | undefined);
const ACK: Record<Peer, unknown> = { momo: 204, paygov: '00' };

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
  await sandbox.admin('momo', 'DELETE', '/faults');
  await sandbox.admin('paygov', 'DELETE', '/faults');
});

afterAll(async () => {
  await sandbox?.close();
  await svc?.close();
  await db?.drop();
  await deleteTestNamespace(ns);
});

describe.each(['momo', 'paygov'] as const)('%s through the sandbox', (peer) => {
  it('creates at the provider over HTTP and settles once on a valid notification', async () => {
    const p = await createPayment(peer, 80_000);
    expect(p.payUrl).toContain(`${sandbox.url}/${peer}/pay/`);
    const paid = await sandbox.admin(peer, 'POST', '/pay', payBody(peer, p.payUrl));
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    await eventually(async () => (await ledger(p.paymentId))?.status === 'paid', { what: `${peer} payment paid` });
    const sent = await notificationsFor(peer, p.orderRef);
    expect(sent.map((n) => answerOf(peer, n))).toEqual([ACK[peer]]);
    expect(await ledger(p.paymentId)).toMatchObject({ amount: 80_000, status: 'paid' });
    expect(await paidEvents(p.paymentId)).toBe(1);
    settled.add(p.paymentId);
  });

  it('duplicated notifications: one settlement, every copy acknowledged', async () => {
    await sandbox.admin(peer, 'POST', '/faults', { duplicateNotifications: 9 });
    const p = await createPayment(peer);
    await sandbox.admin(peer, 'POST', '/pay', payBody(peer, p.payUrl));
    const sent = await eventually(async () => {
      const n = await notificationsFor(peer, p.orderRef);
      return n.length === 10 && n.every((x) => x.outcome === 'sent') ? n : undefined;
    });
    expect(sent.map((n) => answerOf(peer, n))).toEqual(Array(10).fill(ACK[peer]));
    expect(await paidEvents(p.paymentId)).toBe(1);
    settled.add(p.paymentId);
  });

  it("a forged notification is refused and changes nothing; reconciliation settles from the provider's answer", async () => {
    await sandbox.admin(peer, 'POST', '/faults', { tamperNotifications: true });
    const p = await createPayment(peer);
    await sandbox.admin(peer, 'POST', '/pay', payBody(peer, p.payUrl));
    const first = await eventually(async () => (await notificationsFor(peer, p.orderRef)).find((n) => n.outcome === 'sent'));
    expect(first.tampered).toBe(true);
    if (peer === 'momo') {
      expect(first.status).toBe(400);
      expect(first.response).toMatchObject({ error: 'LT_PAY_BAD_SIGNATURE' });
    } else {
      expect(first.response).toMatchObject({ MaLoi: '99' });
    }
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    const run = await reconcile();
    expect(run.errors).toBe(0);
    expect((await ledger(p.paymentId))?.status).toBe('paid');
    settled.add(p.paymentId);
  });

  it('a lost notification is settled by the next reconciliation run', async () => {
    await sandbox.admin(peer, 'POST', '/faults', { lostNotifications: 1 });
    const p = await createPayment(peer);
    await sandbox.admin(peer, 'POST', '/pay', payBody(peer, p.payUrl));
    expect((await notificationsFor(peer, p.orderRef)).map((n) => n.outcome)).toEqual(['lost']);
    expect((await ledger(p.paymentId))?.status).toBe('pending');
    const run = await reconcile();
    expect(run).toMatchObject({ ran: true, errors: 0 });
    expect((await ledger(p.paymentId))?.status).toBe('paid');
    expect((await svc.core.store.history(p.paymentId)).find((e) => e.kind === 'paid')?.source).toBe('reconciliation');
    settled.add(p.paymentId);
  });

  it('a cancelled payment becomes failed and publishes nothing', async () => {
    const p = await createPayment(peer);
    await sandbox.admin(peer, 'POST', '/pay', payBody(peer, p.payUrl, 'cancel'));
    await eventually(async () => (await ledger(p.paymentId))?.status === 'failed', { what: 'failed' });
    expect(
      (await svc.pool.query('SELECT count(*)::int AS n FROM payment_outbox WHERE payment_id = $1', [p.paymentId])).rows[0].n,
    ).toBe(0);
  });

  it('the provider timing out on create: 502 LT_PAY_PROVIDER_TIMEOUT, the row failed, nothing payable', async () => {
    await sandbox.admin(peer, 'POST', '/faults', { timeoutRate: 1 });
    const res = await fetch(`${svc.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify(paymentBody(newMaHoSo(), peer)),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toBe('LT_PAY_PROVIDER_TIMEOUT');
    const r = await svc.pool.query(
      'SELECT status, status_reason, pay_url FROM payments WHERE provider = $1 ORDER BY created_at DESC LIMIT 1',
      [peer],
    );
    expect(r.rows[0]).toEqual({ status: 'failed', status_reason: 'LT_PAY_PROVIDER_TIMEOUT', pay_url: null });
  });

  it('the provider answering errors on create: 502, row failed', async () => {
    await sandbox.admin(peer, 'POST', '/faults', { errorRate: 1 });
    const res = await fetch(`${svc.baseUrl}/v1/payments`, {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify(paymentBody(newMaHoSo(), peer)),
    });
    expect(res.status).toBe(502);
    expect(['LT_PAY_PROVIDER_ERROR', 'LT_PAY_PROVIDER_REFUSED']).toContain(((await res.json()) as { error: string }).error);
  });
});

describe('events', () => {
  it('publishes exactly one settled event per settlement, with MaHoSo and DuocThanhToanTrucTuyen', async () => {
    for (const event of (await settledEvents(settled)).values()) {
      const data = event.data as { provider: string; DuocThanhToanTrucTuyen: string; MaHoSo: string };
      expect(data.DuocThanhToanTrucTuyen).toBe(data.provider === 'paygov' ? '1' : '2');
      expect(data.MaHoSo).toMatch(/^000\.00\.01\.H22-/);
    }
    expect(settled.size).toBe(8);
  });
});
