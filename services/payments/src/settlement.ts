import { withTransaction, type Clock, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import type { CloudEvent } from '@lienthong/events';
import type { Provider } from './provider.js';
import { decide, type Decision } from './ledger/transition.js';
import type { Observation, SettlementSource } from './ledger/observation.js';
import { mapPaymentRow, type PaymentRecord } from './ledger/payment-record.js';
import { paymentExpiredEvent, paymentSettledEvent } from './events/payment-events.js';
import type { PaymentMetrics } from './metrics.js';

export type SettlementTarget = { paymentId: string } | { provider: Provider; merchant: string; orderRef: string };

export interface SettlementResult {
  /** `not_found`: no such order in the ledger; `conflict`: the provider transaction already settled another payment. */
  outcome: Decision['outcome'] | 'not_found' | 'conflict';
  /** The row after the transaction (absent when not found). */
  payment?: PaymentRecord;
}

export interface Settlement {
  /**
   * Applies one verified observation to one payment, exactly once however often and however
   * concurrently it is called: the row is locked (SELECT … FOR UPDATE), the pure `decide` reads its
   * status, and the update, the history entry and the outbox event commit together or not at all.
   * A second caller with the same facts waits for the lock, then sees the new status → `duplicate`.
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
  /** Called after a commit that wrote an outbox event, so the relay publishes now rather than at its next tick. */
  onEventWritten: () => void;
}

const REVIEW_KIND: Record<string, string> = {
  amount_mismatch: 'amount_mismatch',
  second_transaction: 'second_transaction',
  review: 'provider_disagrees',
};

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

  async function run(
    c: PoolClient,
    target: SettlementTarget,
    obs: Observation,
    source: SettlementSource,
    extra: SettlementExtra,
  ): Promise<{ result: SettlementResult; wroteEvent: boolean }> {
    const now = deps.clock.now();
    const sel =
      'paymentId' in target
        ? await c.query('SELECT * FROM payments WHERE payment_id = $1 FOR UPDATE', [target.paymentId])
        : await c.query('SELECT * FROM payments WHERE provider = $1 AND merchant = $2 AND order_ref = $3 FOR UPDATE', [
            target.provider,
            target.merchant,
            target.orderRef,
          ]);
    if (!sel.rows[0]) return { result: { outcome: 'not_found' }, wroteEvent: false };
    const row = mapPaymentRow(sel.rows[0] as Record<string, unknown>);
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
      // Two different payments of one dossier settling at once must see each other: serialize per dossier.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('lienthong-payments:' || $1))", [row.maHoSo]);
      const other = await c.query("SELECT 1 FROM payments WHERE ma_ho_so = $1 AND status = 'paid' AND payment_id <> $2 LIMIT 1", [
        row.maHoSo,
        row.paymentId,
      ]);
      const review = other.rows.length ? 'dossier_paid_twice' : d.late ? 'late_settlement' : null;
      const paidAt = obs.paidAt ?? now;
      const upd = await c.query(
        `UPDATE payments SET status = 'paid', status_reason = NULL, provider_txn_id = $2, provider_code = $3, paid_at = $4,
           review_reason = coalesce(review_reason, $5), updated_at = $6, version = version + 1, next_check_at = NULL
         WHERE payment_id = $1 RETURNING *`,
        [row.paymentId, obs.providerTxnId, obs.providerCode, paidAt, review, now],
      );
      await event('paid', 'paid', { late: d.late, review });
      const after = mapPaymentRow(upd.rows[0] as Record<string, unknown>);
      await insertOutbox(
        c,
        row.paymentId,
        paymentSettledEvent(after, { providerTxnId: obs.providerTxnId, paidAt, settledAt: now, source, late: d.late }),
        now,
      );
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

  return {
    async apply(target, obs, source, extra = {}) {
      let out: { result: SettlementResult; wroteEvent: boolean };
      try {
        out = await withTransaction(deps.pool, (c) => run(c, target, obs, source, extra));
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
