import { hexSignatureEquals } from '@lienthong/protocol-kit';
import { PaygovError, type PaygovRejectionCode } from './errors.js';
import { computeMaXacThuc, fieldWithSeparator, separatorReason } from './ma-xac-thuc.js';
import { formatPaygovTime, parsePaygovTime } from './gmt7-time.js';
import { fromSoTien } from './amount.js';
import { readPaygovBody } from './body-reader.js';
import { PAYGOV_DEFAULTS, PAYGOV_MALOI_SUCCESS } from './codes.js';
import { PAYGOV_REFERENCE_PATTERN } from './init.js';

type Partner = { maDoiTac: string; secret: string };

/** QUERY (status) or GET_BILL (receipt PDF) for one reference [T6][S5]. */
export interface PaygovLookupRequest {
  maThamChieu: string;
  /** `ThoiGianGD`: the original transaction's time (TD passes the stored one; OpenCPS GET_BILL uses the confirm's) — inferred for QUERY. */
  thoiGianGD: string | Date;
}

export interface PaygovLookupMessage {
  readonly LoaiBanTin: 'QUERY' | 'GET_BILL';
  readonly PhienBan: string;
  readonly MaDoiTac: string;
  readonly MaThamChieu: string;
  readonly ThoiGianGD: string;
  readonly MaXacThuc: string;
}

/** Builds and signs a QUERY or GET_BILL message: MaXacThuc over the first five fields [T6][S5]. Pure. */
export function buildPaygovLookup(partner: Partner, type: 'QUERY' | 'GET_BILL', req: PaygovLookupRequest): PaygovLookupMessage {
  const bad = (field: string, reason: string): never => {
    throw new PaygovError('LT_PAYGOV_INVALID_INPUT', `invalid ${field}: ${reason}`, [{ field, reason }]);
  };
  if (req === null || typeof req !== 'object') bad('request', 'must be an object');
  if (typeof req.maThamChieu !== 'string' || !PAYGOV_REFERENCE_PATTERN.test(req.maThamChieu))
    bad('maThamChieu', 'must be 1-255 of A-Z a-z 0-9 _ . -');
  const t = req.thoiGianGD instanceof Date ? formatPaygovTime(req.thoiGianGD) : req.thoiGianGD;
  if (parsePaygovTime(t) === undefined) bad('thoiGianGD', 'must be a Date or a yyyyMMddHHmmss stamp');
  const fields = {
    LoaiBanTin: type,
    PhienBan: PAYGOV_DEFAULTS.PhienBan,
    MaDoiTac: partner.maDoiTac,
    MaThamChieu: req.maThamChieu,
    ThoiGianGD: t as string,
  };
  return Object.freeze({ ...fields, MaXacThuc: computeMaXacThuc('query', fields, partner.secret) });
}

export interface PaygovQueryAnswer {
  maLoi: string;
  moTaLoi: string;
  trangThaiGD: string;
  maThamChieu: string;
  amountVnd: number | undefined;
  maGiaoDich: string;
  maNganHang: string;
  thoiGianGD: string;
}

/**
 * What a QUERY answer says. The answer's hash chain is inferred (see PAYGOV_HASH_FIELDS.queryResponse);
 * anything that does not verify is `no_answer`, never "unpaid".
 */
export type PaygovQueryOutcome =
  | { kind: 'paid'; amountVnd: number; maGiaoDich: string; answer: PaygovQueryAnswer }
  | { kind: 'pending'; answer: PaygovQueryAnswer }
  | { kind: 'failed'; answer: PaygovQueryAnswer }
  | { kind: 'needs_review'; reason: string; answer: PaygovQueryAnswer }
  | { kind: 'no_answer'; code: PaygovRejectionCode; message: string };

const FIELDS = [
  'LoaiBanTin',
  'MaLoi',
  'MoTaLoi',
  'MaDoiTac',
  'MaThamChieu',
  'SoTien',
  'MaTienTe',
  'MaGiaoDich',
  'MaNganHang',
  'ThoiGianGD',
  'ThongTinGiaoDich',
  'TrangThaiGD',
  'MaXacThuc',
];

/** Verifies and interprets a QUERY answer for `expect.maThamChieu`. Never throws. */
export function readPaygovQueryResponse(partner: Partner, body: unknown, expect: { maThamChieu: string }): PaygovQueryOutcome {
  const r = readPaygovBody(body, FIELDS, ['MaLoi']);
  if (!r.ok) return { kind: 'no_answer', code: 'LT_PAYGOV_MALFORMED', message: r.reason };
  const v = r.values;
  if (!v.MaXacThuc) return { kind: 'no_answer', code: 'LT_PAYGOV_SIGNATURE_MISSING', message: 'answer has no MaXacThuc' };
  const piped = fieldWithSeparator('queryResponse', v);
  if (piped !== undefined) return { kind: 'no_answer', code: 'LT_PAYGOV_MALFORMED', message: separatorReason(piped) };
  if (!hexSignatureEquals(computeMaXacThuc('queryResponse', v, partner.secret), v.MaXacThuc)) {
    return { kind: 'no_answer', code: 'LT_PAYGOV_SIGNATURE_MISMATCH', message: 'answer MaXacThuc does not match' };
  }
  if (v.MaDoiTac !== undefined && v.MaDoiTac !== partner.maDoiTac)
    return { kind: 'no_answer', code: 'LT_PAYGOV_PARTNER_MISMATCH', message: 'answer is for another partner' };
  if (v.MaThamChieu !== expect.maThamChieu)
    return { kind: 'no_answer', code: 'LT_PAYGOV_ECHO_MISMATCH', message: 'answer is for another MaThamChieu' };
  const answer: PaygovQueryAnswer = {
    maLoi: String(v.MaLoi),
    moTaLoi: String(v.MoTaLoi ?? ''),
    trangThaiGD: String(v.TrangThaiGD ?? ''),
    maThamChieu: String(v.MaThamChieu),
    amountVnd: fromSoTien(v.SoTien),
    maGiaoDich: String(v.MaGiaoDich ?? ''),
    maNganHang: String(v.MaNganHang ?? ''),
    thoiGianGD: String(v.ThoiGianGD ?? ''),
  };
  if (answer.maLoi !== PAYGOV_MALOI_SUCCESS)
    return { kind: 'no_answer', code: 'LT_PAYGOV_REJECTED', message: `QUERY refused with MaLoi ${answer.maLoi}` };
  switch (answer.trangThaiGD) {
    case '1':
      if (answer.amountVnd === undefined)
        return { kind: 'no_answer', code: 'LT_PAYGOV_MALFORMED', message: 'paid answer without SoTien' };
      return { kind: 'paid', amountVnd: answer.amountVnd, maGiaoDich: answer.maGiaoDich, answer };
    case '3':
      return { kind: 'pending', answer };
    case '4':
      return { kind: 'failed', answer };
    default:
      return { kind: 'needs_review', reason: `TrangThaiGD ${JSON.stringify(answer.trangThaiGD)} not seen in any source`, answer };
  }
}
