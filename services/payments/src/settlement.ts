import { withTransaction, type Clock, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import type { CloudEvent } from '@lienthong/events';
import type { Provider } from './provider.js';
import { decide, writes, type Decision } from './ledger/transition.js';
import type { Observation, SettlementSource, Verdict } from './ledger/observation.js';
import { mapPaymentRow, type PaymentRecord } from './ledger/payment-record.js';
import { paymentExpiredEvent, paymentSettledEvent } from './events/payment-events.js';
import { createGroupedLedger, settlePaidOn, type PaidSettlement } from './ledger/grouped-ledger.js';
import type { PaymentMetrics } from './metrics.js';
import type { SettledOrders } from './ledger/settled-orders.js';

export type SettlementTarget = { paymentId: string } | { provider: Provider; merchant: string; orderRef: string };

export interface SettlementResult {
  /** `not_found`: no such order in the ledger; `conflict`: the provider transaction already settled another payment. */
  outcome: Decision['outcome'] | 'not_found' | 'conflict';
  /**
   * The row after the transaction (absent when not found). A repeat answered from the settled orders
   * (ledger/settled-orders.ts) carries the row as this instance last saw it paid: its status, amount and
   * provider transaction are final, its bookkeeping (review, refunds, `updated_at`) may have moved since.
   */
  payment?: PaymentRecord;
}

export interface Settlement {
  /**
   * Applies one verified observation to one payment, exactly once however often and however
   * concurrently it is called. The pure `decide` reads the row; what it decides is carried out either
   * from one committed read (a decision that writes nothing: duplicate, no change, unknown order) or
   * under the row lock, where the update, the history entry and the outbox event commit together or
   * not at all. A settlement (the one write on the busy path) is a single statement that applies the
   * decision only if the row still holds the facts it was made on (migrations/005); if another caller
   * got there first, the decision is made again under the lock → `duplicate`. Round trips per call:
   * a duplicate or an unknown order 1, a settlement 2 (read + settle), the rest 1 + a locked transaction;
   * concurrent calls share their reads and their settlements' statement (ledger/grouped-ledger.ts); a
   * repeat about an order this instance has seen paid, whose decision writes nothing, none (SettledOrders).
   * Notifications (IPN, MoMo, PayGov confirm) and reconciliation both come through here.
   */
  apply(target: SettlementTarget, obs: Observation, source: SettlementSource, extra?: SettlementExtra): Promise<SettlementResult>;
}

/** Recorded in the history entry: who acted (an operator's API client) and why. */
export interface SettlementExtra {
  actor?: string;
  note?: string;
}

export interface SettlementDeps {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  metrics: PaymentMetrics;
  /** Paid orders seen by this instance; a repeat about one of them is decided without a read. */
  settledOrders?: SettledOrders;
  /** Called after a commit that wrote an outbox event, so the relay publishes now rather than at its next tick. */
  onEventWritten: () => void;
}

const REVIEW_KIND: Record<string, string> = {
  amount_mismatch: 'amount_mismatch',
  second_transaction: 'second_transaction',
  review: 'provider_disagrees',
};

type PaidVerdict = Extract<Verdict, { kind: 'paid' }>;

/** The locked path's read: SELECT * (the result carries the whole record) FOR UPDATE. */
async function lockPayment(c: PoolClient, target: SettlementTarget): Promise<PaymentRecord | undefined> {
  const r =
    'paymentId' in target
      ? await c.query('SELECT * FROM payments WHERE payment_id = $1 FOR UPDATE', [target.paymentId])
      : await c.query('SELECT * FROM payments WHERE provider = $1 AND merchant = $2 AND order_ref = $3 FOR UPDATE', [
          target.provider,
          target.merchant,
          target.orderRef,
        ]);
  return r.rows[0] ? mapPaymentRow(r.rows[0] as Record<string, unknown>) : undefined;
}

/**
 * "applied → paid" as payments_settle_paid takes it (migrations/005): only if the row still has the status
 * and provider transaction `row` had. The event is built here from `row`: it names only what a payment
 * never changes (ids, dossier, agency, amount, fees) and this observation.
 */
function paidSettlement(
  row: PaymentRecord,
  obs: PaidVerdict,
  late: boolean,
  source: SettlementSource,
  extra: SettlementExtra,
  now: Date,
): PaidSettlement {
  const paidAt = obs.paidAt ?? now;
  const event = paymentSettledEvent(row, { providerTxnId: obs.providerTxnId, paidAt, settledAt: now, source, late });
  return {
    paymentId: row.paymentId,
    fromStatus: row.status,
    fromTxn: row.providerTxnId,
    providerTxnId: obs.providerTxnId,
    providerCode: obs.providerCode,
    paidAt,
    late,
    source,
    amount: obs.amount,
    extra: JSON.stringify(extra),
    now,
    eventId: event.id,
    event: JSON.stringify(event),
  };
}

async function insertOutbox(c: PoolClient, paymentId: string, event: CloudEvent, now: Date): Promise<void> {
  await c.query('INSERT INTO payment_outbox (payment_id, event_id, event, created_at) VALUES ($1, $2, $3, $4)', [
    paymentId,
    event.id,
    JSON.stringify(event),
    now,
  ]);
}

export function createSettlement(deps: SettlementDeps): Settlement {
  const log = deps.logger.child({ component: 'settlement' });
  const grouped = createGroupedLedger(deps.pool);

  async function run(
    c: PoolClient,
    target: SettlementTarget,
    obs: Observation,
    source: SettlementSource,
    extra: SettlementExtra,
  ): Promise<{ result: SettlementResult; wroteEvent: boolean }> {
    const now = deps.clock.now();
    const row = await lockPayment(c, target);
    if (!row) return { result: { outcome: 'not_found' }, wroteEvent: false };
    const d = decide(row, obs);
    const code = obs.providerCode ?? null;
    const txn = 'providerTxnId' in obs ? (obs.providerTxnId ?? null) : null;
    const amount = 'amount' in obs ? (obs.amount ?? null) : null;

    const event = (kind: string, to: string, detail: object) =>
      c.query(
        `INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, provider_txn_id, provider_code, amount, detail, recorded_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT DO NOTHING RETURNING event_id`,
        [row.paymentId, kind, row.status, to, source, txn, code, amount, JSON.stringify({ ...detail, ...extra }), now],
      );
    const reread = async () =>
      mapPaymentRow(
        (await c.query('SELECT * FROM payments WHERE payment_id = $1', [row.paymentId])).rows[0] as Record<string, unknown>,
      );

    if (d.outcome === 'applied' && d.to === 'paid' && obs.kind === 'paid') {
      const after = await settlePaidOn(c, paidSettlement(row, obs, d.late, source, extra, now));
      // The row lock is held since the read: its status and transaction cannot have moved.
      if (!after) throw new Error('ledger: settlement precondition failed under the row lock');
      return { result: { outcome: 'applied', payment: after }, wroteEvent: true };
    }
    if (d.outcome === 'applied' && d.to === 'failed') {
      const upd = await c.query(
        `UPDATE payments SET status = 'failed', status_reason = $2, provider_code = $3, updated_at = $4, version = version + 1, next_check_at = NULL
         WHERE payment_id = $1 RETURNING *`,
        [row.paymentId, `provider code ${code ?? '?'}`, code, now],
      );
      await event('failed', 'failed', {});
      return {
        result: { outcome: 'applied', payment: mapPaymentRow(upd.rows[0] as Record<string, unknown>) },
        wroteEvent: false,
      };
    }
    if (d.outcome === 'applied' && d.to === 'expired' && obs.kind === 'expire') {
      const upd = await c.query(
        `UPDATE payments SET status = 'expired', status_reason = $2, updated_at = $3, version = version + 1, next_check_at = NULL
         WHERE payment_id = $1 RETURNING *`,
        [row.paymentId, obs.reason, now],
      );
      await event('expired', 'expired', { reason: obs.reason });
      const after = mapPaymentRow(upd.rows[0] as Record<string, unknown>);
      await insertOutbox(c, row.paymentId, paymentExpiredEvent(after, { expiredAt: now, reason: obs.reason }), now);
      return { result: { outcome: 'applied', payment: after }, wroteEvent: true };
    }
    const reviewKind =
      d.outcome === 'amount_mismatch' ? (d.record ? REVIEW_KIND.amount_mismatch : undefined) : REVIEW_KIND[d.outcome];
    if (reviewKind) {
      // Recorded once per provider transaction (unique index), however often the provider retries it.
      const inserted = await event(
        reviewKind,
        row.status,
        d.outcome === 'review' ? { reason: d.reason, expectedAmount: row.amount } : { expectedAmount: row.amount },
      );
      if (inserted.rows.length) {
        await c.query('UPDATE payments SET review_reason = coalesce(review_reason, $2), updated_at = $3 WHERE payment_id = $1', [
          row.paymentId,
          reviewKind,
          now,
        ]);
        log.warn({ paymentId: row.paymentId, provider: row.provider, kind: reviewKind, source }, 'payment needs review');
      }
      return { result: { outcome: d.outcome, payment: await reread() }, wroteEvent: false };
    }
    return { result: { outcome: d.outcome, payment: row }, wroteEvent: false };
  }

  /**
   * The busy path without a transaction of its own: one read, `decide`, then either the answer (nothing to
   * write) or a settlement as one conditional statement. Undefined: the decision writes something else
   * (failure, expiry, review) or went stale — the locked transaction decides again.
   */
  async function fromOneRead(
    target: SettlementTarget,
    obs: Observation,
    source: SettlementSource,
    extra: SettlementExtra,
  ): Promise<{ result: SettlementResult; wroteEvent: boolean } | undefined> {
    if (!('paymentId' in target)) {
      // A paid row's status, amount and provider transaction are final (settled-orders.ts): a decision on the
      // remembered row that writes nothing is the one the ledger's row gives. One that writes (a second
      // transaction, a mismatch that moved money, a review) goes to the ledger as before.
      const known = deps.settledOrders?.get(target.provider, target.merchant, target.orderRef);
      if (known) {
        const d = decide(known, obs);
        if (!writes(d)) return { result: { outcome: d.outcome, payment: known }, wroteEvent: false };
      }
    }
    const now = deps.clock.now();
    const row =
      'paymentId' in target
        ? await grouped.readById(target.paymentId)
        : await grouped.readByOrder(target.provider, target.merchant, target.orderRef);
    if (!row) return { result: { outcome: 'not_found' }, wroteEvent: false };
    const d = decide(row, obs);
    if (!writes(d)) return { result: { outcome: d.outcome, payment: row }, wroteEvent: false };
    if (d.outcome === 'applied' && d.to === 'paid' && obs.kind === 'paid') {
      const after = await grouped.settlePaid(paidSettlement(row, obs, d.late, source, extra, now));
      if (after) return { result: { outcome: 'applied', payment: after }, wroteEvent: true };
    }
    return undefined;
  }

  return {
    async apply(target, obs, source, extra = {}) {
      let out: { result: SettlementResult; wroteEvent: boolean };
      try {
        out =
          (await fromOneRead(target, obs, source, extra)) ??
          (await withTransaction(deps.pool, (c) => run(c, target, obs, source, extra)));
      } catch (err) {
        // The provider transaction id already settled another payment (unique index): never settle twice.
        if (
          (err as { code?: string; constraint?: string }).code === '23505' &&
          (err as { constraint?: string }).constraint === 'payments_provider_txn_unique'
        ) {
          log.error({ source, kind: obs.kind }, 'provider transaction already settled another payment');
          deps.metrics.settlements.inc({ provider: providerOf(target), outcome: 'conflict', source });
          return { outcome: 'conflict' };
        }
        throw err;
      }
      const { result } = out;
      // Committed by now (a read, a statement, or the locked transaction's commit): safe to remember if paid.
      if (result.payment) deps.settledOrders?.remember(result.payment);
      const provider = result.payment?.provider ?? providerOf(target);
      deps.metrics.settlements.inc({
        provider,
        outcome: result.outcome === 'applied' ? `applied_${result.payment?.status}` : result.outcome,
        source,
      });
      if (result.outcome === 'applied') {
        log.info(
          { paymentId: result.payment?.paymentId, provider, status: result.payment?.status, source },
          'payment state changed',
        );
      }
      if (out.wroteEvent) deps.onEventWritten();
      return result;
    },
  };
}

function providerOf(t: SettlementTarget): string {
  return 'provider' in t ? t.provider : 'unknown';
}
