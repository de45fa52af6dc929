import { withTransaction, type Pool } from '@lienthong/platform';
import type { Provider } from '../provider.js';
import { mapPaymentRow, type PaymentRecord } from './payment-record.js';
import { agencyFilter } from './agency-filter.js';
import { createPaymentReads, type PaymentReads } from './payment-reads.js';

export { agencyFilter };

/** What creating a payment writes: the record's identity and terms, plus when reconciliation first looks. */
export type NewPayment = Pick<
  PaymentRecord,
  | 'paymentId'
  | 'maHoSo'
  | 'agencyCode'
  | 'clientId'
  | 'provider'
  | 'merchant'
  | 'orderRef'
  | 'amount'
  | 'fees'
  | 'returnUrl'
  | 'createdAt'
  | 'expiresAt'
> & { firstCheckAt: Date; transferCode?: string };

export interface PaymentEventRow {
  eventId: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string;
  source: string;
  providerTxnId: string | null;
  providerCode: string | null;
  amount: number | null;
  detail: Record<string, unknown>;
  recordedAt: Date;
}

/** The ledger's writes and the reconciliation/review reads; the operators' lists come from PaymentReads. */
export interface PaymentStore extends PaymentReads {
  /** Inserts a `created` payment and its first history entry, before the provider is called. */
  insertCreated(p: NewPayment): Promise<PaymentRecord>;
  /** created → pending once the provider accepted; no-op (undefined) if the row moved on meanwhile. */
  markPending(
    paymentId: string,
    info: { payUrl: string; providerData: Record<string, string>; providerCode: string },
    now: Date,
  ): Promise<PaymentRecord | undefined>;
  /** created → failed when the provider refused, timed out or could not be reached. */
  markCreateFailed(paymentId: string, info: { reason: string; providerCode?: string }, now: Date): Promise<void>;
  get(paymentId: string): Promise<PaymentRecord | undefined>;
  findByOrderRef(provider: Provider, merchant: string, orderRef: string): Promise<PaymentRecord | undefined>;
  /** By reference alone (ours are random, so unique in practice); for display pages only, never to settle. */
  findByProviderRef(provider: Provider, orderRef: string): Promise<PaymentRecord | undefined>;
  history(paymentId: string): Promise<PaymentEventRow[]>;
  /** Open payments whose next status query is due, oldest first. */
  /** Open payments due for a status query; `agencies` (API-client patterns) narrows to an operator's scope. */
  listDue(now: Date, limit: number, agencies?: readonly string[]): Promise<PaymentRecord[]>;
  /** Reconciliation bookkeeping after a status query (not part of the audit trail). */
  recordCheck(
    paymentId: string,
    info: { outcome: string; nextCheckAt: Date | null; unverified: boolean; reviewReason?: string },
    now: Date,
  ): Promise<void>;
  /** An operator closes a review; the reason and the note stay in the history. False if nothing was under review. */
  clearReview(paymentId: string, info: { actor: string; note: string }, now: Date): Promise<boolean>;
  /** Payments a human must look at (docs/payments.md, "When a provider disagrees"). */
  listForReview(limit: number, agencies?: readonly string[]): Promise<PaymentRecord[]>;
}

