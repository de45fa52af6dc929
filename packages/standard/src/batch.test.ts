import { describe, expect, it } from 'vitest';
import { validateDossierBatch, validateProgressBatch } from './index.js';

const step = (i: number) => ({
  MaHoSo: '000.00.01.H22-250115-0001',
  NguoiXuLy: 'Chuyên viên',
  ThoiDiemXuLy: '20250115090000',
  NoiDungXuLy: `Bước ${i}`,
  TrangThai: '4',
});
const dossier = (i: number) => ({
  MaHoSo: `000.00.01.H22-250115-${String(i).padStart(4, '0')}`,
  MaTTHC: '1.001193',
  TenTTHC: 'Đăng ký khai sinh',
  MaLinhVuc: 'G09-TP02',
  TenLinhVuc: 'Hộ tịch',
  LoaiDoiTuong: '1',
  TrichYeuHoSo: 'Khai sinh',
  NgayTiepNhan: '20250115083000',
  NgayHenTra: '20250117170000',
  TrangThaiHoSo: '2',
  DonViXuLy: 'UBND xã',
});

describe('batch limits', () => {
  it('takes 500 items by default and refuses 501', () => {
    expect(validateDossierBatch(Array.from({ length: 500 }, (_, i) => dossier(i + 1))).ok).toBe(true);
    const r = validateDossierBatch(Array.from({ length: 501 }, (_, i) => dossier(i + 1)));
    expect(r.errors.map((e) => [e.path, e.code])).toEqual([['', 'LT_STD_BATCH_TOO_LARGE']]);
  });
  it('honours maxItems', () => {
    const r = validateProgressBatch([step(1), step(2), step(3)], { maxItems: 2 });
    expect(r.errors.map((e) => e.code)).toEqual(['LT_STD_BATCH_TOO_LARGE']);
    expect(validateProgressBatch([step(1), step(2)], { maxItems: 2 }).ok).toBe(true);
  });
  it('lets one dossier have several steps in a progress batch', () => {
    const r = validateProgressBatch([step(1), step(2)]);
    expect(r.ok).toBe(true);
    expect(r.value).toHaveLength(2);
  });
  it('always returns an array, and nothing when anything fails', () => {
    expect(validateDossierBatch(dossier(1)).value).toEqual([dossier(1)]);
    const bad = validateDossierBatch([dossier(1), { ...dossier(2), TrangThaiHoSo: '0' }]);
    expect(bad.ok).toBe(false);
    expect(bad.value).toBeUndefined();
  });
  it('escapes JSON-pointer characters in reported field names', () => {
    // An unknown field warns (the field list is partial) and is passed on as sent.
    const r = validateDossierBatch({ ...dossier(1), 'a/b~c': 1 });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((e) => [e.path, e.code])).toEqual([['/a~1b~0c', 'LT_STD_FIELD_UNKNOWN']]);
    expect(r.value?.[0]).toHaveProperty('a/b~c', 1);
  });
  it('refuses keys that cannot be field names, at their object, without echoing them', () => {
    const hostile = 'x'.repeat(101);
    const r = validateDossierBatch([
      dossier(1),
      { ...dossier(2), 'Ghi\u0007Chu': 'a', [hostile]: 'b', TaiLieuNop: [{ '\u001b[2J': 1 }] },
    ]);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.path, e.code])).toEqual([
      ['/1', 'LT_STD_FIELD_NAME_INVALID'],
      ['/1/TaiLieuNop/0', 'LT_STD_FIELD_NAME_INVALID'],
    ]);
    for (const e of r.errors) expect(e.message + e.message_en).not.toMatch(/\u0007|\u001b|xxxx/);
  });
});
