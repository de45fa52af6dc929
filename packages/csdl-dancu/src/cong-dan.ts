import { validatePacket, type CongDan } from '@lienthong/standard';
import { escapeXml, type XmlElement } from './xml.js';
import { DANCU_NS } from './soap.js';

export type { CongDan };

/**
 * The CongDan element ↔ the normalized JSON shape (schemas/csdl-dancu/cong-dan.v1.json). The element's
 * children carry the same names and nesting as the JSON [code T4, X5, X6]; we read only the fields the
 * schema names (a peer adding elements must not break us, nor smuggle anything through), keep scalars as
 * strings, drop empty values, and validate the result.
 */
const ADDRESS = ['MaTinhThanh', 'MaQuanHuyen', 'MaPhuongXa', 'ChiTiet', 'QuocGia'] as const;
const RELATIVE = ['HoVaTen', 'QuocTich', 'SoDinhDanh', 'SoCMND'] as const;

/** Field → null for a scalar, or the list of scalar children of a nested element. */
const CONG_DAN_SHAPE: Readonly<Record<string, readonly string[] | null>> = {
  SoDinhDanh: null,
  SoCMND: null,
  HoVaTen: ['Ho', 'ChuDem', 'Ten'],
  GioiTinh: null,
  DanToc: null,
  TonGiao: null,
  TinhTrangHonNhan: null,
  NhomMau: null,
  ThuDienTu: null,
  QuocTich: null,
  SoSoHoKhau: null,
  NgayThangNamSinh: ['Nam', 'NgayThangNam'],
  NoiDangKyKhaiSinh: ADDRESS,
  QueQuan: ADDRESS,
  ThuongTru: ADDRESS,
  NoiOHienTai: ADDRESS,
  Cha: RELATIVE,
  Me: RELATIVE,
  VoChong: RELATIVE,
  NguoiDaiDien: RELATIVE,
  ChuHo: ['QuanHe', 'SoDinhDanh', 'SoCMND', 'HoVaTen'],
};

/** Serializes a CongDan as the peer sends it (default namespace DANCU_NS inherited from the collection). */
export function congDanXml(c: CongDan): string {
  const rec = c as unknown as Record<string, unknown>;
  let out = '<CongDan>';
  for (const [k, sub] of Object.entries(CONG_DAN_SHAPE)) {
    const v = rec[k];
    if (v === undefined) continue;
    if (sub === null) out += `<${k}>${escapeXml(String(v))}</${k}>`;
    else {
      const o = v as Record<string, unknown>;
      out += `<${k}>${sub
        .filter((s) => o[s] !== undefined)
        .map((s) => `<${s}>${escapeXml(String(o[s]))}</${s}>`)
        .join('')}</${k}>`;
    }
  }
  return `${out}</CongDan>`;
}

/** A CongdanCollection reply body with these records. */
export function congDanCollectionXml(records: readonly CongDan[]): string {
  return `<CongdanCollection xmlns="${DANCU_NS}">${records.map(congDanXml).join('')}</CongdanCollection>`;
}

export class CongDanInvalid extends Error {
  constructor(readonly problems: string[]) {
    super(`CongDan does not match the schema: ${problems.slice(0, 5).join('; ')}`);
  }
}

/** Reads one CongDan element into the normalized shape and validates it; throws CongDanInvalid. */
export function readCongDan(el: XmlElement): CongDan {
  const out: Record<string, unknown> = {};
  for (const c of el.children) {
    if (c.ns !== DANCU_NS || !Object.hasOwn(CONG_DAN_SHAPE, c.name)) continue;
    const sub = CONG_DAN_SHAPE[c.name];
    if (sub === null || sub === undefined) {
      if (c.text !== '') out[c.name] = c.text;
      continue;
    }
    const o: Record<string, string> = {};
    for (const g of c.children) if (g.ns === DANCU_NS && sub.includes(g.name) && g.text !== '') o[g.name] = g.text;
    if (Object.keys(o).length > 0) out[c.name] = o;
  }
  const r = validatePacket('citizen', out);
  if (!r.ok) throw new CongDanInvalid(r.errors.map((e) => `${e.path} ${e.code}`));
  return r.value as CongDan;
}

/** The full name as one string (Ho ChuDem Ten). */
export function fullName(c: Pick<CongDan, 'HoVaTen'>): string {
  return [c.HoVaTen.Ho, c.HoVaTen.ChuDem, c.HoVaTen.Ten].filter((s) => s && s.length > 0).join(' ');
}

/** Unaccented upper-case form the requests use for HoVaTen [code X4, T4]: "Nguyễn Thị Đào" → "NGUYEN THI DAO". */
export function unaccentedUpper(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
