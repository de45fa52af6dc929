import { validatePacket } from '@lienthong/standard';
import { fullName, type CongDan } from '@lienthong/csdl-dancu';
import type { DoanhNghiep } from '@lienthong/dkkd';
import type { Licences } from './licences.js';

/** Where one filled value came from (docs/citizen-data.md, field mapping). */
export interface Provenance {
  source: 'csdl-dancu' | 'dkkd' | 'applicant' | 'hub';
  /** The record field it was read from, e.g. `CongDan.HoVaTen`. */
  from?: string;
  retrievedAt?: string;
  /** True when the mapping or the code rests on an inference, not a confirmed source. */
  inferred?: true;
  note?: string;
}

/** What the applicant typed that no registry holds (phone; e-mail when the registry has none). */
export interface ApplicantContact {
  Email?: string;
  SoDienThoai?: string;
}

export interface AutofillResult {
  /** DongBoHoSoMC applicant fields (national-standard.md §3), validated with the standard's schema. */
  fields: Record<string, unknown>;
  provenance: Record<string, Provenance>;
  /** E-form values the standard has no DongBoHoSoMC field for (birth date, address…): for the form only, never sent to DVCQG. */
  eForm: Record<string, string | string[]>;
  eFormProvenance: Record<string, Provenance>;
  warnings: { path: string; code: string; message: string; message_en: string }[];
}

/** The applicant fields autofill may set; validation errors on other (template) fields are not ours. */
const APPLICANT_FIELDS = ['ChuHoSo', 'LoaiDoiTuong', 'SoGiayToChuHoSo', 'DinhDanhCHS', 'DSKetNoiCSDL', 'Email', 'SoDienThoai'];

/**
 * Validates the filled fields against the DongBoHoSoMC item schema and its checks (packages/standard) by
 * placing them in a minimal dossier of the request's MaHoSo/MaTTHC; only findings on the applicant fields
 * count. Returns the problems (empty = valid).
 */
export function validateApplicantFields(fields: Record<string, unknown>, maHoSo: string, maTTHC: string) {
  const dossier = {
    MaHoSo: maHoSo,
    MaTTHC: maTTHC,
    TenTTHC: 'autofill',
    MaLinhVuc: 'G00-XX00',
    TenLinhVuc: 'autofill',
    TrichYeuHoSo: 'autofill',
    NgayTiepNhan: '',
    NgayHenTra: '',
    TrangThaiHoSo: '1',
    DonViXuLy: 'autofill',
    LoaiDoiTuong: '1',
    ...fields,
  };
  const r = validatePacket('dossier', dossier);
  const mine = (path: string) => APPLICANT_FIELDS.some((f) => new RegExp(`^(/0)?/${f}(/|$)`).test(path));
  return {
    errors: r.errors.filter((e) => mine(e.path)).map((e) => ({ ...e, path: e.path.replace(/^\/0/, '') })),
    warnings: (r.warnings ?? []).filter((e) => mine(e.path)).map((e) => ({ ...e, path: e.path.replace(/^\/0/, '') })),
  };
}

const address = (a: CongDan['ThuongTru']) => a?.ChiTiet;

/**
 * A citizen record → DongBoHoSoMC applicant fields (mapping table in docs/citizen-data.md):
 * ChuHoSo ← HoVaTen (Ho ChuDem Ten, with accents); SoGiayToChuHoSo ← SoDinhDanh, else SoCMND;
 * LoaiDoiTuong "1" (công dân); DinhDanhCHS ← [{LoaiDinhDanh 1, SoDinhDanh}] and [{2, SoCMND}] [code T2;
 * meanings inf]; DSKetNoiCSDL ← the population DB's MaCSDL from the licence file (unconfirmed code: inferred);
 * Email ← ThuDienTu, else what the applicant typed; SoDienThoai ← the applicant (the registry has no phone).
 */
