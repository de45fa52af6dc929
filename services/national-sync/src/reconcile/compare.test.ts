import { describe, expect, it } from 'vitest';
import { comparePortalRecord } from './compare.js';

const ours = { MaHoSo: 'A', TrangThaiHoSo: '4', TaiLieuNop: [{ TepDinhKemId: '1', TenTepDinhKem: 'x' }] };

describe('reconciliation comparison', () => {
  it('sees an unknown dossier, an equal one and a different one', () => {
    expect(comparePortalRecord(ours, [])).toEqual({ kind: 'unknown' });
    expect(
      comparePortalRecord(ours, [{ TaiLieuNop: [{ TenTepDinhKem: 'x', TepDinhKemId: '1' }], TrangThaiHoSo: '4', MaHoSo: 'A' }]),
    ).toEqual({ kind: 'same' });
    expect(comparePortalRecord(ours, [{ MaHoSo: 'A', TrangThaiHoSo: '2', TaiLieuNop: [] }])).toEqual({
      kind: 'different',
      fields: ['TrangThaiHoSo', 'TaiLieuNop'],
    });
  });

  it('skips fields the portal does not echo, but not the status', () => {
    expect(comparePortalRecord(ours, [{ MaHoSo: 'A', TrangThaiHoSo: '4' }])).toEqual({ kind: 'same' });
    expect(comparePortalRecord(ours, [{ MaHoSo: 'A' }])).toEqual({ kind: 'different', fields: ['TrangThaiHoSo'] });
  });
});
