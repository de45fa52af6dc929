import { expect } from 'vitest';
import { decodeEvent, type CloudEvent } from '@lienthong/events';
import { readTopic } from './kafka.js';
import { newMaHoSo, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';
import type { ReconciliationSummary } from '../../services/payments/src/reconciler.js';

type Provider = 'vnpay' | 'momo' | 'paygov' | 'vnptpay' | 'vietqr';

/** The 201 body of POST /v1/payments (`vietqr` for bank transfers: payload, transferCode, account, qrPng). */
export interface CreatedPayment {
  paymentId: string;
  payUrl: string;
  orderRef: string;
  vietqr?: { payload: string; transferCode: string; bin: string; accountNumber: string; amount: number; qrPng: string };
}

/** What an end-to-end payments test does with the running service: over HTTP as a client would, plus one ledger count. */
export interface PaymentsApi {
  /** Headers of API client `id` (default `motcua-h22`, an H22 one-stop system). */
  auth(id?: string): Record<string, string>;
  /** Creates a payment for a fresh H22 dossier; asserts 201, showing the body when it is not. */
  createPayment(provider: Provider, amount?: number): Promise<CreatedPayment>;
  /** Runs reconciliation over every open payment as the operator; asserts 200. */
  reconcile(): Promise<ReconciliationSummary>;
  /** How many `paid` events the ledger holds for the payment (a settlement must publish exactly one). */
  paidEvents(paymentId: string): Promise<number>;
  /**
   * Drains the outbox, reads payment.events.v1 and asserts that each payment of `paymentIds` published exactly
   * one vn.lienthong.payment.settled; returns that event by payment id for the caller's own checks.
   */
  settledEvents(paymentIds: Iterable<string>): Promise<Map<string, CloudEvent>>;
}

/** `svc` is read at each call, so a test file may create the helper before its beforeAll starts the service. */
export function paymentsApi(svc: () => TestPayments): PaymentsApi {
  const auth = (id = 'motcua-h22') => ({ authorization: `Bearer ${svc().keys[id]}`, 'content-type': 'application/json' });
  return {
    auth,
    async createPayment(provider, amount = 50_000) {
      const res = await fetch(`${svc().baseUrl}/v1/payments`, {
        method: 'POST',
        headers: auth(),
        body: JSON.stringify(paymentBody(newMaHoSo(), provider, amount)),
      });
      const text = await res.text();
      expect(res.status, text).toBe(201);
      return JSON.parse(text) as CreatedPayment;
    },
    async reconcile() {
      const res = await fetch(`${svc().baseUrl}/v1/admin/reconcile`, {
        method: 'POST',
        headers: auth('operator'),
        body: '{"all":true}',
      });
      expect(res.status).toBe(200);
      return (await res.json()) as ReconciliationSummary;
    },
    async paidEvents(paymentId) {
      const r = await svc().pool.query("SELECT count(*)::int AS n FROM payment_events WHERE payment_id = $1 AND kind = 'paid'", [
        paymentId,
      ]);
      return r.rows[0].n as number;
    },
    async settledEvents(paymentIds) {
      await svc().core.outbox.drain();
      const records = await readTopic(svc().topic);
      const out = new Map<string, CloudEvent>();
      for (const id of paymentIds) {
        const mine = records.filter((r) => r.key === id).map((r) => decodeEvent(r.value));
        expect(
          mine.map((e) => e.type),
          id,
        ).toEqual(['vn.lienthong.payment.settled']);
        out.set(id, mine[0]!);
      }
      return out;
    },
  };
}
