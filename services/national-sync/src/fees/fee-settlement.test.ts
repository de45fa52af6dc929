import { describe, expect, it } from 'vitest';
import { feeOverlayOf } from './fee-settlement.js';

describe('fee settlement overlay', () => {
  it('maps a settlement to DuocThanhToanTrucTuyen and DanhSachLePhi', () => {
    expect(feeOverlayOf({ MaHoSo: 'A', channel: 'vnpay', fees: [{ TenPhiLePhi: 'Lệ phí', Gia: '50000' }] })).toEqual({
      DuocThanhToanTrucTuyen: '2',
      DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: '1', Gia: '50000', LoaiPhiLePhi: '1', HinhThucThu: '1' }],
    });
    expect(feeOverlayOf({ MaHoSo: 'A', channel: 'dvcqg', fees: [] }).DuocThanhToanTrucTuyen).toBe('1');
  });

  it('refuses a settlement it cannot map', () => {
    expect(() => feeOverlayOf({ channel: 'x' })).toThrow(/MaHoSo/);
    expect(() => feeOverlayOf({ MaHoSo: 'A', fees: [{ TenPhiLePhi: 'x', Gia: '1.5' }] })).toThrow(/Gia/);
  });
});
