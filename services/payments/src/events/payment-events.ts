import { createEvent, type CloudEvent } from '@lienthong/events';
import { toDanhSachLePhi, type DanhSachLePhiItem, type FeeLine } from '../fees.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import type { SettlementSource } from '../ledger/observation.js';
import type { Provider } from '../provider.js';

export const PAYMENT_EVENT_SOURCE = 'urn:lienthong:payments';
export const PAYMENT_SETTLED_TYPE = 'vn.lienthong.payment.settled';
export const PAYMENT_EXPIRED_TYPE = 'vn.lienthong.payment.expired';
export const PAYMENT_SETTLED_SCHEMA = 'https://lienthong.gov.vn/schemas/events/payment-settled.v1.json';
export const PAYMENT_EXPIRED_SCHEMA = 'https://lienthong.gov.vn/schemas/events/payment-expired.v1.json';

/** `data` of vn.lienthong.payment.settled: what national-sync needs to fill the dossier's fee information. */
export interface PaymentSettledData {
  paymentId: string;
  MaHoSo: string;
  agencyCode: string;
  provider: Provider;
  merchant: string;
  orderRef: string;
  providerTxnId: string;
  /** Integer VND. */
  amount: number;
  currency: 'VND';
  fees: FeeLine[];
  /** The same lines as DongBoHoSoMC's DanhSachLePhi (§3). */
  DanhSachLePhi: DanhSachLePhiItem[];
  /**
   * DuocThanhToanTrucTuyen for the dossier: 1 = paid on the national platform (PayGov), 2 = paid through
   * the province's own gateway (VNPAY, MoMo through the hub) [doc X1]; the mapping of PayGov to 1 is [inf].
   */
  DuocThanhToanTrucTuyen: '1' | '2';
  paidAt: string;
  settledAt: string;
  settledBy: SettlementSource;
  /** Settled after the payment had been marked failed or expired. */
  late: boolean;
}

/** `data` of vn.lienthong.payment.expired: the payment window closed and the provider says it was not paid. */
export interface PaymentExpiredData {
  paymentId: string;
  MaHoSo: string;
  agencyCode: string;
  provider: Provider;
  merchant: string;
  orderRef: string;
  amount: number;
  currency: 'VND';
  fees: FeeLine[];
  expiresAt: string;
  expiredAt: string;
  reason: string;
}

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
): CloudEvent<PaymentSettledData> {
  return createEvent<PaymentSettledData>({
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
      DuocThanhToanTrucTuyen: p.provider === 'paygov' ? '1' : '2',
      paidAt: info.paidAt.toISOString(),
      settledAt: info.settledAt.toISOString(),
      settledBy: info.source,
      late: info.late,
    },
  });
}

export function paymentExpiredEvent(p: PaymentRecord, info: { expiredAt: Date; reason: string }): CloudEvent<PaymentExpiredData> {
  return createEvent<PaymentExpiredData>({
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
