import { fail, ok, type ServiceHandler } from './outcome.js';

const MAX_RATING_ITEMS = 100; // [inf] no limit is known; one item per survey question, a handful a month
const percent = /^\d{1,3}(?:[.,]\d{1,2})?%$/;

function checkItem(d: unknown, i: number): string | undefined {
  if (d === null || typeof d !== 'object' || Array.isArray(d)) return `data[${i}] không phải đối tượng`;
  const o = d as Record<string, unknown>;
  // NgayTongHop is "M-yyyy" [code S1]; a zero-padded month is tolerated.
  if (typeof o.NgayTongHop !== 'string' || !/^(0?[1-9]|1[0-2])-\d{4}$/.test(o.NgayTongHop))
    return `data[${i}].NgayTongHop phải có dạng M-yyyy`;
  if (typeof o.NoiDung !== 'string' || o.NoiDung.trim() === '' || o.NoiDung.length > 2_000)
    return `data[${i}].NoiDung trống hoặc quá dài`;
  if (typeof o.Madonvi !== 'string' || o.Madonvi.trim() === '' || o.Madonvi.length > 64) return `data[${i}].Madonvi trống`;
  const n = typeof o.TongSoNguoiDanhGia === 'string' ? Number(o.TongSoNguoiDanhGia) : o.TongSoNguoiDanhGia;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return `data[${i}].TongSoNguoiDanhGia phải là số nguyên không âm`;
  const parts = ['PhanTramDanhGiaRatHaiLong', 'PhanTramDanhGiaHaiLong', 'PhanTramDanhGiaChuaHaiLong'] as const;
  let sum = 0;
  for (const p of parts) {
    const v = o[p];
    if (typeof v !== 'string' || !percent.test(v)) return `data[${i}].${p} phải có dạng "73%"`;
    sum += Number(v.replace('%', '').replace(',', '.'));
  }
  // ChuaHaiLong = 100 − the other two [code S1]; rounding of each part allows a little slack.
  if (n > 0 && Math.abs(sum - 100) > 1.5) return `data[${i}]: tổng tỷ lệ đánh giá phải bằng 100%`;
  return undefined;
}

/** DongBoDanhGia: the monthly rating summary, one item per survey question [code S1 §5]; basic checks only. */
export const dongBoDanhGia: ServiceHandler = (ctx, body) => {
  const data = body.data;
  if (!Array.isArray(data)) return fail('Trường data phải là danh sách đánh giá');
  const b = { maHoSo: [], items: data.length };
  if (data.length === 0 || data.length > MAX_RATING_ITEMS) return fail(`Số mục đánh giá phải từ 1 đến ${MAX_RATING_ITEMS}`, b);
  for (let i = 0; i < data.length; i++) {
    const why = checkItem(data[i], i);
    if (why) return fail(`Dữ liệu không hợp lệ: ${why}`, b);
  }
  for (const d of data as Record<string, unknown>[]) ctx.store.putRating(d);
  return ok('Đồng bộ đánh giá thành công', null, b);
};
