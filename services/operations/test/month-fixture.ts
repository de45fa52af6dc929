/**
 * The hand-computed month (issue 9, Tests): 350 dossiers of March 2025 in 14 groups, generated
 * deterministically so the expected figures can be counted per group by hand (see
 * indicators-month.test.ts for the table). Every dossier of a group has the same shape; only its MaHoSo
 * and its day (from a fixed list) vary.
 */
import type { CloudEvent } from '@lienthong/events';
import { at, d14, expiredEvent, settledEvent, snapshotEvent, stepEvent, syncEvent } from './harness.js';

export const P1 = '1.000001'; // fee 50 000, requires a paper result, 5 working days, Sở Tư pháp
export const P2 = '1.000002'; // no fee, no paper result, 3 working days, Sở Xây dựng
export const P3 = '1.000003'; // fee 20 000, paper result, 10 working days, a commune
export const P4 = '1.000004'; // fee 100 000, no dossier in March
export const procedures = [
  { ma: P1, legalDays: 5, fee: 50_000, paper: true, agencies: ['000.00.01.H99'] },
  { ma: P2, legalDays: 3, fee: 0, paper: false, agencies: ['000.00.03.H99'] },
  { ma: P3, legalDays: 10, fee: 20_000, paper: true, agencies: ['000.03.00.H99'] },
  { ma: P4, legalDays: 7, fee: 100_000, paper: false, agencies: ['000.00.03.H99'] },
];

const SO_TU_PHAP = '000.00.01.H99';
const SO_XAY_DUNG = '000.00.03.H99';
const XA = '000.03.00.H99';
const OLD_SO_TU_PHAP = '000.00.01.H98'; // merged into 000.00.01.H99 on 1 July 2025 (agency-overrides.json)
const OTHER_PROVINCE = '000.00.01.H22';

/** yyyy-mm-dd plus n days. */
const plus = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const iso = (local: string) => new Date(at(local)).toISOString();

