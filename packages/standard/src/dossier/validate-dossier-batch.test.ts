import { describe, expect, it } from 'vitest';
import { validateDossierBatch, agencyCodeOfMaHoSo } from '@lienthong/standard';

export const dossier = () => ({
  MaHoSo: '000.00.01.H22-250115-0001',
  MaTTHC: '1.005129',
  TenTTHC: 'Cấp giấy khai sinh',
  MaLinhVuc: 'G03-GD10',
  TenLinhVuc: 'Hộ tịch',
  LoaiDoiTuong: '1',
  TrichYeuHoSo: 'Đăng ký khai sinh',
  NgayTiepNhan: '20250115083000',
  NgayHenTra: '20250117170000',
  TrangThaiHoSo: '2',
  DonViXuLy: 'UBND xã A',
});

describe('validateDossierBatch', () => {
  it('accepts one object and returns an array', () => {
    const r = validateDossierBatch(dossier());
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.value).toHaveLength(1);
  });
  it('reports paths relative to the body', () => {
    const r = validateDossierBatch([
      dossier(),
      { ...dossier(), MaHoSo: '000.00.01.H22-250115-0002', NgayHenTra: '20250230120000' },
    ]);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([expect.objectContaining({ path: '/1/NgayHenTra', code: 'LT_STD_DATE_INVALID' })]);
    const single = validateDossierBatch({ ...dossier(), NgayHenTra: '20250115240000' });
    expect(single.errors.map((e) => [e.path, e.code])).toEqual([['/NgayHenTra', 'LT_STD_DATE_INVALID']]);
  });
  it('finds duplicates', () => {
    const r = validateDossierBatch([dossier(), dossier()]);
    expect(r.errors.map((e) => [e.path, e.code])).toEqual([['/1/MaHoSo', 'LT_STD_MAHOSO_DUPLICATE']]);
  });
  it("accepts a company being formed, named by its founder's personal ID, with a warning (issue 17 §4)", () => {
    const r = validateDossierBatch([
      dossier(),
      { ...dossier(), MaHoSo: '000.00.01.H22-250115-0002', LoaiDoiTuong: '2', SoGiayToChuHoSo: '002185012345' },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.value?.[1]?.SoGiayToChuHoSo).toBe('002185012345');
    expect(r.warnings.map((e) => [e.path, e.code])).toEqual([['/1/SoGiayToChuHoSo', 'LT_STD_TAX_CODE_INVALID']]);
  });
  it('refuses identifiers and phones sent as JSON numbers, at their path, instead of publishing lost zeros', () => {
    const r = validateDossierBatch([
      dossier(),
      {
        ...dossier(),
        MaHoSo: '000.00.01.H22-250115-0002',
        SoDienThoai: 912345678,
        DinhDanhCHS: [{ LoaiDinhDanh: 1, SoDinhDanh: 2185012345 }],
      },
    ]);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.path, e.code])).toEqual([
      ['/1/SoDienThoai', 'LT_STD_IDENTIFIER_NUMBER'],
      ['/1/DinhDanhCHS/0/SoDinhDanh', 'LT_STD_IDENTIFIER_NUMBER'],
    ]);
    expect(r.errors[0]!.message_en).toMatch(/leading zeros/);
  });
  it('checks phones as a warning; +84 and 84 count as 0 and the value is kept as sent', () => {
    const ok = validateDossierBatch({ ...dossier(), SoDienThoai: '+84 912 345 678' });
    expect(ok.warnings).toEqual([]);
    expect(ok.value?.[0]?.SoDienThoai).toBe('+84 912 345 678');
    const odd = validateDossierBatch({ ...dossier(), SoDienThoai: '0112345678' });
    expect(odd.ok).toBe(true);
    expect(odd.warnings.map((e) => [e.path, e.code])).toEqual([['/SoDienThoai', 'LT_STD_PHONE_INVALID']]);
  });
  it('accepts what the reference only infers, with a warning at each path, and passes unknown fields on as sent', () => {
    const probe = {
      ...dossier(),
      MaHoSo: '000.00.001.H22-250115-0009', // agency-code group widths [inf]
      HinhThuc: '2', // beyond 0/1 unconfirmed
      NoiNopHoSo: '3', // 1 = DVCQG is [inf]
      MaTTHC: '1.005129.H5', // provincial suffix structure [inf]
      TruongMoiCuaCong: 'giá trị', // outside the two implementations' field lists
    };
    const r = validateDossierBatch([dossier(), probe]);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((e) => [e.path, e.code])).toEqual([
      ['/1/MaHoSo', 'LT_STD_MAHOSO_UNUSUAL'],
      ['/1/MaTTHC', 'LT_STD_MATTHC_UNUSUAL'],
      ['/1/TruongMoiCuaCong', 'LT_STD_FIELD_UNKNOWN'],
      ['/1/HinhThuc', 'LT_STD_CODE_UNKNOWN'],
      ['/1/NoiNopHoSo', 'LT_STD_CODE_UNKNOWN'],
    ]);
    for (const w of r.warnings) {
      expect(w.message).toMatch(/cảnh báo/);
      expect(w.message_en).toMatch(/warning/);
    }
    expect(r.warnings.find((w) => w.code === 'LT_STD_FIELD_UNKNOWN')!.message_en).toMatch(/passed on/);
    expect(r.value?.[1]).toEqual(probe);
    expect(agencyCodeOfMaHoSo(probe.MaHoSo)).toBe('000.00.001.H22');
  });
  it('still refuses what the hub cannot key on or a confirmed table excludes, with the path', () => {
    const { TrangThaiHoSo: _s, ...withoutStatus } = dossier();
    const r = validateDossierBatch([
      { ...dossier(), MaHoSo: 'H22 250115 0001' },
      { ...withoutStatus, MaHoSo: '000.00.01.H22-250115-0002' },
      { ...dossier(), MaHoSo: '000.00.01.H22-250115-0003', KenhThucHien: '4', HinhThuc: 2 },
      { ...dossier(), MaHoSo: '000.00.01.H22-250115-0004', HinhThuc: ['2'] },
    ]);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.path, e.code])).toEqual([
      ['/0/MaHoSo', 'LT_STD_MAHOSO_INVALID'],
      ['/1/TrangThaiHoSo', 'LT_STD_REQUIRED'],
      ['/2/KenhThucHien', 'LT_STD_CODE_UNKNOWN'],
      ['/3/HinhThuc', 'LT_STD_TYPE'],
    ]);
    // The number 2 is normalized to "2", whose value only warns.
    expect(r.warnings.map((e) => [e.path, e.code])).toEqual([['/2/HinhThuc', 'LT_STD_CODE_UNKNOWN']]);
  });
  it('normalizes numbers', () => {
    const r = validateDossierBatch({ ...dossier(), TrangThaiHoSo: 2, NgayTiepNhan: 20250115083000 });
    expect(r.errors).toEqual([]);
    expect(r.value?.[0]?.TrangThaiHoSo).toBe('2');
    expect(agencyCodeOfMaHoSo('000.00.01.H22-250115-0001')).toBe('000.00.01.H22');
  });
});
