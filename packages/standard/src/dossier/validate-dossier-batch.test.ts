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
  it('normalizes numbers', () => {
    const r = validateDossierBatch({ ...dossier(), TrangThaiHoSo: 2, NgayTiepNhan: 20250115083000 });
    expect(r.errors).toEqual([]);
    expect(r.value?.[0]?.TrangThaiHoSo).toBe('2');
    expect(agencyCodeOfMaHoSo('000.00.01.H22-250115-0001')).toBe('000.00.01.H22');
  });
});
