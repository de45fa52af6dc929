import { randomUUID } from 'node:crypto';
import { withTransaction, type Clock, type Logger, type Pool, type PoolClient } from '@lienthong/platform';
import type { MerchantRegistry } from './merchants.js';
import type { Provider } from './provider.js';
import type { RefundAnswer, RefundApi, UnconfirmedRefundCode } from './providers/provider-adapter.js';
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
  /**
   * A pending refund the provider answered about without confirming it (docs/payments.md §9): why, in both
   * languages. Its amount stays held and the payment is on the review list (`refund_unconfirmed`).
   */
  unconfirmed?: { code: UnconfirmedRefundCode; message: string; message_en: string };
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

/** An operator's ruling on a pending refund, from the provider's merchant portal (or the bank). */
export interface RefundResolution {
  outcome: 'succeeded' | 'failed';
  note: string;
  /** The provider's refund transaction id as the portal shows it; required for `succeeded`. */
  providerTxnId?: string;
}

export interface Refunds {
  /** Records and performs one refund of a paid payment (operator action). Throws 404/409/400 HubErrors. */
  request(actor: string, payment: PaymentRecord, input: RefundInput): Promise<RefundView>;
  /**
   * An operator settles a pending refund (typically one the provider did not confirm): `succeeded` with the
   * provider's refund id, or `failed` (frees the amount). Throws 404 (no such refund of this payment), 409 (not
   * pending) or 400.
   */
  resolve(actor: string, payment: PaymentRecord, refundId: string, input: RefundResolution): Promise<RefundView>;
  list(paymentId: string): Promise<RefundView[]>;
  /**
   * Asks the providers about refunds whose answer was lost or not confirmed, those due (`all`: every open one);
   * returns how many changed: settled, or first found unconfirmed.
   */
  reconcile(opts?: { all?: boolean; limit?: number }): Promise<number>;
}

/** What an unconfirmed refund means, for the operator (vi first). */
const UNCONFIRMED_TEXT: Record<UnconfirmedRefundCode, { vi: string; en: string }> = {
  ABSENT: {
    vi: 'Nhà cung cấp chưa ghi nhận giao dịch hoàn tiền này; có thể vẫn đang xử lý. Số tiền vẫn được giữ: không hoàn lại lần nữa cho đến khi nhà cung cấp xác nhận hoặc cán bộ xử lý yêu cầu này',
    en: 'The provider shows no trace of this refund; it may still be in progress there. Its amount stays held: do not refund again until the provider confirms it or an operator resolves this refund',
  },
  AMBIGUOUS: {
    vi: 'Truy vấn của nhà cung cấp có hoàn tiền nhưng không xác định được là yêu cầu nào (giao dịch có nhiều lần hoàn). Số tiền vẫn được giữ cho đến khi cán bộ đối chiếu và xử lý yêu cầu này',
    en: "The provider's query shows a refund but cannot say which one (the payment has several refunds). Its amount stays held until an operator checks and resolves this refund",
  },
};
const UNCONFIRMED_CODES = Object.keys(UNCONFIRMED_TEXT) as UnconfirmedRefundCode[];

