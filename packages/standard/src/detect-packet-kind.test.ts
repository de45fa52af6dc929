import { describe, expect, it } from 'vitest';
import { detectPacketKind } from './detect-packet-kind.js';

describe('detectPacketKind', () => {
  it('recognises nothing in non-objects', () => {
    for (const v of [null, 1, 'x', [], [1], {}]) expect(detectPacketKind(v)).toBeUndefined();
  });
  it('recognises a broken dossier as a dossier, so the report is about its fields', () => {
    expect(detectPacketKind([{ MaHoSo: 'x' }])).toBe('dossier');
    expect(detectPacketKind({ MaHoSo: 'x', NguoiXuLy: 'y' })).toBe('progress');
  });
  it('prefers explicit markers', () => {
    expect(detectPacketKind({ service: 'DongBoHoSoMC' })).toBe('dossier-request');
    expect(detectPacketKind({ service: 'LayDanhMucCoQuan' })).toBe('dvcqg-request');
    expect(detectPacketKind({ LoaiBanTin: 'QUERY', MaLoi: '00', TrangThaiGD: '1' })).toBe('paygov-query-response');
    expect(detectPacketKind({ error_code: 0, result: [] })).toBe('dvcqg-response');
  });
});
