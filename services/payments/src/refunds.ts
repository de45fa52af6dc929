import { randomUUID } from 'node:crypto';
import { withTransaction, type Clock, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import type { MerchantRegistry } from './merchants.js';
import type { Provider } from './provider.js';
import type { RefundAnswer, RefundApi } from './providers/provider-adapter.js';
import { mapPaymentRow, type PaymentRecord } from './ledger/payment-record.js';
import { paymentRefundedEvent } from './events/payment-events.js';
import { paymentError, PaymentErrorCodes, paymentNotFound } from './errors.js';

export type RefundState = 'requested' | 'pending' | 'succeeded' | 'failed';

export interface RefundView {
  refundId: string;
  paymentId: string;
  amount: number;
  kind: 'provider' | 'manual';
  state: RefundState;
  reason: string;
  reference: string | null;
  actor: string;
  providerTxnId: string | null;
  providerCode: string | null;
  createdAt: string;
  updatedAt: string;
  /** The payment's live refunds after this one (never above its amount). */
  refundedAmount?: number;
}

export interface RefundInput {
  /** Whole VND; absent = everything not yet refunded. */
  amount?: number;
  reason: string;
  /** `manual`: paid back outside the hub (needs `reference`); default: the provider's API where there is one. */
  mode?: 'provider' | 'manual';
  /** The bank or provider reference of a manual refund. */
  reference?: string;
}

export interface Refunds {
  /** Records and performs one refund of a paid payment (operator action). Throws 404/409/400 HubErrors. */
  request(actor: string, payment: PaymentRecord, input: RefundInput): Promise<RefundView>;
  list(paymentId: string): Promise<RefundView[]>;
  /** Asks the providers about refunds whose answer was lost; returns how many changed state. */
  reconcile(limit?: number): Promise<number>;
}

const refundErr = {
  notRefundable: (status: string) =>
    paymentError(
      PaymentErrorCodes.conflict,
      'conflict',
      `only a paid payment can be refunded (this one is ${status})`,
      `Chỉ hoàn tiền giao dịch đã thanh toán (giao dịch đang ở trạng thái ${status})`,
    ),
  exceeds: (left: number) =>
    paymentError(
      PaymentErrorCodes.refundExceedsPaid,
      'conflict',
      `refunds would exceed the amount paid (at most ${left} VND left)`,
      `Tổng hoàn tiền vượt số đã thanh toán (còn tối đa ${left} đồng)`,
    ),
  needsReference: (provider: string) =>
    paymentError(
      PaymentErrorCodes.invalidRequest,
      'invalid',
      `${provider} has no refund API here: record a manual refund with its reference`,
      `${provider} không có API hoàn tiền: ghi nhận hoàn tiền thủ công kèm mã tham chiếu`,
      {
        details: [
          {
            path: '/reference',
            code: 'LT_PAY_REFUND_REFERENCE_REQUIRED',
            message: 'Cần mã tham chiếu của giao dịch hoàn tiền',
            message_en: 'reference of the repayment is required',
          },
        ],
      },
    ),
};

function mapRefund(r: Record<string, unknown>): RefundView {
  return {
    refundId: r.refund_id as string,
    paymentId: r.payment_id as string,
    amount: Number(r.amount),
    kind: r.kind as 'provider' | 'manual',
    state: r.state as RefundState,
    reason: r.reason as string,
    reference: (r.reference as string | null) ?? null,
    actor: r.actor as string,
    providerTxnId: (r.provider_txn_id as string | null) ?? null,
    providerCode: (r.provider_code as string | null) ?? null,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
  };
}

/**
 * Refunds (docs/payments.md, "Refunds"). The refund row is written first, in the same transaction as its
 * history entry, under the payment's row lock; the ledger's trigger adds its amount to
 * payments.refunded_amount, and the CHECK refuses the row if the total would pass the amount paid
 * (LT_PAY_REFUND_EXCEEDS_PAID) — concurrent refunds serialize on the payment's row. Only then is the
 * provider called; its answer moves the refund to succeeded (and writes the payment.refunded event to the
 * outbox), failed (the trigger frees the amount), or pending (no verifiable answer: reconciliation asks the
 * provider again). A manual refund is succeeded at once: the operator confirms the money went back.
 */
export function createRefunds(deps: {
  pool: Pool;
  clock: Clock;
  logger: Logger;
  merchants: MerchantRegistry;
  apis: Partial<Record<Provider, RefundApi>>;
  onEventWritten: () => void;
  /** Spacing of the provider checks of a pending refund. */
  checkIntervalSeconds: number;
}): Refunds {
  const log = deps.logger.child({ component: 'refunds' });

  const history = (c: PoolClient, p: PaymentRecord, kind: string, source: string, refund: RefundView, extra: object, now: Date) =>
    c.query(
      `INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, provider_txn_id, provider_code, amount, detail, recorded_at)
       VALUES ($1, $2, 'paid', 'paid', $3, $4, $5, $6, $7, $8)`,
      [
        p.paymentId,
        kind,
        source,
        refund.providerTxnId,
        refund.providerCode,
        refund.amount,
        JSON.stringify({ refundId: refund.refundId, kind: refund.kind, ...extra }),
        now,
      ],
    );

  /** Moves a refund to its final state with its history entry (and the event on success), once. */
  async function finish(
    refundId: string,
    answer: Exclude<RefundAnswer, { state: 'unknown' }>,
    source: 'operator' | 'reconciliation',
  ): Promise<RefundView | undefined> {
    const now = deps.clock.now();
    const wrote = await withTransaction(deps.pool, async (c) => {
      const r = (
        await c.query("SELECT * FROM payment_refunds WHERE refund_id = $1 AND state IN ('requested', 'pending') FOR UPDATE", [
          refundId,
        ])
      ).rows[0] as Record<string, unknown> | undefined;
      if (!r) return undefined;
      const upd = await c.query(
        `UPDATE payment_refunds SET state = $2, provider_txn_id = $3, provider_code = $4, updated_at = $5, next_check_at = NULL WHERE refund_id = $1 RETURNING *`,
        [refundId, answer.state, answer.state === 'succeeded' ? answer.providerTxnId : null, answer.code, now],
      );
      const refund = mapRefund(upd.rows[0] as Record<string, unknown>);
      const p = mapPaymentRow(
        (await c.query('SELECT * FROM payments WHERE payment_id = $1', [refund.paymentId])).rows[0] as Record<string, unknown>,
      );
      await history(
        c,
        p,
        answer.state === 'succeeded' ? 'refunded' : 'refund_failed',
        source,
        refund,
        answer.state === 'failed' ? { message: answer.message } : {},
        now,
      );
      if (answer.state === 'succeeded') await writeEvent(c, p, refund, now);
      return { refund: { ...refund, refundedAmount: p.refundedAmount }, event: answer.state === 'succeeded' };
    });
    if (wrote?.event) deps.onEventWritten();
    return wrote?.refund;
  }

  async function writeEvent(c: PoolClient, p: PaymentRecord, refund: RefundView, now: Date): Promise<void> {
    const e = paymentRefundedEvent(p, refund, now);
    await c.query('INSERT INTO payment_outbox (payment_id, event_id, event, created_at) VALUES ($1, $2, $3, $4)', [
      p.paymentId,
      e.id,
      JSON.stringify(e),
      now,
    ]);
  }

  return {
    async request(actor, payment, input) {
      const api = deps.apis[payment.provider];
      const manual = input.mode === 'manual' || !api;
      if (manual && !input.reference) throw refundErr.needsReference(payment.provider);
      const now = deps.clock.now();
      const refundId = randomUUID();
      const created = await withTransaction(deps.pool, async (c) => {
        const row = (await c.query('SELECT * FROM payments WHERE payment_id = $1 FOR UPDATE', [payment.paymentId])).rows[0] as
          Record<string, unknown> | undefined;
        if (!row) throw paymentNotFound();
        const p = mapPaymentRow(row);
        if (p.status !== 'paid') throw refundErr.notRefundable(p.status);
        const amount = input.amount ?? p.amount - p.refundedAmount;
        if (amount < 1) throw refundErr.exceeds(0);
        let ins;
        try {
          // A savepoint, so a refused row (the CHECK) leaves the transaction usable for the error path.
          await c.query('SAVEPOINT refund_row');
          ins = await c.query(
            `INSERT INTO payment_refunds (refund_id, payment_id, amount, kind, state, reason, reference, actor, provider_ref, created_at, updated_at, next_check_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING *`,
            [
              refundId,
              p.paymentId,
              amount,
              manual ? 'manual' : 'provider',
              manual ? 'succeeded' : 'requested',
              input.reason,
              input.reference ?? null,
              actor,
              manual ? null : refundId.replace(/-/g, ''),
              now,
              manual ? null : new Date(now.getTime() + deps.checkIntervalSeconds * 1000),
            ],
          );
        } catch (err) {
          if (
            (err as { code?: string; constraint?: string }).code === '23514' &&
            (err as { constraint?: string }).constraint === 'payments_refund_within_paid'
          ) {
            await c.query('ROLLBACK TO SAVEPOINT refund_row');
            throw refundErr.exceeds(p.amount - p.refundedAmount);
          }
          throw err;
        }
        const refund = mapRefund(ins.rows[0] as Record<string, unknown>);
        const after = mapPaymentRow(
          (await c.query('SELECT * FROM payments WHERE payment_id = $1', [p.paymentId])).rows[0] as Record<string, unknown>,
        );
        await history(
          c,
          after,
          'refund_requested',
          'operator',
          refund,
          { reason: input.reason, actor, ...(input.reference ? { reference: input.reference } : {}) },
          now,
        );
        if (manual) {
          await history(c, after, 'refunded', 'operator', refund, { manual: true }, now);
          await writeEvent(c, after, refund, now);
        }
        return { refund: { ...refund, refundedAmount: after.refundedAmount }, payment: after };
      });
      log.info(
        { paymentId: payment.paymentId, refundId, kind: created.refund.kind, amount: created.refund.amount },
        'refund recorded',
      );
      if (manual) {
        deps.onEventWritten();
        return created.refund;
      }
      const account = deps.merchants.forAgency(created.payment.agencyCode);
      const attempt = {
        refundId,
        providerRef: created.refund.refundId.replace(/-/g, ''),
        amount: created.refund.amount,
        reason: input.reason,
      };
      const answer = account
        ? await api!.refund(created.payment, account, attempt)
        : ({ state: 'unknown', reason: 'no merchant account' } as const);
      if (answer.state === 'unknown') {
        // Nothing verifiable: the provider may or may not have refunded. Pending until its query says.
        // Due at the next reconciliation run (the provider needs no extra delay to list a refund it made).
        await deps.pool.query(
          "UPDATE payment_refunds SET state = 'pending', updated_at = $2, next_check_at = $2 WHERE refund_id = $1 AND state = 'requested'",
          [refundId, deps.clock.now()],
        );
        log.warn(
          { paymentId: payment.paymentId, refundId, why: answer.reason },
          'refund answer lost; reconciliation will ask the provider',
        );
        return { ...created.refund, state: 'pending' };
      }
      return (await finish(refundId, answer, 'operator')) ?? created.refund;
    },

    async list(paymentId) {
      const { rows } = await deps.pool.query(
        'SELECT * FROM payment_refunds WHERE payment_id = $1 ORDER BY created_at, refund_id',
        [paymentId],
      );
      return rows.map((r: Record<string, unknown>) => mapRefund(r));
    },

    async reconcile(limit = 100) {
      const now = deps.clock.now();
      const { rows } = await deps.pool.query(
        "SELECT r.*, p.agency_code FROM payment_refunds r JOIN payments p USING (payment_id) WHERE r.state IN ('requested', 'pending') AND r.next_check_at <= $1 ORDER BY r.next_check_at LIMIT $2",
        [now, limit],
      );
      let changed = 0;
      for (const r of rows as Record<string, unknown>[]) {
        const refund = mapRefund(r);
        const payment = mapPaymentRow(
          (await deps.pool.query('SELECT * FROM payments WHERE payment_id = $1', [refund.paymentId])).rows[0] as Record<
            string,
            unknown
          >,
        );
        const api = deps.apis[payment.provider];
        const account = deps.merchants.forAgency(payment.agencyCode);
        if (!api || !account) continue;
        const answer = await api.check(payment, account, {
          refundId: refund.refundId,
          providerRef: (r.provider_ref as string) ?? '',
          amount: refund.amount,
          reason: refund.reason,
        });
        if (answer.state === 'unknown') {
          await deps.pool.query('UPDATE payment_refunds SET next_check_at = $2 WHERE refund_id = $1', [
            refund.refundId,
            new Date(now.getTime() + deps.checkIntervalSeconds * 1000),
          ]);
          continue;
        }
        if (await finish(refund.refundId, answer, 'reconciliation')) changed++;
      }
      if (changed) log.info({ changed }, 'refunds reconciled');
      return changed;
    },
  };
}
