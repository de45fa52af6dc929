/**
 * What the read model keeps of a DongBoHoSoMC snapshot (national-standard.md §3): pure functions from the
 * packet to the columns the indicators read. Scalars arrive as strings [code S1, T2]; numbers are
 * tolerated. Personal data (ChuHoSo, phone, e-mail, IDs) is not kept, except ChuHoSo for the apology letter,
 * which must name the citizen (it is never logged).
 */
const VN_OFFSET_MS = 7 * 3_600_000;

/** `yyyyMMddHHmmss` in Vietnamese local time → epoch ms; undefined for "" or anything else. */
export function parseDateTime14(v: unknown): number | undefined {
  if (typeof v !== 'string' || !/^\d{14}$/.test(v)) return undefined;
  const [y, mo, d, h, mi, s] = [
    v.slice(0, 4),
    v.slice(4, 6),
    v.slice(6, 8),
    v.slice(8, 10),
    v.slice(10, 12),
    v.slice(12, 14),
  ].map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - VN_OFFSET_MS;
  const back = new Date(ms + VN_OFFSET_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const int = (v: unknown): number | undefined => {
  const s = str(v);
  return s !== undefined && /^-?\d{1,6}$/.test(s.trim()) ? Number(s.trim()) : undefined;
};
const flag1 = (v: unknown) => str(v) === '1';
const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v)
    ? (v.filter((x) => x !== null && typeof x === 'object' && !Array.isArray(x)) as Record<string, unknown>[])
    : [];
const nonEmpty = (v: unknown) => typeof v === 'string' && v.trim() !== '';
const notDeleted = (f: Record<string, unknown>) => !/^(true|1)$/i.test(str(f.IsDeleted) ?? '');

/** The national MaTTHC (`d.dddddd`) inside a provincial variant (`1.003560.000.00.00.H56`, reference §2). */
export function nationalMaTTHC(maTTHC: string | undefined): string | undefined {
  return maTTHC ? /^(\d\.\d{6})(?:$|\.)/.exec(maTTHC)?.[1] : undefined;
}

/** The receiving unit: the MaHoSo prefix before `-yyMMdd-seq` (reference §2 [code T3]). */
export function agencyOfMaHoSo(maHoSo: string): string {
  const m = /^(.+)-\d{6}-\d{4,}$/.exec(maHoSo);
  return m ? m[1]! : maHoSo.split('-')[0]!;
}

export interface SnapshotFacts {
  maTTHC: string | null;
  maTTHCNational: string | null;
  tenTTHC: string | null;
  kenh: number | null;
  trangThai: number | null;
  ngayNop: number | null;
  ngayTiepNhan: number | null;
  ngayHenTra: number | null;
  ngayKetThuc: number | null;
  ngayTra: number | null;
  ngayTuChoi: number | null;
  feeTotal: number;
  feeLines: number;
  /** DanhSachLePhi present and every Gia = 0 (the 3.6 exclusion). */
  feesAllZero: boolean;
  feeCodes: string[];
  /** The fee lines as synced (name, code, amount, HinhThucThu), at most 50. */
  fees: { TenPhiLePhi: string; MaPhiLePhi: string; Gia: number; HinhThucThu: string }[];
  /** Result file links (DuongDanTepTinKetQua), at most 20. */
  resultLinks: string[];
  /** DuocThanhToanTrucTuyen as sent (1 on DVCQG, 2 own gateway, 0 none). */
  paidOnlineFlag: number | null;
  hasSubmittedFile: boolean;
  hasResultFile: boolean;
  /** A result with both MaGiayToKetQua and DuongDanTepTinKetQua (the 766 "electronic result", reference §3). */
  hasResultCodeAndLink: boolean;
  /** HoSoCoThanhPhanSoHoa = 1 or any TaiLieuNop DuocSoHoa = 1 (4.3). */
  reuseFlag: boolean;
  /** Any TaiLieuNop DuocLayTuKhoDMQG = 1 (4.4, 4.5). */
  fromCitizenStore: boolean;
  vneid: boolean;
  maCSDL: string[];
  /** Supplement rounds from DanhSachHoSoBoSung: [requested, done?] (NgayBoSung, NgayTiepNhanBoSung [inf]). */
  supplementRounds: [number, number | null][];
  chuHoSo: string | null;
  donViXuLy: string | null;
}

/** Columns of one snapshot. Pure: the same packet always gives the same facts. */
export function snapshotFacts(d: Record<string, unknown>): SnapshotFacts {
  const fees = list(d.DanhSachLePhi);
  const gia = fees.map((f) => Number(str(f.Gia) ?? '0')).map((n) => (Number.isFinite(n) && n > 0 ? n : 0));
  const files = list(d.TaiLieuNop).filter(notDeleted);
  const results = list(d.DanhSachGiayToKetQua);
  const rounds: [number, number | null][] = [];
  for (const r of list(d.DanhSachHoSoBoSung)) {
    const req = parseDateTime14(r.NgayBoSung);
    if (req !== undefined) rounds.push([req, parseDateTime14(r.NgayTiepNhanBoSung) ?? null]);
  }
  const maTTHC = str(d.MaTTHC)?.trim() || null;
  const kenh = int(d.KenhThucHien);
  return {
    maTTHC,
    maTTHCNational: nationalMaTTHC(maTTHC ?? undefined) ?? maTTHC,
    tenTTHC: str(d.TenTTHC)?.slice(0, 500) ?? null,
    // The 766 document treats a missing KenhThucHien as 1, in person (reference §7).
    kenh: kenh ?? 1,
    trangThai: int(d.TrangThaiHoSo) ?? null,
    ngayNop: parseDateTime14(d.NgayNopHoSo) ?? null,
    ngayTiepNhan: parseDateTime14(d.NgayTiepNhan) ?? null,
    ngayHenTra: parseDateTime14(d.NgayHenTra) ?? null,
    ngayKetThuc: parseDateTime14(d.NgayKetThucXuLy) ?? null,
    ngayTra: parseDateTime14(d.NgayTra) ?? null,
    ngayTuChoi: parseDateTime14(d.NgayTuChoi) ?? null,
    feeTotal: gia.reduce((a, b) => a + b, 0),
    feeLines: fees.length,
    feesAllZero: fees.length > 0 && gia.every((g) => g === 0),
    feeCodes: fees.map((f) => str(f.MaPhiLePhi) ?? '').filter((c) => c !== ''),
    fees: fees.slice(0, 50).map((f, i) => ({
      TenPhiLePhi: (str(f.TenPhiLePhi) ?? '').slice(0, 300),
      MaPhiLePhi: (str(f.MaPhiLePhi) ?? '').slice(0, 100),
      Gia: gia[i]!,
      HinhThucThu: (str(f.HinhThucThu) ?? '').slice(0, 10),
    })),
    resultLinks: results
      .map((r) => str(r.DuongDanTepTinKetQua) ?? '')
      .filter((l) => l.trim() !== '')
      .slice(0, 20)
      .map((l) => l.slice(0, 2_000)),
    paidOnlineFlag: int(d.DuocThanhToanTrucTuyen) ?? null,
    hasSubmittedFile: files.some((f) => nonEmpty(f.DuongDanTaiTepTin) || nonEmpty(f.TepDinhKemId)),
    hasResultFile: results.some((r) => nonEmpty(r.DuongDanTepTinKetQua)),
    hasResultCodeAndLink: results.some((r) => nonEmpty(r.DuongDanTepTinKetQua) && nonEmpty(r.MaGiayToKetQua)),
    reuseFlag: flag1(d.HoSoCoThanhPhanSoHoa) || files.some((f) => flag1(f.DuocSoHoa)),
    fromCitizenStore: files.some((f) => flag1(f.DuocLayTuKhoDMQG)),
    vneid: flag1(d.TaiKhoanDuocXacThucVoiVNeID),
    maCSDL: list(d.DSKetNoiCSDL)
      .map((c) => str(c.MaCSDL) ?? '')
      .filter((c) => c !== ''),
    supplementRounds: rounds,
    chuHoSo: str(d.ChuHoSo)?.slice(0, 300) ?? null,
    donViXuLy: str(d.DonViXuLy)?.slice(0, 300) ?? null,
  };
}

/** One CapNhatTienDoHoSoMC step as the read model keeps it (reference §4). */
export interface StepFacts {
  trangThai: number;
  at: number;
}

export function stepFacts(d: Record<string, unknown>): StepFacts | undefined {
  const trangThai = int(d.TrangThai);
  const at = parseDateTime14(d.ThoiDiemXuLy);
  return trangThai === undefined || at === undefined ? undefined : { trangThai, at };
}
