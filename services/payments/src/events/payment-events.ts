/**
 * The events payments publishes on payment.events.v1. Their `data` types are generated from
 * schemas/events/payment-settled.v1.json, payment-expired.v1.json and payment-refunded.v1.json
 * (@lienthong/standard), so the schema named in `dataschema` and what is built here cannot drift apart silently:
 * tests/contracts/events.test.ts validates these builders' output against that schema.
 */
import { createEvent, type CloudEvent } from '@lienthong/events';
import { schemaIds, type PaymentExpiredEvent, type PaymentRefundedEvent, type PaymentSettledEvent } from '@lienthong/standard';
import { toDanhSachLePhi } from '../fees.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { SettlementSource } from '../ledger/observation.js';

export const PAYMENT_EVENT_SOURCE = 'urn:lienthong:payments';
export const PAYMENT_SETTLED_TYPE = 'vn.lienthong.payment.settled';
export const PAYMENT_EXPIRED_TYPE = 'vn.lienthong.payment.expired';
export const PAYMENT_REFUNDED_TYPE = 'vn.lienthong.payment.refunded';
export const PAYMENT_REFUNDED_SCHEMA = schemaIds.paymentRefundedEvent;
export const PAYMENT_SETTLED_SCHEMA = schemaIds.paymentSettledEvent;
export const PAYMENT_EXPIRED_SCHEMA = schemaIds.paymentExpiredEvent;

/**
 * Event ids are derived from the payment, not random: a payment settles at most once and expires at most
 * once (the ledger's unique indexes), so the id names the fact. If the outbox relay ever republishes
 * (a crash between Kafka's commit and marking the row), consumers see the same id and drop the copy.
 */
export const settledEventId = (paymentId: string) => `payment-${paymentId}-settled`;
export const expiredEventId = (paymentId: string) => `payment-${paymentId}-expired`;

export function paymentSettledEvent(
  p: PaymentRecord,
  info: { providerTxnId: string; paidAt: Date; settledAt: Date; source: SettlementSource; late: boolean },
): CloudEvent<PaymentSettledEvent> {
  return createEvent<PaymentSettledEvent>({
    id: settledEventId(p.paymentId),
    source: PAYMENT_EVENT_SOURCE,
    type: PAYMENT_SETTLED_TYPE,
    subject: p.paymentId,
    dataschema: PAYMENT_SETTLED_SCHEMA,
    time: info.settledAt,
    data: {
      paymentId: p.paymentId,
      MaHoSo: p.maHoSo,
      agencyCode: p.agencyCode,
      provider: p.provider,
      merchant: p.merchant,
      orderRef: p.orderRef,
      providerTxnId: info.providerTxnId,
      amount: p.amount,
      currency: 'VND',
      fees: p.fees,
      DanhSachLePhi: toDanhSachLePhi(p.fees),
      // 1 = paid on the national platform, 2 = through the province's own gateway [doc X1]; PayGov → 1 is [inf].
      DuocThanhToanTrucTuyen: p.provider === 'paygov' ? '1' : '2',
      paidAt: info.paidAt.toISOString(),
      settledAt: info.settledAt.toISOString(),
      settledBy: info.source,
      late: info.late,
    },
  });
}

export function paymentExpiredEvent(
  p: PaymentRecord,
  info: { expiredAt: Date; reason: string },
): CloudEvent<PaymentExpiredEvent> {
  return createEvent<PaymentExpiredEvent>({
    id: expiredEventId(p.paymentId),
    source: PAYMENT_EVENT_SOURCE,
    type: PAYMENT_EXPIRED_TYPE,
    subject: p.paymentId,
    dataschema: PAYMENT_EXPIRED_SCHEMA,
    time: info.expiredAt,
    data: {
      paymentId: p.paymentId,
      MaHoSo: p.maHoSo,
      agencyCode: p.agencyCode,
      provider: p.provider,
      merchant: p.merchant,
      orderRef: p.orderRef,
      amount: p.amount,
      currency: 'VND',
      fees: p.fees,
      expiresAt: p.expiresAt.toISOString(),
      expiredAt: info.expiredAt.toISOString(),
      reason: info.reason,
    },
  });
}

/** A refund succeeded (provider API) or was recorded as paid back (manual); one event per refund. */
export function paymentRefundedEvent(
  p: PaymentRecord,
  r: {
    refundId: string;
    amount: number;
    kind: 'provider' | 'manual';
    reason: string;
    reference: string | null;
    providerTxnId: string | null;
  },
  at: Date,
): CloudEvent<PaymentRefundedEvent> {
  const reference = r.providerTxnId ?? r.reference;
  return createEvent<PaymentRefundedEvent>({
    id: `payment-${p.paymentId}-refund-${r.refundId}`,
    source: PAYMENT_EVENT_SOURCE,
    type: PAYMENT_REFUNDED_TYPE,
    subject: p.paymentId,
    dataschema: PAYMENT_REFUNDED_SCHEMA,
    time: at,
    data: {
      paymentId: p.paymentId,
      refundId: r.refundId,
      MaHoSo: p.maHoSo,
      agencyCode: p.agencyCode,
      provider: p.provider,
      merchant: p.merchant,
      orderRef: p.orderRef,
      amount: r.amount,
      paidAmount: p.amount,
      refundedTotal: p.refundedAmount,
      full: p.refundedAmount === p.amount,
      currency: 'VND',
      kind: r.kind,
      reason: r.reason,
      ...(reference ? { reference: reference.slice(0, 200) } : {}),
      refundedAt: at.toISOString(),
    },
  });
}