export function createPaymentStore(pool: Pool): PaymentStore {
  const one = async (sql: string, params: unknown[]) => {
    const r = await pool.query(sql, params);
    return r.rows[0] ? mapPaymentRow(r.rows[0] as Record<string, unknown>) : undefined;
  };
  return {
    ...createPaymentReads(pool),
    insertCreated: (p) =>
      withTransaction(pool, async (c) => {
        const r = await c.query(
          `INSERT INTO payments (payment_id, ma_ho_so, agency_code, client_id, provider, merchant, order_ref, amount, fees,
             status, return_url, created_at, expires_at, updated_at, next_check_at, transfer_code)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'created',$10,$11,$12,$11,$13,$14) RETURNING *`,
          [
            p.paymentId,
            p.maHoSo,
            p.agencyCode,
            p.clientId,
            p.provider,
            p.merchant,
            p.orderRef,
            p.amount,
            JSON.stringify(p.fees),
            p.returnUrl,
            p.createdAt,
            p.expiresAt,
            p.firstCheckAt,
            p.transferCode ?? null,
          ],
        );
        await c.query(
          `INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, amount, detail, recorded_at)
           VALUES ($1, 'created', NULL, 'created', 'api', $2, $3, $4)`,
          [
            p.paymentId,
            p.amount,
            JSON.stringify({ clientId: p.clientId, merchant: p.merchant, orderRef: p.orderRef }),
            p.createdAt,
          ],
        );
        return mapPaymentRow(r.rows[0] as Record<string, unknown>);
      }),

    markPending: (paymentId, info, now) =>
      withTransaction(pool, async (c) => {
        const r = await c.query(
          `UPDATE payments SET status = 'pending', pay_url = $2, provider_data = $3, provider_code = $4, updated_at = $5, version = version + 1
           WHERE payment_id = $1 AND status = 'created' RETURNING *`,
          [paymentId, info.payUrl, JSON.stringify(info.providerData), info.providerCode, now],
        );
        if (!r.rows[0]) return undefined;
        await c.query(
          `INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, provider_code, recorded_at)
           VALUES ($1, 'pending', 'created', 'pending', 'api', $2, $3)`,
          [paymentId, info.providerCode, now],
        );
        return mapPaymentRow(r.rows[0] as Record<string, unknown>);
      }),

    markCreateFailed: (paymentId, info, now) =>
      withTransaction(pool, async (c) => {
        const r = await c.query(
          `UPDATE payments SET status = 'failed', status_reason = $2, provider_code = $3, updated_at = $4, version = version + 1, next_check_at = NULL
           WHERE payment_id = $1 AND status = 'created' RETURNING payment_id`,
          [paymentId, info.reason, info.providerCode ?? null, now],
        );
        if (!r.rows[0]) return;
        await c.query(
          `INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, provider_code, detail, recorded_at)
           VALUES ($1, 'create_failed', 'created', 'failed', 'api', $2, $3, $4)`,
          [paymentId, info.providerCode ?? null, JSON.stringify({ reason: info.reason }), now],
        );
      }),

    get: (paymentId) => one('SELECT * FROM payments WHERE payment_id = $1', [paymentId]),
    findByOrderRef: (provider, merchant, orderRef) =>
      one('SELECT * FROM payments WHERE provider = $1 AND merchant = $2 AND order_ref = $3', [provider, merchant, orderRef]),
    findByProviderRef: (provider, orderRef) =>
      one('SELECT * FROM payments WHERE provider = $1 AND order_ref = $2 LIMIT 1', [provider, orderRef]),

    async history(paymentId) {
      const r = await pool.query('SELECT * FROM payment_events WHERE payment_id = $1 ORDER BY event_id', [paymentId]);
      return r.rows.map((e: Record<string, unknown>) => ({
        eventId: String(e.event_id),
        kind: e.kind as string,
        fromStatus: (e.from_status as string | null) ?? null,
        toStatus: e.to_status as string,
        source: e.source as string,
        providerTxnId: (e.provider_txn_id as string | null) ?? null,
        providerCode: (e.provider_code as string | null) ?? null,
        amount: e.amount === null ? null : Number(e.amount),
        detail: e.detail as Record<string, unknown>,
        recordedAt: e.recorded_at as Date,
      }));
    },

    async listDue(now, limit, agencies) {
      // Payments under amount-mismatch review are left to a human: querying them again proves nothing new.
      const f = agencyFilter(agencies, 3);
      const r = await pool.query(
        `SELECT * FROM payments
         WHERE status IN ('created', 'pending') AND next_check_at <= $1 AND review_reason IS DISTINCT FROM 'amount_mismatch'
           AND ${f.sql}
         ORDER BY next_check_at LIMIT $2`,
        [now, limit, ...f.params],
      );
      return r.rows.map((x: Record<string, unknown>) => mapPaymentRow(x));
    },

    async recordCheck(paymentId, info, now) {
      await pool.query(
        `UPDATE payments SET next_check_at = CASE WHEN status IN ('created', 'pending') THEN $2::timestamptz ELSE NULL END,
           check_count = check_count + 1,
           unverified_count = CASE WHEN $3::boolean THEN unverified_count + 1 ELSE 0 END,
           last_check_at = $4, last_check_outcome = $5,
           review_reason = CASE WHEN status IN ('created', 'pending') THEN coalesce(review_reason, $6::text) ELSE review_reason END
         WHERE payment_id = $1`,
        [paymentId, info.nextCheckAt, info.unverified, now, info.outcome, info.reviewReason ?? null],
      );
    },

    clearReview: (paymentId, info, now) =>
      withTransaction(pool, async (c) => {
        const r = await c.query('SELECT status, review_reason FROM payments WHERE payment_id = $1 FOR UPDATE', [paymentId]);
        const row = r.rows[0] as { status: string; review_reason: string | null } | undefined;
        if (!row || row.review_reason === null) return false;
        await c.query('UPDATE payments SET review_reason = NULL, updated_at = $2 WHERE payment_id = $1', [paymentId, now]);
        await c.query(
          `INSERT INTO payment_events (payment_id, kind, from_status, to_status, source, detail, recorded_at)
           VALUES ($1, 'review_cleared', $2, $2, 'operator', $3, $4)`,
          [paymentId, row.status, JSON.stringify({ reviewReason: row.review_reason, actor: info.actor, note: info.note }), now],
        );
        return true;
      }),

    async listForReview(limit, agencies) {
      const f = agencyFilter(agencies, 2);
      const r = await pool.query(
        `SELECT * FROM payments WHERE review_reason IS NOT NULL AND ${f.sql} ORDER BY updated_at DESC LIMIT $1`,
        [limit, ...f.params],
      );
      return r.rows.map((x: Record<string, unknown>) => mapPaymentRow(x));
    },
  };
}
