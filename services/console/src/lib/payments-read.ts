import type { Pool } from '@lienthong/platform';

/**
 * Read-only look at payments' own ledger table, because payments exposes no list API yet (it has one
 * payment by id and the review list). Used for the payments page and a dossier's timeline only; every
 * change still goes through payments' operator API. In production give the console a role with SELECT on
 * `payments` alone. Returns undefined when the table is not there (payments not deployed in this database).
 */
export interface PaymentRow {
  paymentId: string;
  maHoSo: string;
  agencyCode: string;
  provider: string;
  amount: number;
  status: string;
  statusReason: string | null;
  reviewReason: string | null;
  providerTxnId: string | null;
  createdAt: Date;
  updatedAt: Date;
  paidAt: Date | null;
  expiresAt: Date;
  /** Refunded so far (payments' refunds, migration 003); 0 before that migration. */
  refundedAmount: number;
}

export interface PaymentFilter {
  status?: string;
  review?: boolean;
  maHoSo?: string;
  provider?: string;
  limit: number;
}

export async function listPayments(pool: Pool, f: PaymentFilter): Promise<PaymentRow[] | undefined> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.status) where.push(`status = $${args.push(f.status)}`);
  if (f.review) where.push('review_reason IS NOT NULL');
  if (f.maHoSo) where.push(`ma_ho_so = $${args.push(f.maHoSo)}`);
  if (f.provider) where.push(`provider = $${args.push(f.provider)}`);
  try {
    const r = await pool.query(
      `SELECT payment_id, ma_ho_so, agency_code, provider, amount, status, status_reason, review_reason, provider_txn_id, created_at, updated_at, paid_at, expires_at,
              (to_jsonb(payments) ->> 'refunded_amount') AS refunded_amount
         FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC LIMIT $${args.push(f.limit)}`,
      args,
    );
    return r.rows.map((x) => ({
      paymentId: x.payment_id,
      maHoSo: x.ma_ho_so,
      agencyCode: x.agency_code,
      provider: x.provider,
      amount: Number(x.amount),
      status: x.status,
      statusReason: x.status_reason,
      reviewReason: x.review_reason,
      providerTxnId: x.provider_txn_id,
      createdAt: x.created_at,
      updatedAt: x.updated_at,
      paidAt: x.paid_at,
      expiresAt: x.expires_at,
      refundedAmount: Number(x.refunded_amount ?? 0),
    }));
  } catch (err) {
    if ((err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '42703') return undefined;
    throw err;
  }
}

export async function paymentCounts(pool: Pool): Promise<Record<string, number> | undefined> {
  try {
    const r = await pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM payments GROUP BY status UNION ALL SELECT 'review', count(*) FROM payments WHERE review_reason IS NOT NULL`,
    );
    return Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return undefined;
    throw err;
  }
}

/** One entry of a payment's append-only history (payments' `payment_events`): transitions and the IPNs, queries and operator actions behind them. */
export interface PaymentHistoryRow {
  paymentId: string;
  provider: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string;
  source: string;
  providerCode: string | null;
  amount: number | null;
  at: Date;
}

/** The history of every payment of a dossier, oldest first; undefined when payments' tables are not there. */
export async function paymentHistoryOf(pool: Pool, maHoSo: string): Promise<PaymentHistoryRow[] | undefined> {
  try {
    const r = await pool.query(
      `SELECT e.payment_id, p.provider, e.kind, e.from_status, e.to_status, e.source, e.provider_code, e.amount, e.recorded_at
         FROM payment_events e JOIN payments p ON p.payment_id = e.payment_id
        WHERE p.ma_ho_so = $1 ORDER BY e.recorded_at, e.event_id LIMIT 500`,
      [maHoSo],
    );
    return r.rows.map((x) => ({
      paymentId: x.payment_id,
      provider: x.provider,
      kind: x.kind,
      fromStatus: x.from_status,
      toStatus: x.to_status,
      source: x.source,
      providerCode: x.provider_code,
      amount: x.amount === null ? null : Number(x.amount),
      at: x.recorded_at,
    }));
  } catch (err) {
    if ((err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '42703') return undefined;
    throw err;
  }
}