const file = (extra: Record<string, unknown> = {}) => [
  {
    TepDinhKemId: 'f-1',
    TenTepDinhKem: 'Don de nghi.pdf',
    IsDeleted: 'False',
    MaThanhPhanHoSo: '',
    DuongDanTaiTepTin: 'https://files.example.vn/f-1',
    ...extra,
  },
];
const fee = (gia: string) => [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LP', HinhThucThu: '1', Gia: gia, LoaiPhiLePhi: '1' }];

export interface MonthFixture {
  /** Dossier events in publication order (per dossier: oldest first). */
  dossierEvents: CloudEvent[];
  paymentEvents: CloudEvent[];
  syncEvents: CloudEvent[];
  groups: Record<string, string[]>;
}

export function monthFixture(): MonthFixture {
  const dossierEvents: CloudEvent[] = [];
  const paymentEvents: CloudEvent[] = [];
  const syncEvents: CloudEvent[] = [];
  const groups: Record<string, string[]> = {};
  let seq = 0;

  function dossier(
    group: string,
    agency: string,
    received: string,
    base: Record<string, unknown>,
    steps: [number, string][],
    final?: { at: string; fields: Record<string, unknown> },
  ): string {
    const ma = `${agency}-${received.slice(2, 4)}${received.slice(5, 7)}${received.slice(8, 10)}-${String(++seq).padStart(5, '0')}`;
    (groups[group] ??= []).push(ma);
    const item = {
      MaHoSo: ma,
      TenTTHC: 'Thủ tục thử nghiệm',
      ChuHoSo: 'Công dân thử nghiệm',
      LoaiDoiTuong: '1',
      NgayTiepNhan: d14(received),
      TrangThaiHoSo: '2',
      ...base,
    };
    dossierEvents.push(snapshotEvent(item, iso(received)));
    for (const [st, when] of steps) dossierEvents.push(stepEvent(ma, st, when));
    if (final) dossierEvents.push(snapshotEvent({ ...item, ...final.fields }, iso(final.at)));
    return ma;
  }

  const mondays = ['2025-03-03', '2025-03-10', '2025-03-17', '2025-03-24'];
  const tuesdays = ['2025-03-04', '2025-03-11', '2025-03-18', '2025-03-25'];

  // G1 ×100: online P1, finished (9) two working days after reception, electronic result with code and
  // link, paid online (flag 2), VNeID, digitised components, synced to the portal.
  for (let k = 0; k < 100; k++) {
    const day = mondays[k % 4]!;
    const ma = dossier(
      'G1',
      SO_TU_PHAP,
      `${day}T09:00`,
      {
        MaTTHC: P1,
        KenhThucHien: '2',
        NgayHenTra: d14(`${plus(day, 4)}T17:00`),
        TaiLieuNop: file(),
        DanhSachLePhi: fee('50000'),
        DuocThanhToanTrucTuyen: '0',
      },
      [
        [2, `${day}T09:00`],
        [4, `${plus(day, 1)}T09:00`],
        [9, `${plus(day, 2)}T09:00`],
      ],
      {
        at: `${plus(day, 2)}T10:00`,
        fields: {
          TrangThaiHoSo: '10',
          NgayKetThucXuLy: d14(`${plus(day, 2)}T09:00`),
          NgayTra: d14(`${plus(day, 2)}T10:00`),
          DuocThanhToanTrucTuyen: '2',
          TaiKhoanDuocXacThucVoiVNeID: '1',
          HoSoCoThanhPhanSoHoa: '1',
          DanhSachGiayToKetQua: [
            {
              TenGiayTo: 'Giấy phép',
              MaThanhPhanHoSo: '',
              GiayToId: 'kq-1',
              MaGiayToKetQua: 'KQ.1.000001',
              DuongDanTepTinKetQua: 'https://kq.example.vn/1',
            },
          ],
        },
      },
    );
    syncEvents.push(syncEvent(ma, 'accepted', iso(`${day}T09:05`)));
  }
  // G2 ×60: in person P2, finished a day after NgayHenTra (late), a submitted file, MaCSDL 7 (not the
  // population database here), one rejected sync.
  for (let k = 0; k < 60; k++) {
    const day = tuesdays[k % 4]!;
    const ma = dossier(
      'G2',
      SO_XAY_DUNG,
      `${day}T10:00`,
      {
        MaTTHC: P2,
        KenhThucHien: '1',
        NgayHenTra: d14(`${plus(day, 2)}T17:00`),
        TaiLieuNop: file(),
        DSKetNoiCSDL: [{ MaCSDL: '7' }],
      },
      [
        [2, `${day}T10:00`],
        [9, `${plus(day, 3)}T10:00`],
      ],
      { at: `${plus(day, 3)}T10:30`, fields: { TrangThaiHoSo: '9', NgayKetThucXuLy: d14(`${plus(day, 3)}T10:00`) } },
    );
    syncEvents.push(syncEvent(ma, 'rejected', iso(`${day}T10:05`)));
  }
  // G3 ×40: by post P3 at a commune, still processing at the period's end, due 9 April (on time), fee
  // 20 000 unpaid, no file, synced; five had a payment that expired.
  for (let k = 0; k < 40; k++) {
    const day = k < 20 ? '2025-03-26' : '2025-03-27';
    const ma = dossier(
      'G3',
      XA,
      `${day}T09:00`,
      {
        MaTTHC: P3,
        KenhThucHien: '3',
        NgayHenTra: d14('2025-04-09T17:00'),
        DanhSachLePhi: fee('20000'),
        DuocThanhToanTrucTuyen: '0',
        TrangThaiHoSo: '4',
      },
      [
        [2, `${day}T09:00`],
        [4, `${plus(day, 1)}T09:00`],
      ],
    );
    syncEvents.push(syncEvent(ma, 'accepted', iso(`${day}T09:05`)));
    if (k < 5)
      paymentEvents.push(
        expiredEvent(ma, `00000000-0000-4000-8000-0000000030${String(k).padStart(2, '0')}`, iso(`${day}T12:00`)),
      );
  }
  // G4 ×30: the OLD unit 000.00.01.H98 (merged into 000.00.01.H99), online P1; one supplement round
  // (requested Tue 09:00, supplied Thu 09:00) moves the deadline from next Monday 09:00 to next Wednesday
  // 09:00; finished next Tuesday 09:00 → on time. Result link without a result code; paid through PayGov
  // (payment.settled, flag 1) while the snapshot still says 0.
  for (let k = 0; k < 30; k++) {
    const day = mondays[k % 3]!;
    const ma = dossier(
      'G4',
      OLD_SO_TU_PHAP,
      `${day}T09:00`,
      {
        MaTTHC: P1,
        KenhThucHien: '2',
        NgayHenTra: d14(`${plus(day, 7)}T09:00`),
        TaiLieuNop: file(),
        DanhSachLePhi: fee('50000'),
        DuocThanhToanTrucTuyen: '0',
      },
      [
        [2, `${day}T09:00`],
        [5, `${plus(day, 1)}T09:00`],
        [4, `${plus(day, 3)}T09:00`],
        [9, `${plus(day, 8)}T09:00`],
      ],
      {
        at: `${plus(day, 8)}T10:00`,
        fields: {
          TrangThaiHoSo: '10',
          NgayKetThucXuLy: d14(`${plus(day, 8)}T09:00`),
          DanhSachGiayToKetQua: [
            {
              TenGiayTo: 'Giấy phép',
              MaThanhPhanHoSo: '',
              GiayToId: 'kq-1',
              MaGiayToKetQua: '',
              DuongDanTepTinKetQua: 'https://kq.example.vn/4',
            },
          ],
        },
      },
    );
    paymentEvents.push(
      settledEvent(ma, `00000000-0000-4000-8000-0000000040${String(k).padStart(2, '0')}`, '1', iso(`${day}T11:00`)),
    );
  }
  // G5 ×20: online P1, two supplement requests (a second request → late), not finished, fees all Gia 0.
  for (let k = 0; k < 20; k++) {
    const day = k < 10 ? '2025-03-03' : '2025-03-10';
    dossier(
      'G5',
      SO_TU_PHAP,
      `${day}T08:30`,
      {
        MaTTHC: P1,
        KenhThucHien: '2',
        NgayHenTra: d14(`${plus(day, 4)}T17:00`),
        TaiLieuNop: file(),
        DanhSachLePhi: fee('0'),
        TrangThaiHoSo: '5',
      },
      [
        [2, `${day}T08:30`],
        [5, `${plus(day, 1)}T09:00`],
        [4, `${plus(day, 2)}T09:00`],
        [5, `${plus(day, 3)}T09:00`],
      ],
    );
  }
  // G6 ×15: P2 without KenhThucHien (= in person), one supplement request still open at the period's end,
  // made before NgayHenTra → on time; a file taken from the citizen's DVCQG store.
  for (let k = 0; k < 15; k++) {
    dossier(
      'G6',
      SO_XAY_DUNG,
      '2025-03-25T09:00',
      { MaTTHC: P2, NgayHenTra: d14('2025-03-28T17:00'), TaiLieuNop: file({ DuocLayTuKhoDMQG: '1' }), TrangThaiHoSo: '5' },
      [
        [2, '2025-03-25T09:00'],
        [5, '2025-03-27T09:00'],
      ],
    );
  }
  // G7 ×15: online P2 at a commune, withdrawn (7) the day after reception → ends on time; MaCSDL 99 (the
  // population database in this test's configuration).
  for (let k = 0; k < 15; k++) {
    dossier(
      'G7',
      XA,
      '2025-03-05T09:00',
      {
        MaTTHC: P2,
        KenhThucHien: '2',
        NgayHenTra: d14('2025-03-10T17:00'),
        DSKetNoiCSDL: [{ MaCSDL: '99' }],
        TrangThaiHoSo: '7',
      },
      [
        [2, '2025-03-05T09:00'],
        [7, '2025-03-06T09:00'],
      ],
    );
  }
  // G8 ×10: in person P2 WITHOUT NgayHenTra: deadline = reception + 3 working days (Mon 17 09:00), finished
  // Thursday 13 09:00 → on time; a digitised file (DuocSoHoa 1).
  for (let k = 0; k < 10; k++) {
    dossier('G8', SO_TU_PHAP, '2025-03-12T09:00', { MaTTHC: P2, KenhThucHien: '1', TaiLieuNop: file({ DuocSoHoa: '1' }) }, [
      [2, '2025-03-12T09:00'],
      [9, '2025-03-13T09:00'],
    ]);
  }
  // G9 ×10: an unknown procedure, no NgayHenTra: no deadline can be known → left out of 2.1.
  for (let k = 0; k < 10; k++) {
    dossier('G9', SO_TU_PHAP, '2025-03-13T09:00', { MaTTHC: '1.999999', KenhThucHien: '1', TaiLieuNop: file() }, [
      [2, '2025-03-13T09:00'],
    ]);
  }
  // G10 ×10: received in February, still processing, due 20 March → in 2.1 (active in March), late.
  for (let k = 0; k < 10; k++) {
    dossier(
      'G10',
      SO_XAY_DUNG,
      '2025-02-17T09:00',
      { MaTTHC: P2, KenhThucHien: '1', NgayHenTra: d14('2025-03-20T17:00'), TrangThaiHoSo: '4' },
      [
        [2, '2025-02-17T09:00'],
        [4, '2025-02-18T09:00'],
      ],
    );
  }
  // G11 ×10: received and finished in February → outside March entirely.
  for (let k = 0; k < 10; k++) {
    dossier(
      'G11',
      SO_XAY_DUNG,
      '2025-02-10T09:00',
      {
        MaTTHC: P2,
        KenhThucHien: '1',
        NgayHenTra: d14('2025-02-14T17:00'),
        TrangThaiHoSo: '9',
        NgayKetThucXuLy: d14('2025-02-12T09:00'),
      },
      [
        [2, '2025-02-10T09:00'],
        [9, '2025-02-12T09:00'],
      ],
    );
  }
  // G12 ×10: another province → never counted for H99 (one even has a settlement).
  for (let k = 0; k < 10; k++) {
    const ma = dossier(
      'G12',
      OTHER_PROVINCE,
      '2025-03-03T09:00',
      { MaTTHC: P1, KenhThucHien: '2', NgayHenTra: d14('2025-03-07T17:00') },
      [[2, '2025-03-03T09:00']],
    );
    if (k === 0) paymentEvents.push(settledEvent(ma, '00000000-0000-4000-8000-000000001200', '2', iso('2025-03-03T10:00')));
  }
  // G13 ×10: received in April → outside the period.
  for (let k = 0; k < 10; k++) {
    dossier('G13', SO_TU_PHAP, '2025-04-02T09:00', { MaTTHC: P1, KenhThucHien: '2', NgayHenTra: d14('2025-04-08T17:00') }, [
      [2, '2025-04-02T09:00'],
    ]);
  }
  // G14 ×10: in person P3 at a commune, processing stopped (8) the next day → ends on time; no fee lines.
  for (let k = 0; k < 10; k++) {
    dossier(
      'G14',
      XA,
      '2025-03-19T09:00',
      { MaTTHC: P3, KenhThucHien: '1', NgayHenTra: d14('2025-04-02T17:00'), TrangThaiHoSo: '8' },
      [
        [2, '2025-03-19T09:00'],
        [8, '2025-03-20T09:00'],
      ],
    );
  }
  return { dossierEvents, paymentEvents, syncEvents, groups };
}
