/**
 * DongBoDanhGia percentages: ChuaHaiLong is computed as 100 − RatHaiLong − HaiLong [code S1], so the three must add
 * up to 100, and PhanTramDanhGiaDichVu repeats them [code S1]. A month with no respondents may send 0% thrice [inf].
 */
import { StandardErrorCode as C, issue, type ValidationIssue } from '../errors.js';

const KEYS = ['RatHaiLong', 'HaiLong', 'ChuaHaiLong'] as const;

function percent(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{1,3}(?:\.\d{1,2})?)%$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

/** Cross-field checks of one rating item; paths relative to the item. */
export function checkRatingItem(item: unknown): ValidationIssue[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return [];
  const it = item as Record<string, unknown>;
  const out: ValidationIssue[] = [];
  const values = KEYS.map((k) => percent(it[`PhanTramDanhGia${k}`]));
  if (values.every((v) => v !== undefined)) {
    const sum = Math.round((values as number[]).reduce((a, b) => a + b, 0) * 100) / 100;
    const noRespondents = it.TongSoNguoiDanhGia === 0 && sum === 0;
    if (sum !== 100 && !noRespondents) {
      out.push(
        issue(
          '/PhanTramDanhGiaChuaHaiLong',
          C.PERCENT_SUM,
          `Tổng ba tỷ lệ đánh giá phải bằng 100% (đang là ${sum}%).`,
          `The three rating percentages must add up to 100% (they add up to ${sum}%).`,
        ),
      );
    }
  }
  const dv = it.PhanTramDanhGiaDichVu;
  if (typeof dv === 'object' && dv !== null) {
    KEYS.forEach((k, i) => {
      const repeated = (dv as Record<string, unknown>)[k];
      if (repeated !== undefined && values[i] !== undefined && percent(repeated) !== values[i]) {
        out.push(
          issue(
            `/PhanTramDanhGiaDichVu/${k}`,
            C.PERCENT_SUM,
            `PhanTramDanhGiaDichVu.${k} phải bằng PhanTramDanhGia${k}.`,
            `PhanTramDanhGiaDichVu.${k} must repeat PhanTramDanhGia${k}.`,
          ),
        );
      }
    });
  }
  return out;
}
