import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import type { CloudEvent } from '@lienthong/events';
import type { NotificationKind, Placeholder } from '../templates.js';

export const DOSSIER_UPSERTED = 'vn.lienthong.dossier.upserted';
export const DOSSIER_PROGRESSED = 'vn.lienthong.dossier.progressed';
export const DOSSIER_OVERDUE = 'vn.lienthong.dossier.overdue';
export const PAYMENT_SETTLED = 'vn.lienthong.payment.settled';
export const SYNC_SYNCED = 'vn.lienthong.sync.synced';
export const SYNC_REJECTED = 'vn.lienthong.sync.rejected';

/** Hub events provincial systems may subscribe to (design.md flow 6: synced or refused, paid, overdue). */
export const WEBHOOK_EVENT_TYPES = [
  SYNC_SYNCED,
  SYNC_REJECTED,
  PAYMENT_SETTLED,
  DOSSIER_OVERDUE,
  'vn.lienthong.payment.receipted',
] as const;

/** TrangThaiHoSo → what the applicant is told; 1 (new) and 4 (in progress) are not announced [inf, §6 Đồng Nai]. */
const KIND_OF_STATUS: Record<string, NotificationKind> = {
  '2': 'dossier.received',
  '3': 'dossier.not-accepted',
  '5': 'dossier.supplement-requested',
  '6': 'dossier.fee-requested',
  '7': 'dossier.withdrawn',
  '8': 'dossier.stopped',
  '9': 'dossier.result-ready',
  '10': 'dossier.result-returned',
};
export const kindOfStatus = (status: string): NotificationKind | undefined => KIND_OF_STATUS[status];

/**
 * Kinds that can only happen once per dossier are deduplicated per dossier (a replayed old snapshot never
 * announces "received" twice); the others per occurrence (each supplement request, each payment, each missed date).
 */
export const ONCE_PER_DOSSIER: ReadonlySet<NotificationKind> = new Set([
  'dossier.received',
  'dossier.not-accepted',
  'dossier.withdrawn',
  'dossier.stopped',
  'dossier.result-ready',
  'dossier.result-returned',
]);

const LABELS: Record<string, string> = {
  '1': 'Mới đăng ký',
  '2': 'Được tiếp nhận',
  '3': 'Không được tiếp nhận',
  '4': 'Đang xử lý',
  '5': 'Yêu cầu bổ sung giấy tờ',
  '6': 'Yêu cầu thực hiện nghĩa vụ tài chính',
  '7': 'Công dân yêu cầu rút hồ sơ',
  '8': 'Dừng xử lý',
  '9': 'Đã xử lý xong',
  '10': 'Đã trả kết quả',
};

/** yyyyMMddHHmmss (GMT+7, the standard's form) → dd/MM/yyyy HH:mm as citizens read it; '' when absent. */
export function displayDate(d14: unknown): string {
  if (typeof d14 !== 'string' || !/^\d{14}$/.test(d14)) return '';
  return `${d14.slice(6, 8)}/${d14.slice(4, 6)}/${d14.slice(0, 4)} ${d14.slice(8, 10)}:${d14.slice(10, 12)}`;
}
const displayAmount = (n: unknown) =>
  typeof n === 'number' && Number.isFinite(n) ? new Intl.NumberFormat('vi-VN').format(n) : '';

/** What an event means for notifications, as a pure function of the event (the handler adds stored state). */
export interface Intake {
  maHoSo: string;
  agency: string;
  /** A new TrangThaiHoSo (snapshots and progress steps). */
  status?: string;
  /** A kind raised by the event itself, not by a status change. */
  kind?: NotificationKind;
  /** Occurrence key for per-occurrence kinds. */
  occurrence?: string;
  /** Applicant contact from a snapshot; personal data, sealed before it is stored. */
  contact?: { phone?: string; name?: string };
  /** Non-personal placeholder values to remember for later events. */
  context: Partial<Record<Placeholder, string>>;
  /** Forward the event to subscribed provincial systems. */
  webhook: boolean;
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Returns undefined for events notifications ignores (e.g. sync retries); throws nothing on odd data. */
export function classify(event: CloudEvent): Intake | undefined {
  const d = (event.data ?? {}) as Record<string, unknown>;
  const maHoSo = str(d.MaHoSo) ?? event.subject;
  const agency = str(d.agencyCode) ?? agencyCodeOfMaHoSo(maHoSo);
  if (!agency) return undefined;
  switch (event.type) {
    case DOSSIER_UPSERTED: {
      const status = str(d.TrangThaiHoSo);
      const phone = str(d.SoDienThoai);
      const name = str(d.ChuHoSo);
      return {
        maHoSo,
        agency,
        ...(status ? { status } : {}),
        ...(phone || name ? { contact: { ...(phone ? { phone } : {}), ...(name ? { name } : {}) } } : {}),
        context: {
          ...(str(d.TenTTHC) ? { TenTTHC: str(d.TenTTHC)! } : {}),
          ...(displayDate(d.NgayTiepNhan) ? { NgayTiepNhan: displayDate(d.NgayTiepNhan) } : {}),
          ...(displayDate(d.NgayHenTra) ? { NgayHenTra: displayDate(d.NgayHenTra) } : {}),
        },
        webhook: false,
      };
    }
    case DOSSIER_PROGRESSED: {
      const status = str(d.TrangThai);
      const due = displayDate(d.NgayKetThucTheoQuyDinh);
      return { maHoSo, agency, ...(status ? { status } : {}), context: due ? { NgayHenTra: due } : {}, webhook: false };
    }
    case DOSSIER_OVERDUE: {
      const due = displayDate(d.NgayHenTra);
      const newDue = displayDate(d.NgayHenTraMoi);
      return {
        maHoSo,
        agency,
        kind: 'dossier.overdue',
        occurrence: str(d.NgayHenTra) ?? event.id,
        context: { ...(due ? { NgayHenTra: due } : {}), ...(newDue ? { NgayHenTraMoi: newDue } : {}) },
        webhook: true,
      };
    }
    case PAYMENT_SETTLED:
      return {
        maHoSo,
        agency,
        kind: 'payment.settled',
        occurrence: str(d.paymentId) ?? event.id,
        context: { SoTien: displayAmount(d.amount) },
        webhook: true,
      };
    case SYNC_SYNCED:
    case SYNC_REJECTED:
      return { maHoSo, agency, context: {}, webhook: true };
    default:
      return undefined;
  }
}

export const statusLabel = (status: string | undefined): string => (status ? (LABELS[status] ?? '') : '');
