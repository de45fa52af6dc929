import type { CongDan } from '@lienthong/csdl-dancu';
import { seededRandom, type Random } from '../peer-kit/index.js';

/**
 * The simulated population: deterministic (a seed gives the same people every start), at least 200
 * synthetic citizens in households with a head, with names, dates, addresses and ethnic groups that look
 * real — Kinh names and minority names (Hmông, Ê Đê, Thái, Tày, Khmer, Chăm, Gia Rai, Mường), and some
 * people known only by a 9-digit old ID (CMND). Nobody here exists.
 *
 * Codes the reference does not give are inferred and kept in one place: DanToc uses the statistics office's
 * ethnic-group list (01 Kinh, 02 Tày, 03 Thái, 05 Khơ-me, 06 Mường, 08 Hmông, 10 Gia-rai, 12 Ê-đê, 17 Chăm)
 * [inf]; GioiTinh 1 nam / 2 nữ [inf]; TonGiao "00" none [inf]; QuanHe (relationship to the head) as
 * "01" chủ hộ, "02" vợ/chồng, "03" con, "04" cha/mẹ [inf]; TinhTrangHonNhan and NhomMau as in §9 [code X4].
 */
interface Ethnic {
  code: string;
  /** Provinces (code, name, wards) where the group is mostly found. */
  provinces: readonly Province[];
  male: () => [string, string, string];
  female: () => [string, string, string];
}
interface Province {
  code: string;
  name: string;
  wards: readonly (readonly [string, string])[];
  streets: readonly string[];
}

const P: Record<string, Province> = {
  hn: {
    code: '01',
    name: 'Thành phố Hà Nội',
    wards: [
      ['00004', 'phường Ba Đình'],
      ['00127', 'phường Ngọc Hà'],
      ['09574', 'phường Hà Đông'],
      ['00244', 'phường Cầu Giấy'],
    ],
    streets: ['phố Hoàng Hoa Thám', 'phố Kim Mã', 'ngõ 68 Cầu Giấy', 'phố Quang Trung'],
  },
  hcm: {
    code: '79',
    name: 'Thành phố Hồ Chí Minh',
    wards: [
      ['26734', 'phường Sài Gòn'],
      ['27043', 'phường Bàn Cờ'],
      ['26956', 'phường Gia Định'],
      ['27463', 'phường Chợ Lớn'],
    ],
    streets: ['đường Nguyễn Thị Minh Khai', 'đường Lê Văn Sỹ', 'đường Phan Đăng Lưu', 'đường Trần Hưng Đạo'],
  },
  dn: {
    code: '48',
    name: 'Thành phố Đà Nẵng',
    wards: [
      ['20194', 'phường Hải Châu'],
      ['20257', 'phường Thanh Khê'],
    ],
    streets: ['đường Bạch Đằng', 'đường Nguyễn Văn Linh'],
  },
  th: {
    code: '38',
    name: 'tỉnh Thanh Hóa',
    wards: [
      ['14758', 'phường Hạc Thành'],
      ['15820', 'xã Quan Sơn'],
    ],
    streets: ['đường Bà Triệu', 'phố Lê Hoàn', 'thôn Bản Chanh'],
  },
  db: {
    code: '11',
    name: 'tỉnh Điện Biên',
    wards: [
      ['03127', 'phường Điện Biên Phủ'],
      ['03250', 'xã Mường Pồn'],
    ],
    streets: ['bản Huổi Phạ', 'bản Na Pen', 'tổ dân phố 5'],
  },
  lc: {
    code: '15',
    name: 'tỉnh Lào Cai',
    wards: [
      ['02635', 'phường Sa Pa'],
      ['02710', 'xã Bắc Hà'],
    ],
    streets: ['thôn Lao Chải', 'thôn Tả Van', 'đường Xuân Viên'],
  },
  sl: {
    code: '14',
    name: 'tỉnh Sơn La',
    wards: [
      ['03646', 'phường Tô Hiệu'],
      ['04030', 'xã Mộc Châu'],
    ],
    streets: ['bản Hụm', 'bản Áng', 'đường Chu Văn Thịnh'],
  },
  cb: {
    code: '04',
    name: 'tỉnh Cao Bằng',
    wards: [
      ['01273', 'phường Thục Phán'],
      ['01360', 'xã Trùng Khánh'],
    ],
    streets: ['xóm Nà Đoỏng', 'phố Kim Đồng'],
  },
  dl: {
    code: '66',
    name: 'tỉnh Đắk Lắk',
    wards: [
      ['24121', 'phường Buôn Ma Thuột'],
      ['24400', 'xã Buôn Đôn'],
    ],
    streets: ['buôn Ako Dhông', 'buôn Kô Tam', 'đường Y Jút'],
  },
  gl: {
    code: '64',
    name: 'tỉnh Gia Lai',
    wards: [
      ['23575', 'phường Pleiku'],
      ['23700', 'xã Ia Grai'],
    ],
    streets: ['làng Plei Ốp', 'làng Ia Nueng'],
  },
  ct: {
    code: '92',
    name: 'Thành phố Cần Thơ',
    wards: [
      ['31117', 'phường Ninh Kiều'],
      ['31504', 'xã Kế Sách'],
    ],
    streets: ['ấp Chông Nô', 'đường 30 Tháng 4'],
  },
  vl: {
    code: '86',
    name: 'tỉnh Vĩnh Long',
    wards: [
      ['29500', 'phường Trà Vinh'],
      ['29650', 'xã Trà Cú'],
    ],
    streets: ['ấp Ba Se', 'ấp Sóc Chuối'],
  },
  kh: {
    code: '56',
    name: 'tỉnh Khánh Hòa',
    wards: [
      ['22738', 'phường Phan Rang'],
      ['22900', 'xã Phước Dân'],
    ],
    streets: ['thôn Hữu Đức', 'thôn Phước Thiện'],
  },
  pt: {
    code: '25',
    name: 'tỉnh Phú Thọ',
    wards: [
      ['07900', 'phường Hòa Bình'],
      ['08100', 'xã Mai Châu'],
    ],
    streets: ['xóm Lác', 'xóm Mường Khến'],
  },
};

