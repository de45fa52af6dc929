import type { Provider } from '../provider.js';
import type { FeeLine } from '../fees.js';
import type { PaymentStatus } from './payment-status.js';

/** One row of `payments`, the current state of a payment. */
export interface PaymentRecord {
  paymentId: string;
  maHoSo: string;
  agencyCode: string;
  clientId: string;
  provider: Provider;
  merchant: string;
  orderRef: string;
  /** VietQR: the short code the transfer text carries (vietqr-adapter.ts); null for other providers. */
  transferCode: string | null;
  amount: number;
  /** Sum of the live refunds (requested, pending, succeeded), kept by a trigger; never above `amount` (CHECK). */
  refundedAmount: number;
  fees: FeeLine[];
  status: PaymentStatus;
  statusReason: string | null;
  reviewReason: string | null;
  providerTxnId: string | null;
  providerCode: string | null;
  payUrl: string | null;
  returnUrl: string;
  providerData: Record<string, string>;
  createdAt: Date;
  expiresAt: Date;
  updatedAt: Date;
  paidAt: Date | null;
  version: number;
  nextCheckAt: Date | null;
  checkCount: number;
  unverifiedCount: number;
  lastCheckAt: Date | null;
  lastCheckOutcome: string | null;
}

/** pg returns bigint as a string; amounts are far below 2^53, and anything else is a corrupted row. */
function toSafeInteger(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`ledger: ${what} is not a safe integer`);
  return n;
}

export function mapPaymentRow(r: Record<string, unknown>): PaymentRecord {
  return {
    paymentId: r.payment_id as string,
    maHoSo: r.ma_ho_so as string,
    agencyCode: r.agency_code as string,
    clientId: r.client_id as string,
    provider: r.provider as Provider,
    merchant: r.merchant as string,
    orderRef: r.order_ref as string,
    transferCode: (r.transfer_code as string | null) ?? null,
    amount: toSafeInteger(r.amount, 'amount'),
    refundedAmount: r.refunded_amount === undefined ? 0 : toSafeInteger(r.refunded_amount, 'refunded_amount'),
    fees: r.fees as FeeLine[],
    status: r.status as PaymentStatus,
    statusReason: (r.status_reason as string | null) ?? null,
    reviewReason: (r.review_reason as string | null) ?? null,
    providerTxnId: (r.provider_txn_id as string | null) ?? null,
    providerCode: (r.provider_code as string | null) ?? null,
    payUrl: (r.pay_url as string | null) ?? null,
    returnUrl: r.return_url as string,
    providerData: (r.provider_data as Record<string, string>) ?? {},
    createdAt: r.created_at as Date,
    expiresAt: r.expires_at as Date,
    updatedAt: r.updated_at as Date,
    paidAt: (r.paid_at as Date | null) ?? null,
    version: r.version as number,
    nextCheckAt: (r.next_check_at as Date | null) ?? null,
    checkCount: r.check_count as number,
    unverifiedCount: r.unverified_count as number,
    lastCheckAt: (r.last_check_at as Date | null) ?? null,
    lastCheckOutcome: (r.last_check_outcome as string | null) ?? null,
  };
}

/** What GET /v1/payments/:id shows: the state, never provider secrets or reconciliation internals. */
export function publicView(p: PaymentRecord) {
  return {
    paymentId: p.paymentId,
    MaHoSo: p.maHoSo,
    agencyCode: p.agencyCode,
    provider: p.provider,
    orderRef: p.orderRef,
    amount: p.amount,
    refundedAmount: p.refundedAmount,
    fees: p.fees,
    status: p.status,
    statusReason: p.statusReason,
    needsReview: p.reviewReason !== null,
    providerTxnId: p.providerTxnId,
    payUrl: p.status === 'pending' ? p.payUrl : null,
    transferCode: p.transferCode,
    createdAt: p.createdAt.toISOString(),
    expiresAt: p.expiresAt.toISOString(),
    paidAt: p.paidAt?.toISOString() ?? null,
    updatedAt: p.updatedAt.toISOString(),
  };
}
