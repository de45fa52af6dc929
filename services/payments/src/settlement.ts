import { withTransaction, type Clock, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import type { CloudEvent } from '@lienthong/events';
import type { Provider } from './provider.js';
import { decide, writes, type Decision } from './ledger/transition.js';
import type { Observation, SettlementSource, Verdict } from './ledger/observation.js';
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
   * concurrently it is called. The pure `decide` reads the row; what it decides is carried out either
   * from one committed read (a decision that writes nothing: duplicate, no change, unknown order) or
   * under the row lock, where the update, the history entry and the outbox event commit together or
   * not at all. A settlement (the one write on the busy path) is a single statement that applies the
   * decision only if the row still holds the facts it was made on (migrations/005); if another caller
   * got there first, the decision is made again under the lock → `duplicate`. Round trips per call:
   * a duplicate or an unknown order 1, a settlement 2 (read + settle), the rest 1 + a locked transaction.
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

type PaidVerdict = Extract<Verdict, { kind: 'paid' }>;

/** SELECT * because the result carries the whole record; `lock` only on the locked path. */
async function readPayment(q: Pool | PoolClient, target: SettlementTarget, lock: boolean): Promise<PaymentRecord | undefined> {
  const forUpdate = lock ? ' FOR UPDATE' : '';
  const r =
    'paymentId' in target
      ? await q.query(`SELECT * FROM payments WHERE payment_id = $1${forUpdate}`, [target.paymentId])
      : await q.query(`SELECT * FROM payments WHERE provider = $1 AND merchant = $2 AND order_ref = $3${forUpdate}`, [
          target.provider,
          target.merchant,
          target.orderRef,
        ]);
  return r.rows[0] ? mapPaymentRow(r.rows[0] as Record<string, unknown>) : undefined;
}

/**
 * Carries out "applied → paid" in one statement (payments_settle_paid, migrations/005): row lock, the
 * dossier's advisory lock and paid-twice check, the update, the history entry and the outbox event, only
 * if the row still has the status and provider transaction `row` had. The event is built here from `row`:
 * it names only what a payment never changes (ids, dossier, agency, amount, fees) and this observation.
 * Undefined: the row moved on since it was read; nothing was written.
 */
async function settlePaid(
  q: Pool | PoolClient,
  row: PaymentRecord,
  obs: PaidVerdict,
  late: boolean,
  source: SettlementSource,
  extra: SettlementExtra,
  now: Date,
): Promise<PaymentRecord | undefined> {
  const paidAt = obs.paidAt ?? now;
  const event = paymentSettledEvent(row, { providerTxnId: obs.providerTxnId, paidAt, settledAt: now, source, late });
  const r = await q.query('SELECT * FROM payments_settle_paid($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)', [
    row.paymentId,
    row.status,
    row.providerTxnId,
    obs.providerTxnId,
    obs.providerCode,
    paidAt,
    late,
    source,
    obs.amount,
    JSON.stringify(extra),
    now,
    event.id,
    JSON.stringify(event),
  ]);
  return r.rows[0] ? mapPaymentRow(r.rows[0] as Record<string, unknown>) : undefined;
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

  async function run(
    c: PoolClient,
    target: SettlementTarget,
    obs: Observation,
    source: SettlementSource,
    extra: SettlementExtra,
  ): Promise<{ result: SettlementResult; wroteEvent: boolean }> {
    const now = deps.clock.now();
    const row = await readPayment(c, target, true);
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
      const after = await settlePaid(c, row, obs, d.late, source, extra, now);
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
    const now = deps.clock.now();
    const row = await readPayment(deps.pool, target, false);
    if (!row) return { result: { outcome: 'not_found' }, wroteEvent: false };
    const d = decide(row, obs);
    if (!writes(d)) return { result: { outcome: d.outcome, payment: row }, wroteEvent: false };
    if (d.outcome === 'applied' && d.to === 'paid' && obs.kind === 'paid') {
      const after = await settlePaid(deps.pool, row, obs, d.late, source, extra, now);
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
