import { seededRandom, type Random } from '../peer-kit/index.js';

/**
 * The simulated business registry: deterministic, at least 100 businesses — active, suspended (tạm ngừng
 * kinh doanh, with dates and a reason), dissolved (đã giải thể) — and branches whose tax codes are the
 * parent's plus "-001", "-002"… (10-3 form [code X7]). Status ids are the simulator's [inf: the registry's
 * ENTERPRISE_STATUS_ID table is not in the sources]: 01 đang hoạt động, 02 tạm ngừng kinh doanh,
 * 03 đã giải thể. Registry record in the NGSP shape [code S8]; business lines use VSIC 2018 codes.
 */
export interface SeedBusiness {
  MainInformation: {
    NAME: string;
    SHORT_NAME?: string;
    NAME_F?: string;
    ENTERPRISE_GDT_CODE: string;
    IMP_BUSINESS_CODE?: string;
    ENTERPRISE_STATUS_ID: string;
    ENTERPRISE_STATUS_NAME: string;
    ENTERPRISE_TYPE_NAME: string;
    FOUNDING_DATE: string;
    LAST_AMEND_DATE?: string;
    NUMBER_CHANGES: number;
  };
  HOAdress: { AddressFullText: string };
  Representatives: { FULL_NAME: string }[];
  BusinessActivities: { CODE: string; NAME: string; IS_MAIN: boolean }[];
  /** Suspension details (not part of the NGSP MainInformation; kept for the admin API) [inf]. */
  suspension?: { from: string; to: string; reason: string };
}

const pick = <T>(r: Random, l: readonly T[]): T => l[Math.floor(r() * l.length)]!;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

const TYPES = [
  ['Công ty trách nhiệm hữu hạn một thành viên', 'Công ty TNHH'],
  ['Công ty trách nhiệm hữu hạn hai thành viên trở lên', 'Công ty TNHH'],
  ['Công ty cổ phần', 'Công ty Cổ phần'],
  ['Doanh nghiệp tư nhân', 'Doanh nghiệp tư nhân'],
] as const;
const TRADES = [
  'Thương mại Dịch vụ',
  'Xây dựng',
  'Đầu tư Phát triển',
  'Công nghệ Thông tin',
  'Vận tải',
  'Thực phẩm',
  'Nông sản',
  'Du lịch',
  'Giáo dục',
  'Cơ khí',
];
const BRANDS = [
  'Minh Phát',
  'Hòa Bình Xanh',
  'Tân Phú',
  'Hùng Cường',
  'Sao Mai',
  'Phương Nam',
  'Bình An',
  'Đại Việt',
  'Hoàng Long',
  'Thành Đạt',
  'Ánh Dương',
  'Kim Ngân',
  'Trường Sơn',
  'Cửu Long',
  'Tây Nguyên',
  'Hạ Long',
  'Mê Kông',
  'An Khang',
];
const VSIC = [
  ['4620', 'Bán buôn nông, lâm sản nguyên liệu (trừ gỗ, tre, nứa) và động vật sống'],
  [
    '4711',
    'Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào chiếm tỷ trọng lớn trong các cửa hàng kinh doanh tổng hợp',
  ],
  ['6201', 'Lập trình máy vi tính'],
  ['4101', 'Xây dựng nhà để ở'],
  ['5610', 'Nhà hàng và các dịch vụ ăn uống phục vụ lưu động'],
  ['4933', 'Vận tải hàng hóa bằng đường bộ'],
  ['1079', 'Sản xuất thực phẩm khác chưa được phân vào đâu'],
  ['8559', 'Giáo dục khác chưa được phân vào đâu'],
  ['4663', 'Bán buôn vật liệu, thiết bị lắp đặt khác trong xây dựng'],
  ['7912', 'Điều hành tua du lịch'],
  ['2592', 'Gia công cơ khí; xử lý và tráng phủ kim loại'],
] as const;
const ADDRESSES = [
  ['phường Ba Đình', 'Thành phố Hà Nội'],
  ['phường Cầu Giấy', 'Thành phố Hà Nội'],
  ['phường Sài Gòn', 'Thành phố Hồ Chí Minh'],
  ['phường Bàn Cờ', 'Thành phố Hồ Chí Minh'],
  ['phường Hải Châu', 'Thành phố Đà Nẵng'],
  ['phường Hạc Thành', 'tỉnh Thanh Hóa'],
  ['phường Buôn Ma Thuột', 'tỉnh Đắk Lắk'],
  ['phường Ninh Kiều', 'Thành phố Cần Thơ'],
] as const;
const STREETS = ['đường Lê Lợi', 'đường Trần Phú', 'phố Hàng Bài', 'đường Nguyễn Huệ', 'đường Hùng Vương', 'đường Điện Biên Phủ'];
const REP_HO = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Vũ', 'Đặng', 'Bùi', 'Lò', 'Thạch', 'Nông'];
const REP_DEM = ['Văn', 'Thị', 'Minh', 'Thanh', 'Quốc', 'Ngọc'];
const REP_TEN = ['Hải', 'Lan', 'Tuấn', 'Hương', 'Dũng', 'Mai', 'Khôi', 'Trinh', 'Sơn', 'Yến'];

