import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCalendar } from '../calendar/calendar.js';
import { agencyOfMaHoSo, nationalMaTTHC, parseDateTime14, snapshotFacts } from './facts.js';
import { deriveDossier } from './derive.js';

const calendar = loadCalendar(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../calendar'));
const at = (local: string) => Date.parse(`${local}:00+07:00`);
const snap = (fields: Record<string, unknown>) =>
  snapshotFacts({ MaHoSo: '000.00.01.H99-250303-0001', NgayTiepNhan: '20250303090000', NgayHenTra: '20250307170000', ...fields });
const derive = (s: ReturnType<typeof snapshotFacts> | null, steps: [number, string][]) =>
  deriveDossier({
    snap: s,
    snapTimeMs: at('2025-03-03T09:00'),
    steps: steps.map(([trangThai, t]) => ({ trangThai, at: at(t) })),
    procedure: null,
    calendar,
  });

describe('snapshot facts', () => {
  it('reads national dates in Vietnamese time and refuses impossible ones', () => {
    expect(new Date(parseDateTime14('20250303090000')!).toISOString()).toBe('2025-03-03T02:00:00.000Z');
    expect(parseDateTime14('20250230090000')).toBeUndefined();
    expect(parseDateTime14('')).toBeUndefined();
    expect(parseDateTime14(20250303090000)).toBeUndefined();
  });
  it('finds the agency and the national procedure code', () => {
    expect(agencyOfMaHoSo('000.00.01.H22-251120-0001')).toBe('000.00.01.H22');
    expect(nationalMaTTHC('1.003560.000.00.00.H56')).toBe('1.003560');
    expect(nationalMaTTHC('2.002621.H56')).toBe('2.002621');
  });
  it('treats a missing channel as in person and all-zero fees as no fee', () => {
    const f = snap({ DanhSachLePhi: [{ Gia: '0' }, { Gia: '' }] });
    expect(f.kenh).toBe(1);
    expect(f.feesAllZero).toBe(true);
    expect(snap({ DanhSachLePhi: [{ Gia: '1000' }] }).feeTotal).toBe(1000);
    expect(snap({ DanhSachGiayToKetQua: [{ DuongDanTepTinKetQua: 'https://x', MaGiayToKetQua: '' }] })).toMatchObject({
      hasResultFile: true,
      hasResultCodeAndLink: false,
    });
    expect(snap({ TaiLieuNop: [{ DuongDanTaiTepTin: 'https://x', IsDeleted: 'True' }] }).hasSubmittedFile).toBe(false);
  });
});

describe('2.1 end time and supplement rounds', () => {
  it('takes the end by priority 9 > 10 > 8/refused > 7', () => {
    expect(
      derive(snap({}), [
        [10, '2025-03-04T09:00'],
        [9, '2025-03-05T09:00'],
      ]),
    ).toMatchObject({ endStatus: 9, endAt: at('2025-03-05T09:00') });
    expect(
      derive(snap({}), [
        [8, '2025-03-04T09:00'],
        [10, '2025-03-06T09:00'],
      ]),
    ).toMatchObject({ endStatus: 10 });
    expect(
      derive(snap({}), [
        [7, '2025-03-04T09:00'],
        [8, '2025-03-06T09:00'],
      ]),
    ).toMatchObject({ endStatus: 8 });
  });
  it('counts a withdrawal only for a received dossier', () => {
    expect(derive(snap({}), [[7, '2025-03-04T09:00']]).endStatus).toBe(7);
    expect(derive(snap({ NgayTiepNhan: '' }), [[7, '2025-03-04T09:00']]).endStatus).toBeNull();
  });
  it('stops the clock while one request is open and takes rounds from DanhSachHoSoBoSung without 5-steps', () => {
    const open = derive(snap({}), [[5, '2025-03-04T09:00']]);
    expect(open).toMatchObject({ clockStopped: true, overdueAt: null, suppCount: 1 });
    const listed = derive(
      snap({ DanhSachHoSoBoSung: [{ NgayBoSung: '20250304090000', NgayTiepNhanBoSung: '20250305090000' }] }),
      [],
    );
    // 1860 working minutes were left on Tuesday 09:00 (to Friday 17:00); they resume on Wednesday 09:00 → Monday 17:00.
    expect(listed.suppCount).toBe(1);
    expect(listed.dueAt).toBe(
      calendar.addWorkingMinutes(
        at('2025-03-05T09:00'),
        calendar.workingMinutesBetween(at('2025-03-04T09:00'), at('2025-03-07T17:00')),
      ),
    );
    expect(new Date(listed.dueAt!).toISOString()).toBe(new Date(at('2025-03-10T17:00')).toISOString());
  });
  it('derives the same columns whatever the order of the steps', () => {
    const steps: [number, string][] = [
      [2, '2025-03-03T09:00'],
      [5, '2025-03-04T09:00'],
      [4, '2025-03-05T09:00'],
      [9, '2025-03-10T09:00'],
    ];
    expect(derive(snap({}), [...steps].reverse())).toEqual(derive(snap({}), steps));
  });
});