export function fillFromCitizen(
  c: CongDan,
  contact: ApplicantContact,
  licences: Licences,
  retrievedAt: string,
): Omit<AutofillResult, 'warnings'> {
  const src = (from: string, extra: Partial<Provenance> = {}): Provenance => ({
    source: 'csdl-dancu',
    from,
    retrievedAt,
    ...extra,
  });
  const fields: Record<string, unknown> = {};
  const provenance: Record<string, Provenance> = {};
  fields.ChuHoSo = fullName(c);
  provenance.ChuHoSo = src('CongDan.HoVaTen');
  fields.LoaiDoiTuong = '1';
  provenance.LoaiDoiTuong = { source: 'hub', note: 'công dân: the applicant was found in the population DB' };
  fields.SoGiayToChuHoSo = c.SoDinhDanh ?? c.SoCMND;
  provenance.SoGiayToChuHoSo = src(c.SoDinhDanh ? 'CongDan.SoDinhDanh' : 'CongDan.SoCMND');
  fields.DinhDanhCHS = [
    ...(c.SoDinhDanh ? [{ LoaiDinhDanh: '1', SoDinhDanh: c.SoDinhDanh }] : []),
    ...(c.SoCMND ? [{ LoaiDinhDanh: '2', SoDinhDanh: c.SoCMND }] : []),
  ];
  provenance.DinhDanhCHS = src('CongDan.SoDinhDanh/SoCMND', {
    inferred: true,
    note: 'LoaiDinhDanh 1 = 12-digit ID, 2 = 9-digit CMND as TD sends them; the meanings are inferred',
  });
  const db = licences.nationalDatabase('csdl-dancu');
  if (db) {
    fields.DSKetNoiCSDL = [{ MaCSDL: db.MaCSDL }];
    provenance.DSKetNoiCSDL = {
      source: 'hub',
      ...(db.confirmed ? {} : { inferred: true as const }),
      note: `MaCSDL ${db.MaCSDL} from the licence file${db.confirmed ? '' : ' (unconfirmed code)'}`,
    };
  }
  if (c.ThuDienTu) {
    fields.Email = c.ThuDienTu;
    provenance.Email = src('CongDan.ThuDienTu');
  } else if (contact.Email) {
    fields.Email = contact.Email;
    provenance.Email = { source: 'applicant' };
  }
  if (contact.SoDienThoai) {
    fields.SoDienThoai = contact.SoDienThoai;
    provenance.SoDienThoai = { source: 'applicant' };
  }
  const eForm: Record<string, string> = {};
  const eFormProvenance: Record<string, Provenance> = {};
  const put = (k: string, v: string | undefined, from: string) => {
    if (v) {
      eForm[k] = v;
      eFormProvenance[k] = src(from);
    }
  };
  put('NgaySinh', c.NgayThangNamSinh?.NgayThangNam, 'CongDan.NgayThangNamSinh.NgayThangNam');
  if (!c.NgayThangNamSinh?.NgayThangNam) put('NamSinh', c.NgayThangNamSinh?.Nam, 'CongDan.NgayThangNamSinh.Nam');
  put('GioiTinh', c.GioiTinh, 'CongDan.GioiTinh');
  put('DanToc', c.DanToc, 'CongDan.DanToc');
  put('QuocTich', c.QuocTich, 'CongDan.QuocTich');
  put('DiaChiThuongTru', address(c.ThuongTru), 'CongDan.ThuongTru.ChiTiet');
  put('MaTinhThuongTru', c.ThuongTru?.MaTinhThanh, 'CongDan.ThuongTru.MaTinhThanh');
  put('MaXaThuongTru', c.ThuongTru?.MaPhuongXa, 'CongDan.ThuongTru.MaPhuongXa');
  put('DiaChiHienTai', address(c.NoiOHienTai), 'CongDan.NoiOHienTai.ChiTiet');
  put('QueQuan', address(c.QueQuan), 'CongDan.QueQuan.ChiTiet');
  return { fields, provenance, eForm, eFormProvenance };
}

/**
 * A business → applicant fields: ChuHoSo ← TenTiengViet; SoGiayToChuHoSo ← MaSoDoanhNghiep; LoaiDoiTuong
 * "2" (doanh nghiệp); DSKetNoiCSDL only when the licence file gives the registry a MaCSDL (none is known);
 * Email/SoDienThoai ← the applicant (the NGSP record has neither).
 */
export function fillFromBusiness(
  b: DoanhNghiep,
  contact: ApplicantContact,
  licences: Licences,
  retrievedAt: string,
): Omit<AutofillResult, 'warnings'> {
  const src = (from: string): Provenance => ({ source: 'dkkd', from, retrievedAt });
  const fields: Record<string, unknown> = { ChuHoSo: b.TenTiengViet, LoaiDoiTuong: '2', SoGiayToChuHoSo: b.MaSoDoanhNghiep };
  const provenance: Record<string, Provenance> = {
    ChuHoSo: src('DoanhNghiep.TenTiengViet'),
    LoaiDoiTuong: { source: 'hub', note: 'doanh nghiệp: the applicant was found in the business registry' },
    SoGiayToChuHoSo: src('DoanhNghiep.MaSoDoanhNghiep'),
  };
  const db = licences.nationalDatabase('dkkd');
  if (db) {
    fields.DSKetNoiCSDL = [{ MaCSDL: db.MaCSDL }];
    provenance.DSKetNoiCSDL = {
      source: 'hub',
      ...(db.confirmed ? {} : { inferred: true as const }),
      note: `MaCSDL ${db.MaCSDL} from the licence file`,
    };
  }
  if (contact.Email) {
    fields.Email = contact.Email;
    provenance.Email = { source: 'applicant' };
  }
  if (contact.SoDienThoai) {
    fields.SoDienThoai = contact.SoDienThoai;
    provenance.SoDienThoai = { source: 'applicant' };
  }
  const eForm: Record<string, string | string[]> = {};
  const eFormProvenance: Record<string, Provenance> = {};
  const put = (k: string, v: string | string[] | undefined, from: string) => {
    if (v !== undefined && v.length > 0) {
      eForm[k] = v;
      eFormProvenance[k] = src(from);
    }
  };
  put('DiaChiTruSo', b.DiaChiTruSo?.DiaChiDayDu, 'DoanhNghiep.DiaChiTruSo.DiaChiDayDu');
  put(
    'NguoiDaiDien',
    b.NguoiDaiDien?.map((n) => n.HoVaTen),
    'DoanhNghiep.NguoiDaiDien[].HoVaTen',
  );
  put('LoaiHinhDN', b.LoaiHinhDN, 'DoanhNghiep.LoaiHinhDN');
  put('TinhTrang', b.TinhTrang?.Ten, 'DoanhNghiep.TinhTrang.Ten');
  put('NgayDangKyLanDau', b.NgayDangKyLanDau, 'DoanhNghiep.NgayDangKyLanDau');
  return { fields, provenance, eForm, eFormProvenance };
}