const refundErr = {
  inProgress: (refundId: string) =>
    paymentError(
      PaymentErrorCodes.refundInProgress,
      'conflict',
      `refund ${refundId} of this payment is still pending at the provider; wait for its answer or resolve it first`,
      `Yêu cầu hoàn tiền ${refundId} của giao dịch này đang chờ nhà cung cấp; chờ kết quả hoặc xử lý yêu cầu đó trước`,
      {
        details: [
          {
            path: '/id',
            code: PaymentErrorCodes.refundInProgress,
            message: `Đang có yêu cầu hoàn tiền chưa kết thúc: ${refundId}`,
            message_en: `a refund is still pending: ${refundId}`,
          },
        ],
      },
    ),
  notPending: (state: string) =>
    paymentError(
      PaymentErrorCodes.refundNotPending,
      'conflict',
      `only a pending refund can be resolved (this one is ${state})`,
      `Chỉ xử lý được yêu cầu hoàn tiền đang chờ (yêu cầu này đang ở trạng thái ${state})`,
    ),
  notFound: () =>
    paymentError(
      PaymentErrorCodes.notFound,
      'not_found',
      'no such refund of this payment',
      'Không tìm thấy yêu cầu hoàn tiền này',
    ),
  needsTxnId: () =>
    paymentError(
      PaymentErrorCodes.invalidRequest,
      'invalid',
      'a succeeded refund needs the provider refund id',
      'Cần mã giao dịch hoàn tiền của nhà cung cấp',
      {
        details: [
          {
            path: '/providerTxnId',
            code: 'LT_PAY_REFUND_TXN_REQUIRED',
            message: 'Cần mã giao dịch hoàn tiền như trên cổng của nhà cung cấp',
            message_en: "the provider's refund transaction id, as its portal shows it, is required",
          },
        ],
      },
    ),
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
  const code = r.provider_code as string | null;
  const unconfirmed =
    r.state === 'pending' && UNCONFIRMED_CODES.includes(code as UnconfirmedRefundCode)
      ? {
          code: code as UnconfirmedRefundCode,
          message: UNCONFIRMED_TEXT[code as UnconfirmedRefundCode].vi,
          message_en: UNCONFIRMED_TEXT[code as UnconfirmedRefundCode].en,
        }
      : undefined;
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
    ...(unconfirmed ? { unconfirmed } : {}),
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

  /**
   * Takes the payment off the review list when its last unconfirmed refund is settled (same transaction). Only
   * a `refund_unconfirmed` review is cleared: another reason stays for its own resolution.
   */
  async function clearRefundReview(c: PoolClient, paymentId: string, source: string, extra: object, now: Date): Promise<void> {
    const left = await c.query(
      "SELECT 1 FROM payment_refunds WHERE payment_id = $1 AND state IN ('requested', 'pending') AND provider_code = ANY($2::text[]) LIMIT 1",
      [paymentId, UNCONFIRMED_CODES],
    );
    if (left.rows.length) return;
    const cleared = await c.query(
      "UPDATE payments SET review_reason = NULL, updated_at = $2 WHERE payment_id = $1 AND review_reason = 'refund_unconfirmed' RETURNING status",
      [paymentId, now],
    );
    const row = cleared.rows[0] as { status: string } | undefined;
    if (!row) return;
    await c.query(
      `INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, detail, recorded_at)
       VALUES ($1, 'review_cleared', $2, $2, $3, $4, $5)`,
      [paymentId, row.status, source, JSON.stringify({ reviewReason: 'refund_unconfirmed', ...extra }), now],
    );
  }

  /**
   * The provider answered without confirming the refund (providers/provider-adapter.ts `unconfirmed`): the refund
   * stays pending — its amount held, so no second refund can start — and the payment goes on the review list
   * (`refund_unconfirmed`) with a history entry saying why in both languages, once per refund and reason. A
   * review an operator closed while the refund is still unconfirmed comes back at the next check.
   */
  async function flagUnconfirmed(refundId: string, answer: Extract<RefundAnswer, { state: 'unconfirmed' }>): Promise<boolean> {
    const now = deps.clock.now();
    return withTransaction(deps.pool, async (c) => {
      const r = (
        await c.query("SELECT * FROM payment_refunds WHERE refund_id = $1 AND state IN ('requested', 'pending') FOR UPDATE", [
          refundId,
        ])
      ).rows[0] as Record<string, unknown> | undefined;
      if (!r) return false;
      const first = r.provider_code !== answer.code;
      if (first || r.state !== 'pending')
        await c.query("UPDATE payment_refunds SET state = 'pending', provider_code = $2, updated_at = $3 WHERE refund_id = $1", [
          refundId,
          answer.code,
          now,
        ]);
      const flagged = await c.query(
        "UPDATE payments SET review_reason = 'refund_unconfirmed', updated_at = $2 WHERE payment_id = $1 AND review_reason IS NULL RETURNING payment_id",
        [r.payment_id, now],
      );
      if (first) {
        const refund = mapRefund({ ...r, state: 'pending', provider_code: answer.code });
        const p = mapPaymentRow(
          (await c.query('SELECT * FROM payments WHERE payment_id = $1', [refund.paymentId])).rows[0] as Record<string, unknown>,
        );
        await history(
          c,
          p,
          'refund_unconfirmed',
          'reconciliation',
          refund,
          {
            code: answer.code,
            why: answer.reason,
            message: UNCONFIRMED_TEXT[answer.code].vi,
            message_en: UNCONFIRMED_TEXT[answer.code].en,
          },
          now,
        );
      }
      if (first || flagged.rows.length)
        log.warn(
          { paymentId: r.payment_id, refundId, code: answer.code, why: answer.reason },
          'refund not confirmed by the provider; kept pending, on the review list',
        );
      return first;
    });
  }

  /** Moves a refund to its final state with its history entry (and the event on success), once. */
  async function finish(
    refundId: string,
    answer: Exclude<RefundAnswer, { state: 'unknown' | 'unconfirmed' }>,
    source: 'operator' | 'reconciliation',
    extra: { actor?: string; note?: string; onlyPending?: boolean } = {},
  ): Promise<RefundView | undefined> {
    const now = deps.clock.now();
    const { onlyPending, ...who } = extra;
    const wrote = await withTransaction(deps.pool, async (c) => {
      const r = (
        await c.query(
          `SELECT * FROM payment_refunds WHERE refund_id = $1 AND state IN (${onlyPending ? "'pending'" : "'requested', 'pending'"}) FOR UPDATE`,
          [refundId],
        )
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
        { ...(answer.state === 'failed' ? { message: answer.message } : {}), ...who },
        now,
      );
      if (answer.state === 'succeeded') await writeEvent(c, p, refund, now);
      await clearRefundReview(c, p.paymentId, source, { refundId, ...who }, now);
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
        // One refund at a time per payment: while one waits for the provider (its answer lost, or the provider
        // showing no trace of it) it may still happen there, so nothing else is refunded until it is settled —
        // by the provider's definitive answer or an operator (resolve). The row lock above serializes this check.
        const open = (
          await c.query(
            "SELECT refund_id FROM payment_refunds WHERE payment_id = $1 AND state IN ('requested', 'pending') ORDER BY created_at LIMIT 1",
            [p.paymentId],
          )
        ).rows[0] as { refund_id: string } | undefined;
        if (open) throw refundErr.inProgress(open.refund_id);
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

    async resolve(actor, payment, refundId, input) {
      if (input.outcome === 'succeeded' && !input.providerTxnId) throw refundErr.needsTxnId();
      const row = (
        await deps.pool.query('SELECT state FROM payment_refunds WHERE refund_id = $1 AND payment_id = $2', [
          refundId,
          payment.paymentId,
        ])
      ).rows[0] as { state: string } | undefined;
      if (!row) throw refundErr.notFound();
      if (row.state !== 'pending') throw refundErr.notPending(row.state);
      const answer =
        input.outcome === 'succeeded'
          ? ({ state: 'succeeded', providerTxnId: input.providerTxnId!, code: 'OPERATOR' } as const)
          : ({ state: 'failed', code: 'OPERATOR', message: input.note } as const);
      const done = await finish(refundId, answer, 'operator', { actor, note: input.note, onlyPending: true });
      if (!done) {
        // Settled meanwhile (the provider's answer, or another operator): say what it is now.
        const now = (await deps.pool.query('SELECT state FROM payment_refunds WHERE refund_id = $1', [refundId])).rows[0] as {
          state: string;
        };
        throw refundErr.notPending(now.state);
      }
      log.info({ paymentId: payment.paymentId, refundId, outcome: input.outcome, actor }, 'refund resolved by an operator');
      return done;
    },

    async list(paymentId) {
      const { rows } = await deps.pool.query(
        'SELECT * FROM payment_refunds WHERE payment_id = $1 ORDER BY created_at, refund_id',
        [paymentId],
      );
      return rows.map((r: Record<string, unknown>) => mapRefund(r));
    },

    async reconcile({ all = false, limit = 100 } = {}) {
      const now = deps.clock.now();
      const { rows } = await deps.pool.query(
        // `all` skips the schedule of pending refunds only: a `requested` one is in its first call right now.
        `SELECT r.*, p.agency_code FROM payment_refunds r JOIN payments p USING (payment_id)
         WHERE r.state IN ('requested', 'pending') AND (r.next_check_at <= $1 OR ($3 AND r.state = 'pending'))
         ORDER BY r.next_check_at LIMIT $2`,
        [now, limit, all],
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
        const others = (
          await deps.pool.query(
            "SELECT count(*)::int AS n FROM payment_refunds WHERE payment_id = $1 AND kind = 'provider' AND refund_id <> $2",
            [refund.paymentId, refund.refundId],
          )
        ).rows[0] as { n: number };
        const answer = await api.check(payment, account, {
          refundId: refund.refundId,
          providerRef: (r.provider_ref as string) ?? '',
          amount: refund.amount,
          reason: refund.reason,
          otherProviderRefunds: others.n,
        });
        if (answer.state === 'unconfirmed' && (await flagUnconfirmed(refund.refundId, answer))) changed++;
        if (answer.state === 'unknown' || answer.state === 'unconfirmed') {
          // A `requested` refund due for a check is no longer in its first call (a crash between the row and the
          // provider's answer): pending, so an operator can resolve it if the provider never answers.
          await deps.pool.query(
            `UPDATE payment_refunds SET next_check_at = $2,
               state = CASE WHEN state = 'requested' THEN 'pending' ELSE state END,
               updated_at = CASE WHEN state = 'requested' THEN $3 ELSE updated_at END
             WHERE refund_id = $1 AND state IN ('requested', 'pending')`,
            [refund.refundId, new Date(now.getTime() + deps.checkIntervalSeconds * 1000), now],
          );
          continue;
        }
        if (await finish(refund.refundId, answer, 'reconciliation')) changed++;
      }
      if (changed) log.info({ changed }, 'refunds reconciled');
      return changed;
    },
  };
}
