import { describe, expect, it } from 'vitest';
import { normalizeAgainst } from './normalize.js';
import { schemaIds } from './schema-ids.js';

const id = schemaIds.dossierItem;

describe('normalizeAgainst', () => {
  it('never mutates its input', () => {
    const input = { TrangThaiHoSo: 4, TaiLieuNop: [{ IsDeleted: true }] };
    const copy = structuredClone(input);
    normalizeAgainst(id, input);
    expect(input).toEqual(copy);
  });
  it('leaves what it cannot rewrite without guessing for the validator', () => {
    const out = normalizeAgainst(id, {
      NgayHenTra: '2025-01-17T17:00:00', // no offset
      IsDeleted: 1, // unknown field: not touched
      TaiLieuNop: [{ IsDeleted: 1 }], // 1 is not a True/False spelling
      DuocThanhToanTrucTuyen: true, // 0/1/2 code: a boolean does not say which
      DanhSachLePhi: [{ Gia: '150.000' }],
      MaHoSo: null, // required: null stays and is reported
    }) as Record<string, unknown>;
    expect(out).toEqual({
      NgayHenTra: '2025-01-17T17:00:00',
      IsDeleted: 1,
      TaiLieuNop: [{ IsDeleted: '1' }],
      DuocThanhToanTrucTuyen: true,
      DanhSachLePhi: [{ Gia: '150.000' }],
      MaHoSo: null,
    });
  });
  it('does not turn huge or non-finite numbers into strings', () => {
    const out = normalizeAgainst(id, { SoBienNhan: 1e21, GhiChu: Number.NaN }) as Record<string, unknown>;
    expect(out.SoBienNhan).toBe(1e21);
    expect(out.GhiChu).toBeNaN();
  });
  it('keeps blanks in free text but trims codes', () => {
    expect(normalizeAgainst(id, { GhiChu: '  a  ', TrangThaiHoSo: ' 4 ' })).toEqual({ GhiChu: '  a  ', TrangThaiHoSo: '4' });
  });
  it('follows $ref across files and allOf', () => {
    expect(normalizeAgainst(schemaIds.paygovQueryResponse, { SoTien: '5', TrangThaiGD: 1 })).toEqual({
      SoTien: 5,
      TrangThaiGD: 1,
    });
  });
});
