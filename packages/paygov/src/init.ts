import { isIP } from 'node:net';
import { PaygovError, type PaygovRejectionCode } from './errors.js';
import { toSoTien } from './amount.js';
import { formatPaygovTime } from './gmt7-time.js';
import { computeMaXacThuc } from './ma-xac-thuc.js';
import { PAYGOV_DEFAULTS } from './codes.js';
import { isHttpUrl } from './config.js';

type Partner = { maDoiTac: string; secret: string };

/** One fee line of the receipt (`PhiLePhi[]`). */
export interface PaygovFeeLine {
  LoaiPhiLePhi: string;
  MaPhiLePhi: string;
  TenPhiLePhi: string;
  amountVnd: number;
}

/** One payment line (`DSKhoanNop[]`). */
export interface PaygovPaymentLine {
  NoiDung: string;
  amountVnd: number;
}

/**
 * Receipt information (`ThongTinBienLai`) [T6][S5]. All scalars default to "" (as TD does); `MaDichVu`
 * defaults to "2" (dossier fee), which makes MaDonVi, TenDonVi and MaHoSo required (§8). Penalty fields
 * stay blank for dossier fees. Holds personal data (payer name, ID, address): never log it.
 */
export interface PaygovReceiptInfo {
  MaDichVu?: string;
  MaDVC?: string;
  TenDVC?: string;
  MaTTHC?: string;
  TenTTHC?: string;
  MaDonVi?: string;
  TenDonVi?: string;
  MaHoSo?: string;
  TKThuHuong?: string;
  MaNHThuHuong?: string;
  TenTKThuHuong?: string;
  MaLoaiHinhThuPhat?: string;
  TenLoaiHinhThuPhat?: string;
  MaCoQuanQD?: string;
  TenCoQuanQD?: string;
  KhoBac?: string;
  NgayQD?: string;
  SoQD?: string;
  ThoiGianViPham?: string;
  DiaDiemViPham?: string;
  TenNguoiViPham?: string;
  TaiKhoanThuNSNN?: string;
  NoiDungThanhToan?: string;
  HoTenNguoiNop?: string;
  SoCMNDNguoiNop?: string;
  DiaChiNguoiNop?: string;
  HuyenNguoiNop?: string;
  TinhNguoiNop?: string;
  PhiLePhi?: PaygovFeeLine[];
  DSKhoanNop?: PaygovPaymentLine[];
}

/** What the hub knows when it asks the platform for a payment. */
export interface PaygovInitRequest {
  /** `MaThamChieu`, unique reference (TD: "dvc" + MaHoSo without non-word chars + timestamp [T6]). ≤ 255. */
  maThamChieu: string;
  amountVnd: number;
  /** `ThongTinGiaoDich`, e.g. "THANH TOAN HO SO <MaHoSo>" [T6]. */
  thongTinGiaoDich: string;
  /** Transaction time, formatted GMT+7 as `ThoiGianGD`. Keep it: QUERY and GET_BILL send it again (inferred from [T6][S5]). */
  createdAt: Date;
  /** `Ip` of the calling server [T6]. */
  ip: string;
  receipt: PaygovReceiptInfo;
}

export interface PaygovInitMessage {
  readonly LoaiBanTin: 'INIT';
  readonly PhienBan: string;
  readonly MaDoiTac: string;
  readonly MaThamChieu: string;
  readonly SoTien: string;
  readonly LoaiHinhThanhToan: string;
  readonly MaKenhThanhToan: string;
  readonly MaThietBi: string;
  readonly NgonNgu: string;
  readonly MaTienTe: string;
  readonly MaNganHang: string;
  readonly ThongTinGiaoDich: string;
  readonly ThoiGianGD: string;
  readonly Ip: string;
  readonly MaXacThuc: string;
  readonly ThongTinBienLai: Readonly<Record<string, unknown>>;
}

export const PAYGOV_REFERENCE_PATTERN = /^[A-Za-z0-9_.-]{1,255}$/;
const RECEIPT_SCALARS = [
  'MaDichVu',
  'MaDVC',
  'TenDVC',
  'MaTTHC',
  'TenTTHC',
  'MaDonVi',
  'TenDonVi',
  'MaHoSo',
  'TKThuHuong',
  'MaNHThuHuong',
  'TenTKThuHuong',
  'MaLoaiHinhThuPhat',
  'TenLoaiHinhThuPhat',
  'MaCoQuanQD',
  'TenCoQuanQD',
  'KhoBac',
  'NgayQD',
  'SoQD',
  'ThoiGianViPham',
  'DiaDiemViPham',
  'TenNguoiViPham',
  'TaiKhoanThuNSNN',
  'NoiDungThanhToan',
  'HoTenNguoiNop',
  'SoCMNDNguoiNop',
  'DiaChiNguoiNop',
  'HuyenNguoiNop',
  'TinhNguoiNop',
] as const;

function bad(field: string, reason: string): never {
  throw new PaygovError('LT_PAYGOV_INVALID_INPUT', `invalid ${field}: ${reason}`, [{ field, reason }]);
}

/** A hashed text field: non-empty, bounded, and without `|` — a `|` inside a value would shift the chain. */
function hashedText(field: string, v: unknown, max: number): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max || v.includes('|'))
    bad(field, `must be 1-${max} characters without '|'`);
  return v;
}

