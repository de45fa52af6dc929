import type { BackendResult, Backends } from './backends.js';

/**
 * The console's reads of payments, through payments' own read API (services/payments/src/routes/read-routes.ts)
 * as the signed-in officer: payments decides what the officer's agencies may see, in its query, and the
 * console holds no grant on payments' tables. Shapes as docs/payments.md §5 documents them.
 */
export interface PaymentItem {
  paymentId: string;
  MaHoSo: string;
  agencyCode: string;
  provider: string;
  amount: number;
  refundedAmount: number;
  status: string;
  statusReason: string | null;
  reviewReason: string | null;
  providerTxnId: string | null;
  createdAt: string;
  updatedAt: string;
  paidAt: string | null;
  expiresAt: string;
}

export interface PaymentPage {
  payments: PaymentItem[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface PaymentCounts {
  byStatus: Record<string, number>;
  review: number;
  total: number;
}

/** One entry of a payment's history: a transition and the notification, query or operator action behind it. */
export interface PaymentHistoryItem {
  eventId: string;
  paymentId: string;
  provider: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string;
  source: string;
  providerCode: string | null;
  amount: number | null;
  recordedAt: string;
}

export interface DossierPayments {
  MaHoSo: string;
  payments: PaymentItem[];
  history: PaymentHistoryItem[];
  historyTruncated: boolean;
}

export interface PaymentListQuery {
  status?: string;
  review?: boolean;
  maHoSo?: string;
  limit: number;
  cursor?: string;
}

/** The shape payments gives its cursors (base64url, at most 86 characters): anything else is not passed on. */
export const PAYMENT_CURSOR = /^[A-Za-z0-9_-]{1,86}$/;

export function createPaymentsApi(backends: Backends) {
  return {
    list: (key: string, q: PaymentListQuery): Promise<BackendResult<PaymentPage>> =>
      backends.call<PaymentPage>('payments', '/v1/payments', {
        key,
        query: {
          status: q.status,
          review: q.review === undefined ? undefined : String(q.review),
          maHoSo: q.maHoSo,
          limit: q.limit,
          cursor: q.cursor,
        },
      }),
    counts: (key: string): Promise<BackendResult<PaymentCounts>> =>
      backends.call<PaymentCounts>('payments', '/v1/payments/counts', { key }),
    ofDossier: (key: string, maHoSo: string): Promise<BackendResult<DossierPayments>> =>
      backends.call<DossierPayments>('payments', `/v1/dossiers/${encodeURIComponent(maHoSo)}/payments`, { key }),
  };
}