const STATUS = {
  active: ['01', 'Đang hoạt động'],
  suspended: ['02', 'Tạm ngừng kinh doanh'],
  dissolved: ['03', 'Đã giải thể'],
} as const;

/** `count` parent businesses (and their branches), the same for a seed. */
export function seedBusinesses(seed: number, count = 110): Map<string, SeedBusiness> {
  const r = seededRandom(seed);
  const out = new Map<string, SeedBusiness>();
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    let mst: string;
    do mst = `0${pick(r, ['1', '3', '4', '2', '6'])}${pad(Math.floor(r() * 100_000_000), 8)}`;
    while (used.has(mst));
    used.add(mst);
    const [typeName, prefix] = pick(r, TYPES);
    const brand = pick(r, BRANDS);
    const trade = pick(r, TRADES);
    const name = prefix === 'Doanh nghiệp tư nhân' ? `${prefix} ${brand}` : `${prefix} ${trade} ${brand}`;
    const [ward, city] = pick(r, ADDRESSES);
    const roll = r();
    const status = roll < 0.72 ? 'active' : roll < 0.87 ? 'suspended' : 'dissolved';
    const foundedYear = 1995 + Math.floor(r() * 29);
    const founded = `${foundedYear}-${pad(1 + Math.floor(r() * 12), 2)}-${pad(1 + Math.floor(r() * 28), 2)}T00:00:00`;
    const changes = Math.floor(r() * 8);
    const main = pick(r, VSIC);
    const others = VSIC.filter((v) => v[0] !== main[0]).filter(() => r() < 0.2);
    const b: SeedBusiness = {
      MainInformation: {
        NAME: name.toUpperCase(),
        ...(prefix !== 'Doanh nghiệp tư nhân'
          ? { SHORT_NAME: `${brand.toUpperCase()} ${prefix === 'Công ty Cổ phần' ? 'JSC' : 'CO., LTD'}` }
          : {}),
        ...(r() < 0.5
          ? {
              NAME_F: `${brand
                .normalize('NFD')
                .replace(/[\u0300-\u036f]/g, '')
                .replace(/[đĐ]/g, 'D')} ${trade
                .normalize('NFD')
                .replace(/[\u0300-\u036f]/g, '')
                .replace(/[đĐ]/g, 'D')} Company Limited`.toUpperCase(),
            }
          : {}),
        ENTERPRISE_GDT_CODE: mst,
        ...(r() < 0.2 ? { IMP_BUSINESS_CODE: mst } : {}),
        ENTERPRISE_STATUS_ID: STATUS[status][0],
        ENTERPRISE_STATUS_NAME: STATUS[status][1],
        ENTERPRISE_TYPE_NAME: typeName,
        FOUNDING_DATE: founded,
        ...(changes > 0
          ? {
              LAST_AMEND_DATE: `${Math.min(2025, foundedYear + 1 + Math.floor(r() * 5))}-${pad(1 + Math.floor(r() * 12), 2)}-${pad(1 + Math.floor(r() * 28), 2)}T00:00:00`,
            }
          : {}),
        NUMBER_CHANGES: changes,
      },
      HOAdress: { AddressFullText: `Số ${1 + Math.floor(r() * 300)} ${pick(r, STREETS)}, ${ward}, ${city}, Việt Nam` },
      Representatives: Array.from({ length: r() < 0.2 ? 2 : 1 }, () => ({
        FULL_NAME: `${pick(r, REP_HO)} ${pick(r, REP_DEM)} ${pick(r, REP_TEN)}`.toUpperCase(),
      })),
      BusinessActivities: [
        { CODE: main[0], NAME: main[1], IS_MAIN: true },
        ...others.map(([CODE, NAME]) => ({ CODE, NAME, IS_MAIN: false })),
      ],
      ...(status === 'suspended'
        ? { suspension: { from: '2025-01-15', to: '2026-01-14', reason: 'Tạm ngừng kinh doanh theo đề nghị của doanh nghiệp' } }
        : {}),
    };
    out.set(mst, b);
    // About one in five has branches: tax code parent-001, -002…
    if (r() < 0.2) {
      const n = 1 + Math.floor(r() * 3);
      for (let k = 1; k <= n; k++) {
        const code = `${mst}-${pad(k, 3)}`;
        out.set(code, {
          ...b,
          MainInformation: {
            ...b.MainInformation,
            NAME: `CHI NHÁNH ${k} - ${b.MainInformation.NAME}`,
            ENTERPRISE_GDT_CODE: code,
            ENTERPRISE_TYPE_NAME: 'Chi nhánh',
            NUMBER_CHANGES: 0,
          },
          HOAdress: {
            AddressFullText: `Số ${1 + Math.floor(r() * 300)} ${pick(r, STREETS)}, ${pick(r, ADDRESSES)[0]}, ${city}, Việt Nam`,
          },
        });
      }
    }
  }
  return out;
}
