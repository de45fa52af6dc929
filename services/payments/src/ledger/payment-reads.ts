import { agencyScopeSql, type Pool } from '@lienthong/platform';
import type { Provider } from '../provider.js';
import { mapPaymentRow, type PaymentRecord } from './payment-record.js';
import { paymentStatuses, type PaymentStatus } from './payment-status.js';
import type { ListCursor } from './list-cursor.js';

/** Filters of GET /v1/payments (routes/list-query.ts checks them); every one narrows, none widens the scope. */
export interface PaymentListFilter {
  status?: PaymentStatus;
  /** true: under review (`review_reason` set); false: not under review. */
  review?: boolean;
  maHoSo?: string;
  provider?: Provider;
  limit: number;
  /** Rows after this position (the previous page's `next`). */
  after?: ListCursor;
}

export interface PaymentPage {
  rows: PaymentRecord[];
  /** Position of the page's last row when more rows follow; absent on the last page. */
  next?: ListCursor;
}

export interface PaymentCounts {
  byStatus: Record<PaymentStatus, number>;
  /** Payments under review, whatever their status. */
  review: number;
  total: number;
}

/** One entry of a payment's history, as an operator's timeline shows it (no `detail`: notes, client ids). */
export interface DossierPaymentEvent {
  eventId: string;
  paymentId: string;
  provider: Provider;
  kind: string;
  fromStatus: string | null;
  toStatus: string;
  source: string;
  providerCode: string | null;
  amount: number | null;
  recordedAt: Date;
}

export interface DossierPayments {
  payments: PaymentRecord[];
  /** Oldest first; at most `historyLimit` entries. */
  history: DossierPaymentEvent[];
  historyTruncated: boolean;
}

/**
 * What operators, auditors and viewers read (routes/read-routes.ts). Every query takes the caller's agency
 * patterns and applies them IN the query, on the payment row's own `agency_code` (the MaHoSo's agency,
 * fixed at creation): a list filtered after its LIMIT would show an officer of a small agency nothing while
 * its payments exist, and counts taken over every agency would show other agencies' figures. `agencies`
 * is required here (unlike the store's reconciliation helpers, where undefined means "all"): a read
 * without a scope must not compile. The SQL is the platform's agencyScopeSql, so payments and the console
 * decide scope by the same rule as clientMayActFor.
 */
export interface PaymentReads {
  /** A page in `created_at DESC, payment_id DESC` order (list-cursor.ts says why creation order). */
  listPage(f: PaymentListFilter, agencies: readonly string[]): Promise<PaymentPage>;
  countByStatus(agencies: readonly string[]): Promise<PaymentCounts>;
  /** A dossier's payments (newest first, at most `paymentLimit`) and their history. */
  ofDossier(
    maHoSo: string,
    agencies: readonly string[],
    limits: { paymentLimit: number; historyLimit: number },
  ): Promise<DossierPayments>;
}

/** `column` within the caller's agency patterns: the platform's SQL twin of clientMayActFor, never "all" by omission. */
const scopeOf = (agencies: readonly string[], column: string, firstParam: number) =>
  agencyScopeSql({ agencies: [...agencies] }, column, firstParam);

/** `created_at` to the microsecond, in UTC, as list-cursor.ts expects it. */
const CURSOR_AT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function createPaymentReads(pool: Pool): PaymentReads {
  return {
    async listPage(f, agencies) {
      const scope = scopeOf(agencies, 'agency_code', 1);
      const params: unknown[] = [...scope.params];
      const where: string[] = [scope.sql];
      const arg = (v: unknown) => `$${params.push(v)}`;
      if (f.status !== undefined) where.push(`status = ${arg(f.status)}`);
      if (f.review !== undefined) where.push(f.review ? 'review_reason IS NOT NULL' : 'review_reason IS NULL');
      if (f.maHoSo !== undefined) where.push(`ma_ho_so = ${arg(f.maHoSo)}`);
      if (f.provider !== undefined) where.push(`provider = ${arg(f.provider)}`);
      if (f.after)
        where.push(`(created_at, payment_id) < (${arg(f.after.createdAt)}::timestamptz, ${arg(f.after.paymentId)}::uuid)`);
      // One row more than asked tells whether another page follows, without a count.
      const r = await pool.query(
        `SELECT *, ${CURSOR_AT} AS cursor_at FROM payments WHERE ${where.join(' AND ')}
          ORDER BY created_at DESC, payment_id DESC LIMIT ${arg(f.limit + 1)}`,
        params,
      );
      const raw = r.rows as Record<string, unknown>[];
      const more = raw.length > f.limit;
      const page = more ? raw.slice(0, f.limit) : raw;
      const last = page[page.length - 1];
      return {
        rows: page.map((x) => mapPaymentRow(x)),
        ...(more && last ? { next: { createdAt: last.cursor_at as string, paymentId: last.payment_id as string } } : {}),
      };
    },

    async countByStatus(agencies) {
      const scope = scopeOf(agencies, 'agency_code', 1);
      const r = await pool.query<{ status: PaymentStatus; n: string; review: string }>(
        `SELECT status, count(*) AS n, count(*) FILTER (WHERE review_reason IS NOT NULL) AS review
           FROM payments WHERE ${scope.sql} GROUP BY status`,
        scope.params,
      );
      const byStatus = Object.fromEntries(paymentStatuses.map((s) => [s, 0])) as Record<PaymentStatus, number>;
      let review = 0;
      let total = 0;
      for (const row of r.rows) {
        byStatus[row.status] = Number(row.n);
        review += Number(row.review);
        total += Number(row.n);
      }
      return { byStatus, review, total };
    },

    async ofDossier(maHoSo, agencies, limits) {
      const scope = scopeOf(agencies, 'agency_code', 3);
      const payments = await pool.query(
        `SELECT * FROM payments WHERE ma_ho_so = $1 AND ${scope.sql} ORDER BY created_at DESC, payment_id DESC LIMIT $2`,
        [maHoSo, limits.paymentLimit, ...scope.params],
      );
      // The scope is the payment row's agency (payment_events has none).
      const inScope = scopeOf(agencies, 'p.agency_code', 3);
      const events = await pool.query(
        `SELECT e.event_id, e.payment_id, p.provider, e.kind, e.from_status, e.to_status, e.source, e.provider_code, e.amount, e.recorded_at
           FROM payment_events e JOIN payments p ON p.payment_id = e.payment_id
          WHERE p.ma_ho_so = $1 AND ${inScope.sql}
          ORDER BY e.recorded_at, e.event_id LIMIT $2`,
        [maHoSo, limits.historyLimit + 1, ...inScope.params],
      );
      const rows = events.rows as Record<string, unknown>[];
      return {
        payments: (payments.rows as Record<string, unknown>[]).map((x) => mapPaymentRow(x)),
        history: rows.slice(0, limits.historyLimit).map((e) => ({
          eventId: String(e.event_id),
          paymentId: e.payment_id as string,
          provider: e.provider as Provider,
          kind: e.kind as string,
          fromStatus: (e.from_status as string | null) ?? null,
          toStatus: e.to_status as string,
          source: e.source as string,
          providerCode: (e.provider_code as string | null) ?? null,
          amount: e.amount === null ? null : Number(e.amount),
          recordedAt: e.recorded_at as Date,
        })),
        historyTruncated: rows.length > limits.historyLimit,
      };
    },
  };
}
