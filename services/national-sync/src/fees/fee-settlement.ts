import type { CloudEvent, MessageContext } from '@lienthong/events';
import {
  agencyCodeOfMaHoSo,
  schemaIds,
  validateEventData,
  type PaymentRefundedEvent,
  type PaymentSettledEvent,
} from '@lienthong/standard';
import { SyncError, SyncErrorCodes } from '../errors.js';
import type { LedgerIngest } from '../ledger/ingest.js';
import type { SyncMetrics } from '../metrics.js';

export const PAYMENT_SETTLED = 'vn.lienthong.payment.settled';
export const PAYMENT_SETTLED_SCHEMA_ID = schemaIds.paymentSettledEvent;
export const PAYMENT_REFUNDED = 'vn.lienthong.payment.refunded';
/** schemas/events/payment-refunded.v1.json (written by services/payments). */
export const PAYMENT_REFUNDED_SCHEMA_ID = schemaIds.paymentRefundedEvent;

/** What the fee settlement changes in the dossier's DongBoHoSoMC item. */
export type FeeOverlay = Pick<PaymentSettledEvent, 'DuocThanhToanTrucTuyen' | 'DanhSachLePhi'>;

function bad(why: string): SyncError {
  return new SyncError(SyncErrorCodes.BAD_EVENT, `payment.settled: ${why}`, {
    kind: 'invalid',
    retriable: false,
    messageVi: `sự kiện thanh toán không hợp lệ: ${why}`,
  });
}

/**
 * Reads a `vn.lienthong.payment.settled` event as services/payments publishes it
 * (schemas/events/payment-settled.v1.json, checked strictly): the dossier, the settlement time, and the
 * two DongBoHoSoMC fields payments already prepares for the portal — DuocThanhToanTrucTuyen (1 = paid on
 * DVCQG, 2 = the province's gateway [doc X1]) and DanhSachLePhi (Gia as a string, codes defaulted to "1"
 * as TD sends paid fees [code T2]). A late settlement (after an expiry) still counts: the money moved.
 */
export function feeSettlementOf(event: Pick<CloudEvent, 'dataschema' | 'data'>): {
  maHoSo: string;
  overlay: FeeOverlay;
  timeMs: number;
} {
  if (event.dataschema !== PAYMENT_SETTLED_SCHEMA_ID) throw bad(`unknown dataschema ${String(event.dataschema).slice(0, 200)}`);
  const r = validateEventData(event.dataschema, event.data);
  if (!r.ok)
    throw bad(
      `data does not conform: ${r.errors
        .slice(0, 5)
        .map((i) => `${i.path || '/'} ${i.code}`)
        .join('; ')}`,
    );
  const d = event.data as PaymentSettledEvent;
  // The fee belongs to the dossier's agency, the MaHoSo prefix (architecture.md decision 3). A payment
  // whose agency differs (created by a client of agency A for B's dossier, issue 17 §1) would overlay A's
  // fee list on B's dossier at the portal: refused, never retried (the runner dead-letters it with this
  // reason) and never pushed. A MaHoSo without a readable agency cannot be checked: refused too.
  const dossierAgency = agencyCodeOfMaHoSo(d.MaHoSo);
  if (dossierAgency === undefined || dossierAgency !== d.agencyCode) {
    throw new SyncError(
      SyncErrorCodes.FEE_AGENCY_MISMATCH,
      `payment.settled: the payment's agency ${d.agencyCode} is not the agency of dossier ${d.MaHoSo} (${dossierAgency ?? 'unreadable'}); fee information not sent to the portal`,
      {
        kind: 'invalid',
        retriable: false,
        messageVi: `thanh toán của cơ quan ${d.agencyCode} không thuộc cơ quan của hồ sơ ${d.MaHoSo}; không gửi thông tin phí lên Cổng`,
      },
    );
  }
  const timeMs = Date.parse(d.settledAt);
  if (Number.isNaN(timeMs)) throw bad('settledAt is not a time');
  return {
    maHoSo: d.MaHoSo,
    overlay: { DuocThanhToanTrucTuyen: d.DuocThanhToanTrucTuyen, DanhSachLePhi: d.DanhSachLePhi },
    timeMs,
  };
}