const KINH_HO = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Trịnh',
  'Đinh',
];
const KINH_DEM_M = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh', 'Công', 'Xuân', 'Gia'];
const KINH_DEM_F = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Mai', 'Hoài', 'Kim', 'Phương'];
const KINH_TEN_M = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Đạt',
  'Hải',
  'Hùng',
  'Huy',
  'Khánh',
  'Long',
  'Nam',
  'Phúc',
  'Quân',
  'Sơn',
  'Thắng',
  'Tuấn',
  'Việt',
  'Vinh',
];
const KINH_TEN_F = [
  'Anh',
  'Châu',
  'Dung',
  'Giang',
  'Hà',
  'Hạnh',
  'Hiền',
  'Hoa',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'Nga',
  'Nhung',
  'Phương',
  'Thảo',
  'Trang',
  'Vy',
  'Yến',
];

function pick<T>(r: Random, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

function ethnicGroups(r: Random): Ethnic[] {
  const kinh: Ethnic = {
    code: '01',
    provinces: [P.hn!, P.hcm!, P.dn!, P.th!, P.ct!],
    male: () => [pick(r, KINH_HO), pick(r, KINH_DEM_M), pick(r, KINH_TEN_M)],
    female: () => [pick(r, KINH_HO), pick(r, KINH_DEM_F), pick(r, KINH_TEN_F)],
  };
  return [
    kinh,
    kinh,
    kinh,
    kinh,
    // Hmông: clan name, then A (men) / Thị (women) as middle name.
    {
      code: '08',
      provinces: [P.db!, P.lc!],
      male: () => [
        pick(r, ['Giàng', 'Vàng', 'Sùng', 'Thào', 'Mùa', 'Lầu', 'Hờ']),
        'A',
        pick(r, ['Páo', 'Dính', 'Sử', 'Chứ', 'Lử', 'Của', 'Pó']),
      ],
      female: () => [pick(r, ['Giàng', 'Vàng', 'Sùng', 'Thào', 'Mùa']), 'Thị', pick(r, ['Dợ', 'Mỷ', 'Pằng', 'Chua', 'Sua'])],
    },
    // Ê Đê: the personal name first with Y (men) / H' (women), the clan name last.
    {
      code: '12',
      provinces: [P.dl!],
      male: () => [
        'Y',
        pick(r, ['Moan', 'Nguyên', 'Jút', 'Bih', 'Ngông', 'Khăm']),
        pick(r, ['Êban', 'Niê', 'Knul', 'Mlô', 'Byă', 'Ktla']),
      ],
      female: () => ["H'", pick(r, ['Hen', 'Ly', 'Bơ', 'Rin', 'Yơn', 'Xíu']), pick(r, ['Niê', 'Mlô', 'Êban', 'Ayũn', 'Knul'])],
    },
    {
      code: '03',
      provinces: [P.sl!, P.db!, P.th!],
      male: () => [
        pick(r, ['Lò', 'Cầm', 'Lường', 'Quàng', 'Tòng', 'Vi']),
        'Văn',
        pick(r, ['Ún', 'Xôm', 'Pọm', 'Biên', 'Chum', 'Khằm']),
      ],
      female: () => [pick(r, ['Lò', 'Cầm', 'Lường', 'Quàng', 'Tòng']), 'Thị', pick(r, ['Pấng', 'Ánh', 'Hiên', 'Xuân', 'Ơn'])],
    },
    {
      code: '02',
      provinces: [P.cb!],
      male: () => [pick(r, ['Nông', 'Hoàng', 'Lục', 'Bế', 'Đàm']), 'Văn', pick(r, ['Dền', 'Slình', 'Pác', 'Tài', 'Kiên'])],
      female: () => [pick(r, ['Nông', 'Hoàng', 'Lục', 'Bế']), 'Thị', pick(r, ['Slao', 'Nhị', 'Pha', 'Hiền'])],
    },
    {
      code: '05',
      provinces: [P.ct!, P.vl!],
      male: () => [
        pick(r, ['Thạch', 'Danh', 'Sơn', 'Kim', 'Lâm']),
        pick(r, ['Sa', 'Sóc', 'Ô', 'Sà']),
        pick(r, ['Rây', 'Kha', 'Phone', 'Rươne', 'Sóc']),
      ],
      female: () => [pick(r, ['Thạch', 'Sơn', 'Kim', 'Danh']), 'Thị', pick(r, ['Cha Ni', 'Sa Ry', 'Srây Mau', 'Sóc Na'])],
    },
    {
      code: '17',
      provinces: [P.kh!],
      male: () => [
        pick(r, ['Đàng', 'Quảng', 'Thuận', 'Lưu', 'Châu']),
        pick(r, ['Năng', 'Văn', 'Đức']),
        pick(r, ['Thọ', 'Sến', 'Phú', 'Hòa']),
      ],
      female: () => [pick(r, ['Đàng', 'Quảng', 'Thuận', 'Lưu']), 'Thị', pick(r, ['Hoa', 'Bích', 'Sang', 'Thu'])],
    },
    {
      code: '10',
      provinces: [P.gl!],
      male: () => [pick(r, ['Rơ Châm', 'Ksor', 'Siu', 'Rah Lan', 'Nay']), 'Y', pick(r, ['Sươn', 'Blơn', 'Hyuh', 'Thiêng'])],
      female: () => [pick(r, ['Rơ Châm', 'Ksor', 'Siu', 'Nay']), '', `H'${pick(r, ['Bơ', 'Lăng', 'Yuh', 'Nhí'])}`],
    },
    {
      code: '06',
      provinces: [P.pt!],
      male: () => [pick(r, ['Bùi', 'Quách', 'Đinh', 'Hà']), 'Văn', pick(r, ['Hưng', 'Khến', 'Cời', 'Lực'])],
      female: () => [pick(r, ['Bùi', 'Quách', 'Đinh']), 'Thị', pick(r, ['Đính', 'Lừm', 'Thơm', 'Nọi'])],
    },
  ];
}

/** "H'" + "Hen" is one personal name (H'Hen); an empty middle part is left out. */
const nameOf = ([ho, dem, ten]: [string, string, string]) =>
  ho === "H'" ? { Ho: `H'${dem}`, Ten: ten } : dem === '' ? { Ho: ho, Ten: ten } : { Ho: ho, ChuDem: dem, Ten: ten };

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export interface PopulationSeed {
  citizens: CongDan[];
  /** SoSoHoKhau → member ids (SoDinhDanh or SoCMND), head first. */
  households: Map<string, string[]>;
}

/** Personal ID: birth-province code (3), century-and-sex digit, year (2), 6 random digits (Circular 59/2021 layout). */
function personalId(r: Random, province: string, year: number, female: boolean, used: Set<string>): string {
  for (;;) {
    const century = year >= 2000 ? 2 : 0;
    const id = `0${province}${century + (female ? 1 : 0)}${pad(year % 100, 2)}${pad(Math.floor(r() * 1_000_000), 6)}`;
    if (!used.has(id)) return (used.add(id), id);
  }
}

function oldId(r: Random, used: Set<string>): string {
  for (;;) {
    const id = `${pick(r, ['0', '1', '2', '3'])}${pad(Math.floor(r() * 100_000_000), 8)}`;
    if (!used.has(id)) return (used.add(id), id);
  }
}

/** The whole population for a seed; at least `minCitizens` people. */
export function seedPopulation(seed: number, minCitizens = 240): PopulationSeed {
  const r = seededRandom(seed);
  const groups = ethnicGroups(r);
  const used = new Set<string>();
  const citizens: CongDan[] = [];
  const households = new Map<string, string[]>();
  let hh = 0;
  while (citizens.length < minCitizens) {
    hh++;
    const g = pick(r, groups);
    const prov = pick(r, g.provinces);
    const [wardCode, wardName] = pick(r, prov.wards);
    const detail = `Số ${1 + Math.floor(r() * 180)}, ${pick(r, prov.streets)}, ${wardName}, ${prov.name}`;
    const address = { MaTinhThanh: prov.code, MaPhuongXa: wardCode, ChiTiet: detail, QuocGia: 'VN' };
    const soSoHoKhau = `${prov.code}${pad(hh, 7)}`;
    const headYear = 1940 + Math.floor(r() * 55);
    const headFemale = r() < 0.3;
    const size = 1 + Math.floor(r() * 5);
    const members: CongDan[] = [];
    const ids: string[] = [];
    const mk = (year: number, female: boolean, quanHe: string, extra: Partial<CongDan> = {}): CongDan => {
      const parts = female ? g.female() : g.male();
      // People born before 1960 are often still known by their 9-digit CMND only; some hold both.
      const onlyOld = year < 1960 && r() < 0.5;
      const both = !onlyOld && year < 1985 && r() < 0.25;
      const SoDinhDanh = onlyOld ? undefined : personalId(r, prov.code.padStart(2, '0'), year, female, used);
      const SoCMND = onlyOld || both ? oldId(r, used) : undefined;
      const month = 1 + Math.floor(r() * 12);
      const day = 1 + Math.floor(r() * 28);
      const yearOnly = year < 1950 && r() < 0.3;
      const c: CongDan = {
        ...(SoDinhDanh ? { SoDinhDanh } : {}),
        ...(SoCMND ? { SoCMND } : {}),
        HoVaTen: nameOf(parts),
        GioiTinh: female ? '2' : '1',
        DanToc: g.code,
        TonGiao: '00',
        QuocTich: 'VN',
        SoSoHoKhau: soSoHoKhau,
        NgayThangNamSinh: yearOnly
          ? { Nam: String(year) }
          : { Nam: String(year), NgayThangNam: `${year}${pad(month, 2)}${pad(day, 2)}` },
        TinhTrangHonNhan: year > 2000 ? '1' : pick(r, ['1', '2', '2', '2', '3']),
        NhomMau: pick(r, ['00', '01', '02', '03', '04', '04']),
        NoiDangKyKhaiSinh: { MaTinhThanh: prov.code, ChiTiet: `${wardName}, ${prov.name}`, QuocGia: 'VN' },
        QueQuan: { MaTinhThanh: prov.code, ChiTiet: prov.name, QuocGia: 'VN' },
        ThuongTru: address,
        NoiOHienTai:
          r() < 0.85
            ? address
            : {
                ...address,
                ChiTiet: `Số ${1 + Math.floor(r() * 90)}, ${pick(r, P.hn!.streets)}, ${P.hn!.wards[0]![1]}, ${P.hn!.name}`,
                MaTinhThanh: '01',
                MaPhuongXa: P.hn!.wards[0]![0],
              },
        ...(r() < 0.4 ? { ThuDienTu: `congdan${hh}.${members.length + 1}@example.vn` } : {}),
        ...extra,
      };
      if (quanHe !== '01' || members.length > 0) c.ChuHo = { QuanHe: quanHe };
      else c.ChuHo = { QuanHe: '01' };
      members.push(c);
      ids.push(c.SoDinhDanh ?? c.SoCMND!);
      return c;
    };
    const head = mk(headYear, headFemale, '01');
    let spouse: CongDan | undefined;
    if (size > 1) spouse = mk(headYear + Math.floor(r() * 6) - 2, !headFemale, '02');
    for (let i = 2; i < size; i++) {
      const childYear = Math.min(2024, headYear + 20 + Math.floor(r() * 18));
      const father = headFemale ? spouse : head;
      const mother = headFemale ? head : spouse;
      mk(childYear, r() < 0.5, '03', {
        ...(father ? { Cha: relative(father) } : {}),
        ...(mother ? { Me: relative(mother) } : {}),
      });
    }
    if (spouse) {
      head.VoChong = relative(spouse);
      spouse.VoChong = relative(head);
    }
    const headRef = {
      HoVaTen: fullNameOf(head),
      ...(head.SoDinhDanh ? { SoDinhDanh: head.SoDinhDanh } : { SoCMND: head.SoCMND! }),
    };
    for (const m of members) m.ChuHo = { ...m.ChuHo, ...headRef };
    citizens.push(...members);
    households.set(soSoHoKhau, ids);
  }
  return { citizens, households };
}

const fullNameOf = (c: CongDan) => [c.HoVaTen.Ho, c.HoVaTen.ChuDem, c.HoVaTen.Ten].filter(Boolean).join(' ');
const relative = (c: CongDan) => ({
  HoVaTen: fullNameOf(c),
  QuocTich: 'VN',
  ...(c.SoDinhDanh ? { SoDinhDanh: c.SoDinhDanh } : {}),
  ...(c.SoCMND ? { SoCMND: c.SoCMND } : {}),
});
