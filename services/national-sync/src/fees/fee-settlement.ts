import type { CloudEvent, MessageContext } from '@lienthong/events';
import { SyncError, SyncErrorCodes } from '../errors.js';
import type { LedgerIngest } from '../ledger/ingest.js';
import type { SyncMetrics } from '../metrics.js';

export const PAYMENT_SETTLED = 'vn.lienthong.payment.settled';

/**
 * The part of a `vn.lienthong.payment.settled` event national-sync reads. TENTATIVE: the payments
 * service does not publish yet; this is the shape we ask of it (subject = payment id, data names the
 * dossier and the fee lines, amounts as strings like every national scalar).
 */
export interface PaymentSettledData {
  MaHoSo: string;
  /** 'dvcqg' = paid on the national portal's payment platform; anything else = the province's gateway. */
  channel: string;
  fees: { TenPhiLePhi: string; MaPhiLePhi?: string; Gia: string; LoaiPhiLePhi?: string; HinhThucThu?: string }[];
}

/** What the fee settlement changes in the dossier's DongBoHoSoMC item. */
export interface FeeOverlay {
  DuocThanhToanTrucTuyen: '1' | '2';
  DanhSachLePhi: { TenPhiLePhi: string; MaPhiLePhi: string; Gia: string; LoaiPhiLePhi: string; HinhThucThu: string }[];
}

/**
 * Maps a settlement to the overlay. DuocThanhToanTrucTuyen: 1 = paid online on DVCQG, 2 = through the
 * ministry's or province's own gateway [doc X1, reference §7]. Fee lines follow what TD sends for paid
 * fees: MaPhiLePhi, HinhThucThu and LoaiPhiLePhi default to "1" [code T2] when payments does not say.
 */
export function feeOverlayOf(data: unknown): FeeOverlay {
  const d = data as Partial<PaymentSettledData> | null;
  if (!d || typeof d.MaHoSo !== 'string' || !Array.isArray(d.fees)) {
    throw new SyncError(SyncErrorCodes.BAD_EVENT, 'payment.settled without MaHoSo and fees', { kind: 'invalid', retriable: false });
  }
  return {
    DuocThanhToanTrucTuyen: d.channel === 'dvcqg' ? '1' : '2',
    DanhSachLePhi: d.fees.map((f) => {
      if (!f || typeof f.TenPhiLePhi !== 'string' || typeof f.Gia !== 'string' || !/^\d+$/.test(f.Gia)) {
        throw new SyncError(SyncErrorCodes.BAD_EVENT, 'payment.settled fee line without TenPhiLePhi and a numeric Gia', { kind: 'invalid', retriable: false });
      }
      return { TenPhiLePhi: f.TenPhiLePhi, MaPhiLePhi: f.MaPhiLePhi ?? '1', Gia: f.Gia, LoaiPhiLePhi: f.LoaiPhiLePhi ?? '1', HinhThucThu: f.HinhThucThu ?? '1' };
    }),
  };
}

/**
 * Consumer handler of payment.events.v1 (enabled by NATIONAL_SYNC_PAYMENTS): records the overlay, which
 * re-pushes the dossier's newest snapshot with the fee information. Ordered by settlement time, so an
 * older settlement replayed later never replaces a newer one.
 */
export function createFeeSettlementHandler(deps: { ingest: LedgerIngest; metrics: SyncMetrics; onRecorded: () => void }) {
  return async function handle(event: CloudEvent, _ctx: Pick<MessageContext, 'offset'>): Promise<void> {
    if (event.type !== PAYMENT_SETTLED) {
      deps.metrics.ingested(event.type, 'ignored');
      return;
    }
    const overlay = feeOverlayOf(event.data);
    const timeMs = Date.parse(event.time);
    if (Number.isNaN(timeMs)) throw new SyncError(SyncErrorCodes.BAD_EVENT, 'payment.settled time is not a date', { kind: 'invalid', retriable: false });
    const r = await deps.ingest.recordFees((event.data as PaymentSettledData).MaHoSo, overlay, timeMs);
    deps.metrics.ingested(event.type, r);
    deps.onRecorded();
  };
}
