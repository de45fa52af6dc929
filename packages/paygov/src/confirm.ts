import { hexSignatureEquals } from '@lienthong/protocol-kit';
import type { PaygovRejectionCode } from './errors.js';
import { computeMaXacThuc, fieldWithSeparator, separatorReason } from './ma-xac-thuc.js';
import { parsePaygovTime } from './gmt7-time.js';
import { fromSoTien } from './amount.js';
import { readPaygovBody } from './body-reader.js';
import { PAYGOV_CONFIRM_REPLY_CODES, PAYGOV_MALOI_SUCCESS } from './codes.js';

type Partner = { maDoiTac: string; secret: string };

/** A verified confirm callback (platform → province) [T6][S5] (§8). */
export interface PaygovConfirm {
  loaiBanTin: string;
  /** "00" = success [T6][S5]. */
  maLoi: string;
  maDoiTac: string;
  maThamChieu: string;
  amountVnd: number;
  maTienTe: string;
  /** The platform's transaction id — with (MaDoiTac, MaThamChieu), the idempotency key. */
  maGiaoDich: string;
  maNganHang: string;
  /** As sent (hashed verbatim, whatever its hour format) and as an instant when it parses. */
  thoiGianGD: string;
  paidAt: Date | undefined;
  thongTinGiaoDich: string;
  maXacThuc: string;
  paid: boolean;
}

/** The province's answer to the confirm callback: `{MaLoi, MoTaLoi, MaDoiTac, MaThamChieu, ThoiGianGD, MaXacThuc}` (§8). */
export interface PaygovConfirmReply {
  readonly MaLoi: string;
  readonly MoTaLoi: string;
  readonly MaDoiTac: string;
  readonly MaThamChieu: string;
  readonly ThoiGianGD: string;
  readonly MaXacThuc: string;
}

export type PaygovConfirmResult =
  | { ok: true; confirm: PaygovConfirm }
  | {
      ok: false;
      code: PaygovRejectionCode;
      message: string;
      /** Ready to send: MaLoi "99" echoing what could be read. */ reply: PaygovConfirmReply;
    };

const FIELDS = [
  'LoaiBanTin',
  'MaLoi',
  'MaDoiTac',
  'MaThamChieu',
  'SoTien',
  'MaTienTe',
  'MaGiaoDich',
  'MaNganHang',
  'ThoiGianGD',
  'ThongTinGiaoDich',
  'MaXacThuc',
];
const REQUIRED = ['LoaiBanTin', 'MaLoi', 'MaDoiTac', 'MaThamChieu', 'SoTien', 'MaXacThuc'];

/**
 * Builds the confirm reply. Both sources echo the callback's own `MaXacThuc` rather than computing a new
 * one (TD `result.MaXacThuc = request.MaXacThuc` [T6]; OpenCPS passes the received value [S5]); so do we.
 * Use `PAYGOV_CONFIRM_REPLY_CODES.success` for an applied or duplicate confirm, `.otherError` otherwise.
 */
export function buildPaygovConfirmReply(
  callback: unknown,
  code: { MaLoi: string; MoTaLoi: string } = PAYGOV_CONFIRM_REPLY_CODES.success,
  moTaLoi?: string,
): PaygovConfirmReply {
  const src =
    callback !== null && typeof callback === 'object' && !Array.isArray(callback) ? (callback as Record<string, unknown>) : {};
  const echo = (k: string): string => {
    const v = src[k];
    return typeof v === 'string' ? v.slice(0, 255) : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : '';
  };
  return Object.freeze({
    MaLoi: code.MaLoi,
    MoTaLoi: moTaLoi ?? code.MoTaLoi,
    MaDoiTac: echo('MaDoiTac'),
    MaThamChieu: echo('MaThamChieu'),
    ThoiGianGD: echo('ThoiGianGD'),
    MaXacThuc: echo('MaXacThuc'),
  });
}

/**
 * Verifies a confirm callback body (parsed JSON) for one partner. Never throws. The caller then checks the
 * reference and the amount against its ledger and answers with buildPaygovConfirmReply().
 */
export function verifyPaygovConfirm(partner: Partner, body: unknown): PaygovConfirmResult {
  const fail = (code: PaygovRejectionCode, message: string): PaygovConfirmResult => ({
    ok: false,
    code,
    message,
    reply: buildPaygovConfirmReply(body, PAYGOV_CONFIRM_REPLY_CODES.otherError, message),
  });
  const r = readPaygovBody(body, FIELDS, REQUIRED);
  if (!r.ok) {
    const missingHash = r.reason === 'MaXacThuc is missing';
    return fail(missingHash ? 'LT_PAYGOV_SIGNATURE_MISSING' : 'LT_PAYGOV_MALFORMED', r.reason);
  }
  const v = r.values;
  if (v.MaXacThuc === '') return fail('LT_PAYGOV_SIGNATURE_MISSING', 'MaXacThuc is empty');
  if (v.MaDoiTac !== partner.maDoiTac) return fail('LT_PAYGOV_PARTNER_MISMATCH', 'callback is for another MaDoiTac');
  const piped = fieldWithSeparator('confirm', v);
  if (piped !== undefined) return fail('LT_PAYGOV_MALFORMED', separatorReason(piped));
  if (!hexSignatureEquals(computeMaXacThuc('confirm', v, partner.secret), v.MaXacThuc)) {
    return fail('LT_PAYGOV_SIGNATURE_MISMATCH', 'Mã xác thực không chính xác');
  }
  const amountVnd = fromSoTien(v.SoTien);
  if (amountVnd === undefined) return fail('LT_PAYGOV_MALFORMED', 'SoTien is not a whole VND amount');
  const s = (k: string) => (v[k] === undefined ? '' : String(v[k]));
  return {
    ok: true,
    confirm: {
      loaiBanTin: s('LoaiBanTin'),
      maLoi: s('MaLoi'),
      maDoiTac: s('MaDoiTac'),
      maThamChieu: s('MaThamChieu'),
      amountVnd,
      maTienTe: s('MaTienTe'),
      maGiaoDich: s('MaGiaoDich'),
      maNganHang: s('MaNganHang'),
      thoiGianGD: s('ThoiGianGD'),
      paidAt: parsePaygovTime(v.ThoiGianGD),
      thongTinGiaoDich: s('ThongTinGiaoDich'),
      maXacThuc: s('MaXacThuc'),
      paid: v.MaLoi === PAYGOV_MALOI_SUCCESS,
    },
  };
}

/** Reads `MaDoiTac` from an untrusted body without trusting anything else (multi-tenant routing). */
export function readPaygovMaDoiTac(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>).MaDoiTac;
  return typeof v === 'string' && /^[A-Za-z0-9._-]{1,50}$/.test(v) ? v : undefined;
}