/**
 * Reads a `vn.lienthong.payment.refunded` event (issue 14: "the dossier's fee information follows"). A FULL
 * refund means the fee no longer counts as paid online: the overlay says DuocThanhToanTrucTuyen "0" (what TD
 * sends when there was no online payment [code T2]) with no paid fee lines, timed at the refund so it
 * replaces the settlement's overlay. A partial refund changes nothing at the portal: the fee was paid and
 * the standard has no field for money given back [inf: our choice, docs/national-sync.md]. Returns
 * undefined for a partial refund. The agency check is the settlement's.
 */
export function feeRefundOf(
  event: Pick<CloudEvent, 'dataschema' | 'data'>,
): { maHoSo: string; overlay: FeeOverlay; timeMs: number } | undefined {
  const badRefund = (why: string) =>
    new SyncError(SyncErrorCodes.BAD_EVENT, `payment.refunded: ${why}`, {
      kind: 'invalid',
      retriable: false,
      messageVi: `sự kiện hoàn tiền không hợp lệ: ${why}`,
    });
  if (event.dataschema !== PAYMENT_REFUNDED_SCHEMA_ID)
    throw badRefund(`unknown dataschema ${String(event.dataschema).slice(0, 200)}`);
  const r = validateEventData(event.dataschema, event.data);
  if (!r.ok)
    throw badRefund(
      `data does not conform: ${r.errors
        .slice(0, 5)
        .map((i) => `${i.path || '/'} ${i.code}`)
        .join('; ')}`,
    );
  const d = event.data as PaymentRefundedEvent;
  const dossierAgency = agencyCodeOfMaHoSo(d.MaHoSo);
  if (dossierAgency === undefined || dossierAgency !== d.agencyCode) {
    throw new SyncError(
      SyncErrorCodes.FEE_AGENCY_MISMATCH,
      `payment.refunded: the payment's agency ${d.agencyCode} is not the agency of dossier ${d.MaHoSo}`,
      {
        kind: 'invalid',
        retriable: false,
        messageVi: `hoàn tiền của cơ quan ${d.agencyCode} không thuộc cơ quan của hồ sơ ${d.MaHoSo}`,
      },
    );
  }
  if (!d.full) return undefined;
  const timeMs = Date.parse(d.refundedAt);
  if (Number.isNaN(timeMs)) throw badRefund('refundedAt is not a time');
  return { maHoSo: d.MaHoSo, overlay: { DuocThanhToanTrucTuyen: '0', DanhSachLePhi: [] } as unknown as FeeOverlay, timeMs };
}

/**
 * Consumer handler of payment.events.v1 (enabled by NATIONAL_SYNC_PAYMENTS): records the overlay, which
 * re-pushes the dossier's newest snapshot with the fee information. Ordered by settlement time, so an
 * older settlement replayed later never replaces a newer one. Other payment events are not ours.
 */
export function createFeeSettlementHandler(deps: { ingest: LedgerIngest; metrics: SyncMetrics; onRecorded: () => void }) {
  return async function handle(event: CloudEvent, _ctx: Pick<MessageContext, 'offset'>): Promise<void> {
    if (event.type === PAYMENT_REFUNDED) {
      const refund = feeRefundOf(event);
      if (!refund) {
        deps.metrics.ingested(event.type, 'ignored');
        return;
      }
      const r = await deps.ingest.recordFees(refund.maHoSo, refund.overlay, refund.timeMs);
      deps.metrics.ingested(event.type, r);
      deps.onRecorded();
      return;
    }
    if (event.type !== PAYMENT_SETTLED) {
      deps.metrics.ingested(event.type, 'ignored');
      return;
    }
    const { maHoSo, overlay, timeMs } = feeSettlementOf(event);
    const r = await deps.ingest.recordFees(maHoSo, overlay, timeMs);
    deps.metrics.ingested(event.type, r);
    deps.onRecorded();
  };
}
