/**
 * Valid national packets for tests, built from the reference's field list (national-standard.md §3, §4).
 * `n` makes the MaHoSo unique: <agency>-<yyMMdd>-<sequence> [code T3].
 */
export function dossierItem(n = 1, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const agency = (overrides.agency as string | undefined) ?? '000.00.01.H22';
  const { agency: _a, ...rest } = overrides;
  return {
    MaHoSo: `${agency}-251120-${String(n).padStart(4, '0')}`,
    MaTTHC: '1.001234',
    TenTTHC: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
    MaLinhVuc: 'G09-XD01',
    TenLinhVuc: 'Hoạt động xây dựng',
    KenhThucHien: '2',
    ChuHoSo: 'Nguyễn Văn An',
    LoaiDoiTuong: '1',
    MaDoiTuong: '',
    SoDienThoai: '0912345678',
    Email: 'an.nguyen@example.vn',
    TrichYeuHoSo: 'Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ tại phường Hà Giang 1',
    NgayTiepNhan: '20251120083000',
    NgayHenTra: '20251204170000',
    TrangThaiHoSo: '2',
    HinhThuc: '0',
    DonViXuLy: 'Sở Xây dựng tỉnh Hà Giang',
    ...rest,
  };
}

export function progressItem(n = 1, step = 1, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MaHoSo: `000.00.01.H22-251120-${String(n).padStart(4, '0')}`,
    NguoiXuLy: 'Trần Thị Bình',
    ChucDanh: 'Chuyên viên',
    ThoiDiemXuLy: `202511210${(step % 9) + 1}0000`,
    PhongBanXuLy: 'Phòng Quản lý xây dựng',
    NoiDungXuLy: `Bước ${step}: thẩm định hồ sơ`,
    TrangThai: '4',
    NgayBatDau: '20251121080000',
    NgayKetThucTheoQuyDinh: '20251125170000',
    ...overrides,
  };
}
