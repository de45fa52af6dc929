/** Made-up partner credentials and a dossier-fee INIT shared by this package's tests. */
export const PARTNER = Object.freeze({ maDoiTac: '000.00.01.H56', secret: 'paygov-partner-secret-0001' });

export const INIT = Object.freeze({
  maThamChieu: 'dvcH5614250304000120250304120607',
  amountVnd: 120_000,
  thongTinGiaoDich: 'THANH TOAN HO SO H56.14-250304-0001',
  createdAt: new Date('2025-03-04T05:06:07Z'),
  ip: '10.0.0.5',
  receipt: {
    MaDVC: '1.005129.01',
    TenDVC: 'Cấp giấy phép',
    MaTTHC: '1.005129',
    TenTTHC: 'Cấp giấy phép',
    MaDonVi: '000.00.14.H56',
    TenDonVi: 'Sở Tư pháp',
    MaHoSo: 'H56.14-250304-0001',
    HoTenNguoiNop: 'Nguyễn Văn A',
    NoiDungThanhToan: 'THANH TOAN HO SO H56.14-250304-0001',
    PhiLePhi: [{ LoaiPhiLePhi: 'Phi', MaPhiLePhi: '1.005129.01', TenPhiLePhi: 'Lệ phí', amountVnd: 120_000 }],
    DSKhoanNop: [{ NoiDung: 'THANH TOAN HO SO H56.14-250304-0001', amountVnd: 120_000 }],
  },
});
