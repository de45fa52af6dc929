import { describe, expect, it } from 'vitest';
import { checkPromotionStatusData, reducePromotionStatus, reportablePromotionStatuses } from './promotion-status.js';

const data = {
  MaHoSo: 'G22.99-250301-000123',
  MaHoSoDonVi: '000.00.13.H56-250301-0003',
  MaDoiTuong: '',
  NoiDung: 'Đã xác nhận thông báo khuyến mại',
  NgayXuLy: '20250302100000',
  TrangThai: '2',
  TaiLieuXuLy: [{ TepDinhKemId: 'x-1', TenTepDinhKem: 'xac-nhan.pdf', DuongDanTaiTepTin: 'https://files.example.vn/x-1.pdf' }],
};

describe('DongBoTrangThaiHoSo type 2 (reference §5)', () => {
  it('reduces 4/6/9/10 to 2 and 3/7/8 to 5; 2 stays 2; 1 and 5 are not reported', () => {
    expect(['4', '6', '9', '10', '2'].map(reducePromotionStatus)).toEqual(['2', '2', '2', '2', '2']);
    expect(['3', '7', '8'].map(reducePromotionStatus)).toEqual(['5', '5', '5']);
    expect(['1', '5', '11', '', '__proto__', 'toString'].map(reducePromotionStatus)).toEqual(Array(6).fill(undefined));
    expect([...reportablePromotionStatuses].sort()).toEqual(['10', '2', '3', '4', '6', '7', '8', '9']);
  });

  it('checks the data object against the national schema, paths relative to it', () => {
    expect(checkPromotionStatusData(data)).toEqual({ ok: true, packet: data });
    const bad = checkPromotionStatusData({ ...data, NgayXuLy: '2025-03-02', TrangThai: '9', Extra: 1 });
    expect(bad.ok).toBe(false);
    const paths = !bad.ok ? bad.errors.map((e) => e.path).sort() : [];
    // An unknown field only warns (the field list is partial) and is kept: not among the refusals.
    expect(paths).toEqual(['/NgayXuLy', '/TrangThai']);
    expect(checkPromotionStatusData({ ...data, Extra: 1 })).toEqual({ ok: true, packet: { ...data, Extra: 1 } });
    const notObject = checkPromotionStatusData([data]);
    expect(notObject.ok).toBe(false);
  });
});
