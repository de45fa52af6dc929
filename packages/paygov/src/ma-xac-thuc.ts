import { createHash } from 'node:crypto';
import { PaygovError } from './errors.js';

/**
 * `MaXacThuc` = lowercase hex SHA-256 of the listed fields joined by `|`, with the partner secret appended
 * last (`v1|v2|…|vn|secret`) [T6][S5] (national-standard.md §8). A plain hash, not an HMAC: that is what
 * both implementations compute, so the secret's secrecy is the whole of the scheme's strength.
 */
export const PAYGOV_HASH_FIELDS = Object.freeze({
  /** Every scalar before MaXacThuc, in order [T6 DvcPaymentService.InitPayment]. */
  init: Object.freeze([
    'LoaiBanTin',
    'PhienBan',
    'MaDoiTac',
    'MaThamChieu',
    'SoTien',
    'LoaiHinhThanhToan',
    'MaKenhThanhToan',
    'MaThietBi',
    'NgonNgu',
    'MaTienTe',
    'MaNganHang',
    'ThongTinGiaoDich',
    'ThoiGianGD',
    'Ip',
  ] as const),
  /** QUERY and GET_BILL: the first five [T6][S5]. */
  query: Object.freeze(['LoaiBanTin', 'PhienBan', 'MaDoiTac', 'MaThamChieu', 'ThoiGianGD'] as const),
  /** Confirm callback, field order as TD and OpenCPS check it [T6 ConfirmDvcPaymentCommandHandler][S5]. */
  confirm: Object.freeze([
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
  ] as const),
  /**
   * QUERY answer: "the confirm shape plus TrangThaiGD" (§8). Neither source verifies its hash; we assume the
   * confirm chain (inferred) — the one assumption to check against the operator's spec at onboarding.
   */
  queryResponse: Object.freeze([
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
  ] as const),
});

export type PaygovHashKind = keyof typeof PAYGOV_HASH_FIELDS;

/**
 * The first field of the `kind` chain whose value contains `|`, or undefined. The chain joins values with `|` and
 * nothing escapes it, so a `|` inside a value shifts the fields: `ThongTinGiaoDich = "a|b"` hashes exactly like two
 * fields "a" and "b", and a signature made for one split verifies another (issue 17 §2). Such a value is refused on
 * every path: building a message throws, verifying a callback or an answer refuses it as malformed.
 */
export function fieldWithSeparator(kind: PaygovHashKind, values: Readonly<Record<string, unknown>>): string | undefined {
  return PAYGOV_HASH_FIELDS[kind].find((f) => scalar(values[f]).includes('|'));
}

/** The reason given when a chained field holds the separator. */
export function separatorReason(field: string): string {
  return `${field} contains '|', the MaXacThuc chain separator`;
}

/**
 * The string hashed for `kind`: values in field order (absent → ""), then the secret, joined by `|`. Throws
 * PaygovError LT_PAYGOV_INVALID_INPUT naming the field when a value contains `|` (see fieldWithSeparator).
 */
export function paygovHashInput(kind: PaygovHashKind, values: Readonly<Record<string, unknown>>, secret: string): string {
  const field = fieldWithSeparator(kind, values);
  if (field !== undefined) {
    throw new PaygovError('LT_PAYGOV_INVALID_INPUT', `invalid ${field}: ${separatorReason(field)}`, [
      { field, reason: "must not contain '|', the MaXacThuc chain separator" },
    ]);
  }
  return [...PAYGOV_HASH_FIELDS[kind].map((f) => scalar(values[f])), secret].join('|');
}

/** Computes `MaXacThuc` for `kind`. */
export function computeMaXacThuc(kind: PaygovHashKind, values: Readonly<Record<string, unknown>>, secret: string): string {
  return createHash('sha256')
    .update(paygovHashInput(kind, values, secret), 'utf8')
    .digest('hex');
}

/** Strings verbatim, integers in decimal (SoTien is an int in the confirm [T6]), absent → "". */
function scalar(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}
