import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import type { CloudEvent } from '@lienthong/events';
import type { NotificationKind, Placeholder } from '../templates.js';

export const DOSSIER_UPSERTED = 'vn.lienthong.dossier.upserted';
export const DOSSIER_PROGRESSED = 'vn.lienthong.dossier.progressed';
/** operations, dossier.deadline.v1 (schemas/events/dossier-deadline.v1.json): a deadline has passed. */
export const DOSSIER_OVERDUE = 'vn.lienthong.dossier.overdue';
/**
 * operations, dossier.deadline.v1 (dossier-deadline.v1.json): a deadline is near. Not announced: it is the officers'
 * cue to act; the citizen hears of a delay when it happens (overdue) and of its new date (apology-issued).
 */
export const DOSSIER_DUE_SOON = 'vn.lienthong.dossier.due-soon';
/** operations, dossier.deadline.v1 (schemas/events/dossier-apology.v1.json): the apology letter and its new date. */
export const DOSSIER_APOLOGY_ISSUED = 'vn.lienthong.dossier.apology-issued';
export const PAYMENT_SETTLED = 'vn.lienthong.payment.settled';
export const SYNC_SYNCED = 'vn.lienthong.sync.synced';
export const SYNC_REJECTED = 'vn.lienthong.sync.rejected';
/**
 * The portal services whose outcomes are about one of our dossiers (MaHoSo = ours). national-sync's outcomes also
 * describe the province's answers to citizens' questions (DongBoKetQuaHoiDapGuiTuDVCQG, subject HOIDAP-<id>) and
 * promotion-dossier statuses (DongBoTrangThaiHoSo, the portal's MaHoSo) — schemas/events/sync-outcome.v1.json.
 * Those are not dossier sync outcomes: a provincial system subscribed to `vn.lienthong.sync.*` would read the
 * question or the portal's code as one of its dossiers, and nothing about them reaches a citizen from here. They
 * are skipped; where one stands is national-sync's `GET /v1/outbound/{kind}/{key}` (docs/inbound.md).
 */
const DOSSIER_PACKETS: ReadonlySet<unknown> = new Set(['DongBoHoSoMC', 'CapNhatTienDoHoSoMC']);

/**
 * Hub events provincial systems may subscribe to (design.md flow 6: synced or refused, paid, overdue). `sync.*` are
 * outcomes of dossier packets only (DOSSIER_PACKETS).
 */
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

const VN_OFFSET_MS = 7 * 3_600_000;
/** An RFC 3339 instant → dd/MM/yyyy HH:mm in Vietnamese time (UTC+7 all year); '' when not one. */
export function displayInstant(iso: unknown): string {
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(iso)) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const l = new Date(ms + VN_OFFSET_MS).toISOString();
  return `${l.slice(8, 10)}/${l.slice(5, 7)}/${l.slice(0, 4)} ${l.slice(11, 16)}`;
}
/** A local date yyyy-mm-dd → dd/MM/yyyy; '' when not one. */
export function displayLocalDate(d: unknown): string {
  if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return '';
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
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
  /** Placeholder values of this event's message only, not remembered (over the remembered ones). */
  values?: Partial<Record<Placeholder, string>>;
  /** Forward the event to subscribed provincial systems. */
  webhook: boolean;
  /** The event tells nothing of the dossier for its citizen: no state is read or stored, it is only forwarded. */
  webhookOnly?: boolean;
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
      // `deadline` is the instant actually passed: NgayHenTra moved by the citizen's supplement time, or NgayTiepNhan
      // plus the legal time when there is no NgayHenTra (operations deadline/monitor.ts). One message per deadline:
      // a deadline that moved and passed again is a new delay, announced again. The event carries no new date (that
      // is the apology's); {NgayHenTra} of this message is the deadline passed, not remembered for later messages.
      const passedMs = typeof d.deadline === 'string' ? Date.parse(d.deadline) : NaN;
      const passed = Number.isFinite(passedMs) ? displayInstant(d.deadline) : displayDate(d.NgayHenTra);
      return {
        maHoSo,
        agency,
        kind: 'dossier.overdue',
        occurrence: Number.isFinite(passedMs) ? `deadline:${passedMs}` : (str(d.NgayHenTra) ?? event.id),
        context: {},
        values: passed ? { NgayHenTra: passed } : {},
        webhook: true,
      };
    }
    case DOSSIER_APOLOGY_ISSUED: {
      // The letter's new date is what the citizen must learn; without a readable one there is nothing to tell.
      const newDue = displayLocalDate(d.newDueDate);
      if (!newDue) return undefined;
      const previous = displayInstant(d.previousDueDate);
      return {
        maHoSo,
        agency,
        kind: 'dossier.apology-issued',
        // One message per letter: a second letter (another new date) is announced too.
        occurrence: str(d.apologyId) ?? event.id,
        context: {},
        values: { NgayHenTraMoi: newDue, ...(previous ? { NgayHenTra: previous } : {}) },
        webhook: false,
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
    case SYNC_REJECTED: {
      if (!DOSSIER_PACKETS.has(d.packet)) return undefined;
      const own = str(d.MaHoSo);
      const ownAgency = own ? agencyCodeOfMaHoSo(own) : undefined;
      return own && ownAgency ? { maHoSo: own, agency: ownAgency, context: {}, webhook: true, webhookOnly: true } : undefined;
    }
    default:
      return undefined;
  }
}

export const statusLabel = (status: string | undefined): string => (status ? (LABELS[status] ?? '') : '');
