/**
 * Recognises a packet from its fields, for the CLI and POST /v1/validate when no kind is given. Rules go from the
 * most specific marker to the least (an explicit `service` or `LoaiBanTin` first), so a packet with mistakes in its
 * body is still recognised and gets a full report instead of "unknown packet".
 */
import type { PacketKind } from './packet-kinds.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, ...keys: string[]) => keys.every((k) => k in o);

const BY_SERVICE: Record<string, PacketKind> = {
  DongBoHoSoMC: 'dossier-request',
  CapNhatTienDoHoSoMC: 'progress-request',
  TraCuuHoSo: 'tra-cuu-ho-so-request',
  LayThuTuc: 'lay-thu-tuc-request',
  TraCuuTechID: 'tra-cuu-tech-id-request',
  DongBoTrangThaiHoSo: 'dong-bo-trang-thai-ho-so-request',
};

const BY_LOAI_BAN_TIN: Record<string, PacketKind> = { INIT: 'paygov-init', QUERY: 'paygov-query', GET_BILL: 'paygov-get-bill' };

function portalAnswer(o: Obj): PacketKind {
  if (has(o, 'session')) return 'dvcqg-login-response';
  const result = o.result;
  if (isObj(result) && 'data' in result) return 'lay-dvc-response';
  const first = Array.isArray(result) ? result[0] : undefined;
  if (isObj(first)) {
    if (has(first, 'TECHNICALID')) return 'tra-cuu-tech-id-response';
    if (has(first, 'HOIDAPID')) return 'hoi-dap-response';
    if (has(first, 'MATTHC') && (has(first, 'CACHTHUCTHUCHIEN') || has(first, 'THANHPHANHOSO') || has(first, 'TRINHTUTHUCHIEN')))
      return 'lay-thu-tuc-response';
    if (has(first, 'MATTHC')) return 'lay-danh-sach-tthc-response';
    if (has(first, 'MADONVI')) return 'lay-danh-muc-co-quan-response';
    if (has(first, 'MALINHVUC')) return 'lay-danh-muc-linh-vuc-response';
    if (has(first, 'MaHoSo') || has(first, 'MAHOSO')) return 'tra-cuu-ho-so-response';
  }
  // PayGov INIT answers carry the payment URL as JSON text in `message` [code T6].
  if (
    !('result' in o) &&
    typeof o.message === 'string' &&
    o.message.trimStart().startsWith('{') &&
    o.message.includes('UrlThanhToan')
  ) {
    return 'paygov-init-response';
  }
  if (
    !('result' in o) &&
    typeof o.message === 'string' &&
    (o.error_code === 0 || o.error_code === 1 || o.error_code === -1) &&
    o.message.includes('|')
  ) {
    return 'dvcqg-inbound-reply';
  }
  return 'dvcqg-response';
}

function detectObject(o: Obj): PacketKind | undefined {
  if (typeof o.service === 'string') return BY_SERVICE[o.service] ?? 'dvcqg-request';
  if (has(o, 'username', 'password')) return 'dvcqg-login-request';
  // MaLoi first: a QUERY reply carries LoaiBanTin "QUERY" too [code T6, S5].
  if (has(o, 'MaLoi')) {
    if (has(o, 'TrangThaiGD')) return 'paygov-query-response';
    if (has(o, 'MoTaLoi')) return 'paygov-confirm-reply';
    return 'paygov-confirm';
  }
  if (typeof o.LoaiBanTin === 'string' && BY_LOAI_BAN_TIN[o.LoaiBanTin]) return BY_LOAI_BAN_TIN[o.LoaiBanTin];
  if (has(o, 'error_code')) return portalAnswer(o);
  if (has(o, 'status', 'message')) return 'dvcqg-tax-notice-reply';
  if (has(o, 'MaSoThue')) {
    if (has(o, 'MaHoSoQG')) return 'dvcqg-inbound-amend';
    if (has(o, 'ThongTinThanhToan')) return 'dvcqg-inbound-tax-notice';
    return 'dvcqg-inbound-create';
  }
  if (has(o, 'paymentId')) return has(o, 'expiredAt') && !has(o, 'settledAt') ? 'event-payment-expired' : 'event-payment-settled';
  if (has(o, 'lookupId')) return 'event-citizen-lookup-audited';
  if (has(o, 'packet', 'outcome')) return 'event-sync-outcome';
  if (has(o, 'MaHoSo', 'detectedAt')) return 'event-dossier-overdue';
  if (has(o, 'MaHoSo') && (has(o, 'ThoiDiemXuLy') || has(o, 'NoiDungXuLy') || has(o, 'NguoiXuLy'))) return 'progress';
  if (has(o, 'MaHoSo')) return 'dossier';
  if (has(o, 'NgayTongHop')) return 'rating';
  if (has(o, 'HOIDAPID')) return has(o, 'NGAYTRALOI') || has(o, 'NOIDUNGTRALOI') ? 'hoi-dap-answer' : 'hoi-dap-question';
  if (has(o, 'MaYeuCau') || has(o, 'MaTichHop')) return 'citizen-lookup-request';
  if (has(o, 'MaSoDoanhNghiep')) return 'business';
  if (isObj(o.HoVaTen) || has(o, 'SoDinhDanh') || has(o, 'SoCMND')) return 'citizen';
  return undefined;
}

/**
 * Guesses a packet's kind from its fields (for an array, from its first element); undefined when nothing matches.
 * Only picks a validator; the validator then reports everything wrong with the packet.
 */
export function detectPacketKind(input: unknown): PacketKind | undefined {
  const sample = Array.isArray(input) ? input[0] : input;
  return isObj(sample) ? detectObject(sample) : undefined;
}
