import { fail, ok, type ServiceHandler } from './outcome.js';

function codeParam(body: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = body[n];
    if (typeof v === 'string' && v.trim() !== '' && v.length <= 200) return v.trim();
  }
  return undefined;
}

/** TraCuuHoSo `{mahoso}` → result[] with the dossier as held, [] when unknown [code S1]. */
export const traCuuHoSo: ServiceHandler = (ctx, body) => {
  const m = codeParam(body, 'mahoso', 'MaHoSo', 'maHoSo');
  if (!m) return fail('Thiếu mã hồ sơ (mahoso)');
  const d = ctx.store.getDossier(m)?.dossier;
  return ok(d ? 'Tra cứu hồ sơ thành công' : 'Không tìm thấy hồ sơ', d ? [d] : [], { maHoSo: [m], items: 0 });
};

/** LayThuTuc `{maTTHC}` → result[0] = the procedure [code S1]; unknown codes answer an empty list [inf]. */
export const layThuTuc: ServiceHandler = (ctx, body) => {
  const m = codeParam(body, 'maTTHC', 'matthc', 'MaTTHC');
  if (!m) return fail('Thiếu mã thủ tục (maTTHC)');
  const d = ctx.catalogue.detail(m);
  return ok(d ? 'Lấy thông tin thủ tục thành công' : 'Không tìm thấy thủ tục', d ? [d] : [], { maHoSo: [], items: 0 });
};

/** LayDanhSachTTHC (share endpoint) → result[]{MATTHC, TENTTHC} [code S1]. */
export const layDanhSachTTHC: ServiceHandler = (ctx) =>
  ok('Lấy danh sách thủ tục hành chính thành công', ctx.catalogue.procedures, { maHoSo: [], items: 0 });

/** LayDanhMucCoQuan (share endpoint) → result[]{MADONVI, TENDONVI, CAPDONVI} [code S1]. */
export const layDanhMucCoQuan: ServiceHandler = (ctx) =>
  ok('Lấy danh mục cơ quan thành công', ctx.catalogue.agencies, { maHoSo: [], items: 0 });
