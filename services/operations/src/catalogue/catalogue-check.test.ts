import { describe, expect, it } from 'vitest';
import { catalogueWarnings } from './catalogue-check.js';
import { procedureFromDetail } from './catalogue-sync.js';
import { summaryItems } from '../ratings/ratings.js';

describe('catalogue warnings', () => {
  const proc = { maTTHC: '1.004873', fees: [{ MAPHILEPHI: 'LP-1', SOTIEN: 3000 }] };
  it('warns of an unknown procedure and of unlisted fees, never of zero fees', () => {
    expect(catalogueWarnings(0, { MaTTHC: '9.999999' }, undefined)).toEqual([
      expect.objectContaining({ code: 'LT_CATALOGUE_UNKNOWN_MATTHC', path: '/0/MaTTHC' }),
    ]);
    expect(
      catalogueWarnings(
        1,
        { MaTTHC: '1.004873', DanhSachLePhi: [{ Gia: '3000' }, { Gia: '0' }, { Gia: '5', MaPhiLePhi: 'LP-1' }] },
        proc,
      ),
    ).toEqual([]);
    expect(catalogueWarnings(2, { MaTTHC: '1.004873', DanhSachLePhi: [null, { Gia: '7000' }] }, proc)).toEqual([
      expect.objectContaining({ code: 'LT_CATALOGUE_FEE_NOT_LISTED', path: '/2/DanhSachLePhi/1' }),
    ]);
  });
});

describe('refusing per agency', () => {
  it('matches exact codes, a province suffix or everything', async () => {
    const { refusesOnCatalogue } = await import('./catalogue-check.js');
    expect(refusesOnCatalogue('000.00.01.H22', ['*.H22'])).toBe(true);
    expect(refusesOnCatalogue('000.00.01.H99', ['*.H22', '000.00.02.H99'])).toBe(false);
    expect(refusesOnCatalogue('000.00.02.H99', ['000.00.02.H99'])).toBe(true);
    expect(refusesOnCatalogue('x', ['*'])).toBe(true);
  });
});

describe('LayThuTuc reading', () => {
  it('keeps the largest legal time, its unit, the fees and the flags, and ignores junk', () => {
    const r = procedureFromDetail('1.000001', 'x', {
      TENTTHC: 'Thủ tục',
      CACHTHUCTHUCHIEN: [
        {
          KENH: '1',
          THOIGIAN: [{ THOIGIANGIAIQUYET: 3, DONVITINH: 'Ngày làm việc', PHILEPHI: [{ MAPHILEPHI: 'A', SOTIEN: 1000 }] }],
        },
        {
          KENH: '2',
          THOIGIAN: [
            { THOIGIANGIAIQUYET: '5', DONVITINH: 'Ngày', PHILEPHI: [{ MAPHILEPHI: 'A', SOTIEN: 1000 }, { SOTIEN: 'x' }] },
          ],
        },
        'junk',
      ],
      KETQUATHUCHIEN: [{ MAKETQUA: 'K' }],
      COQUANTHUCHIEN: [{ MADONVI: '000.00.01.H99' }, { MADONVI: 'bad code!' }],
    });
    expect(r).toMatchObject({
      name: 'Thủ tục',
      legalDays: 5,
      unit: 'Ngày',
      workingDays: false,
      hasFee: true,
      requiresPaperResult: true,
      onlineChannel: true,
      agencies: ['000.00.01.H99'],
    });
    expect(r.fees).toEqual([{ MAPHILEPHI: 'A', SOTIEN: 1000, MOTA: '' }]);
  });
});

describe('DongBoDanhGia summary', () => {
  it('writes shares as "N%" summing to 100, ChuaHaiLong as the remainder', () => {
    const [item] = summaryItems({ code: '000.00.01.H99', name: 'Sở' }, '2025-03', [{ question: 'Q', n1: 1, n2: 1, n3: 1 }]);
    expect(item).toMatchObject({
      NgayTongHop: '3-2025',
      TongSoNguoiDanhGia: 3,
      PhanTramDanhGiaRatHaiLong: '33%',
      PhanTramDanhGiaHaiLong: '33%',
      PhanTramDanhGiaChuaHaiLong: '34%',
      Madonvi: '000.00.01.H99',
      MaThuTuc: '',
    });
  });
});