function receiptOf(r: PaygovReceiptInfo): Record<string, unknown> {
  if (r === null || typeof r !== 'object') bad('receipt', 'must be an object');
  const out: Record<string, unknown> = {};
  for (const k of RECEIPT_SCALARS) {
    const v = r[k] ?? (k === 'MaDichVu' ? PAYGOV_DEFAULTS.MaDichVu : '');
    if (typeof v !== 'string' || v.length > 1000) bad(`receipt.${k}`, 'must be a string of at most 1000 characters');
    out[k] = v;
  }
  if (out.MaDichVu === '2')
    for (const k of ['MaDonVi', 'TenDonVi', 'MaHoSo'] as const)
      if (out[k] === '') bad(`receipt.${k}`, 'required when MaDichVu is "2" (§8)');
  const fees = r.PhiLePhi ?? [];
  const lines = r.DSKhoanNop ?? [];
  if (!Array.isArray(fees) || fees.length > 50) bad('receipt.PhiLePhi', 'must be an array of at most 50 lines');
  if (!Array.isArray(lines) || lines.length > 50) bad('receipt.DSKhoanNop', 'must be an array of at most 50 lines');
  out.PhiLePhi = fees.map((f, i) => ({
    LoaiPhiLePhi: String(f.LoaiPhiLePhi ?? ''),
    MaPhiLePhi: String(f.MaPhiLePhi ?? ''),
    TenPhiLePhi: String(f.TenPhiLePhi ?? ''),
    SoTien: toSoTien(f.amountVnd, `receipt.PhiLePhi[${i}].amountVnd`),
  }));
  out.DSKhoanNop = lines.map((l, i) => ({
    NoiDung: String(l.NoiDung ?? ''),
    SoTien: toSoTien(l.amountVnd, `receipt.DSKhoanNop[${i}].amountVnd`),
  }));
  return out;
}

/** Builds and signs an INIT message [T6][S5] (§8). Pure. Throws PaygovError on bad input. */
export function buildPaygovInit(partner: Partner, req: PaygovInitRequest): PaygovInitMessage {
  if (req === null || typeof req !== 'object') bad('request', 'must be an object');
  if (typeof req.maThamChieu !== 'string' || !PAYGOV_REFERENCE_PATTERN.test(req.maThamChieu))
    bad('maThamChieu', 'must be 1-255 of A-Z a-z 0-9 _ . -');
  const soTien = toSoTien(req.amountVnd);
  const thongTinGiaoDich = hashedText('thongTinGiaoDich', req.thongTinGiaoDich, 500);
  if (typeof req.ip !== 'string' || isIP(req.ip) === 0) bad('ip', 'must be an IPv4 or IPv6 address');
  const fields = {
    LoaiBanTin: 'INIT' as const,
    PhienBan: PAYGOV_DEFAULTS.PhienBan,
    MaDoiTac: partner.maDoiTac,
    MaThamChieu: req.maThamChieu,
    SoTien: soTien,
    LoaiHinhThanhToan: PAYGOV_DEFAULTS.LoaiHinhThanhToan,
    MaKenhThanhToan: PAYGOV_DEFAULTS.MaKenhThanhToan,
    MaThietBi: PAYGOV_DEFAULTS.MaThietBi,
    NgonNgu: PAYGOV_DEFAULTS.NgonNgu,
    MaTienTe: PAYGOV_DEFAULTS.MaTienTe,
    MaNganHang: PAYGOV_DEFAULTS.MaNganHang,
    ThongTinGiaoDich: thongTinGiaoDich,
    ThoiGianGD: formatPaygovTime(req.createdAt),
    Ip: req.ip,
  };
  const ThongTinBienLai = receiptOf(req.receipt);
  return Object.freeze({ ...fields, MaXacThuc: computeMaXacThuc('init', fields, partner.secret), ThongTinBienLai });
}

/** What an INIT reply says. The reply is not signed in either source: its authenticity rests on TLS. */
export type PaygovInitOutcome =
  | { ok: true; urlThanhToan: string; details: Readonly<Record<string, unknown>> }
  | {
      ok: false;
      code: Extract<PaygovRejectionCode, 'LT_PAYGOV_REJECTED' | 'LT_PAYGOV_MALFORMED'>;
      message: string;
      errorCode?: string;
    };

/**
 * Reads an INIT reply `{error_code: "0", message: "<JSON string with UrlThanhToan…>"}` [T6]. Any other
 * error_code is a refusal (TD marks the request failed). Never throws.
 */
export function readPaygovInitReply(body: unknown): PaygovInitOutcome {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, code: 'LT_PAYGOV_MALFORMED', message: 'reply is not a JSON object' };
  const { error_code: errorCode, message } = body as Record<string, unknown>;
  const code = typeof errorCode === 'number' && Number.isSafeInteger(errorCode) ? String(errorCode) : errorCode;
  if (typeof code !== 'string' || code.length > 20)
    return { ok: false, code: 'LT_PAYGOV_MALFORMED', message: 'error_code missing or not a string' };
  if (code !== '0') {
    return {
      ok: false,
      code: 'LT_PAYGOV_REJECTED',
      errorCode: code,
      message: typeof message === 'string' ? message.slice(0, 500) : '',
    };
  }
  if (typeof message !== 'string' || message.length > 65_536)
    return { ok: false, code: 'LT_PAYGOV_MALFORMED', message: 'message is not a bounded JSON string' };
  let details: unknown;
  try {
    details = JSON.parse(message);
  } catch {
    return { ok: false, code: 'LT_PAYGOV_MALFORMED', message: 'message is not JSON' };
  }
  if (details === null || typeof details !== 'object' || Array.isArray(details))
    return { ok: false, code: 'LT_PAYGOV_MALFORMED', message: 'message is not a JSON object' };
  const url = (details as Record<string, unknown>).UrlThanhToan;
  if (!isHttpUrl(url)) return { ok: false, code: 'LT_PAYGOV_MALFORMED', message: 'UrlThanhToan missing or not an http(s) URL' };
  return { ok: true, urlThanhToan: url, details: Object.freeze({ ...(details as Record<string, unknown>) }) };
}
