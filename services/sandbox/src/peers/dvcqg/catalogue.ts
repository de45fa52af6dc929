import { agenciesSeed, fieldsSeed, legalSeed, proceduresSeed, type ProcedureSeed } from './catalogue-seed.js';

/** LayThuTuc result[0], in the shape OpenCPS reads [code S1, reference §5]. */
export interface ProcedureDetail {
  MATTHC: string;
  TENTTHC: string;
  MACOQUANCONGBO: string;
  YEUCAU: string;
  TRANGTHAI: string;
  TRINHTUTHUCHIEN: Array<{ TRUONGHOP: string; TRINHTU: Array<{ TENTRINHTU: string }> }>;
  LINHVUCTHUCHIEN: Array<{ MALINHVUC: string; TENLINHVUC: string }>;
  CACHTHUCTHUCHIEN: Array<{
    KENH: string;
    THOIGIAN: Array<{
      THOIGIANGIAIQUYET: number;
      DONVITINH: string;
      MOTA: string;
      PHILEPHI: Array<{ MAPHILEPHI: string; SOTIEN: number; DONVI: string; MOTA: string }>;
    }>;
  }>;
  DOITUONGTHUCHIEN: Array<{ TENDOITUONG: string }>;
  KETQUATHUCHIEN: Array<{ MAKETQUA: string; TENKETQUA: string }>;
  CANCUPHAPLY: Array<{ SOVANBAN: string; TENVANBAN: string }>;
  COQUANTHUCHIEN: Array<{ TENDONVI: string; MADONVI: string }>;
  THANHPHANHOSO: Array<{ GIAYTO: Array<{ MAGIAYTO: string; TENGIAYTO: string; TENMAUDON: string; URL: string }> }>;
}

export interface Catalogue {
  procedures: ReadonlyArray<{ MATTHC: string; TENTTHC: string }>;
  agencies: ReadonlyArray<{ MADONVI: string; TENDONVI: string; CAPDONVI: string }>;
  /** Procedure details by national MaTTHC. */
  detail(maTTHC: string): ProcedureDetail | undefined;
}

const doiTuong: Record<ProcedureSeed[8], string[]> = {
  '1': ['Công dân Việt Nam'],
  '2': ['Doanh nghiệp', 'Tổ chức'],
  '12': ['Công dân Việt Nam', 'Doanh nghiệp', 'Tổ chức'],
};

function expand(p: ProcedureSeed): ProcedureDetail {
  const [ma, ten, fi, ai, days, fee, ketQua, giayTo, who, li] = p;
  const field = fieldsSeed[fi]!;
  const agency = agenciesSeed[ai]!;
  const legal = legalSeed[li]!;
  const fees = fee > 0 ? [{ MAPHILEPHI: `LP-${ma}`, SOTIEN: fee, DONVI: 'Đồng', MOTA: `Lệ phí ${ten.toLowerCase()}` }] : [];
  const time = (mota: string) => ({ THOIGIANGIAIQUYET: days, DONVITINH: 'Ngày làm việc', MOTA: mota, PHILEPHI: fees });
  return {
    MATTHC: ma,
    TENTTHC: ten,
    MACOQUANCONGBO: agency[0].endsWith('.H99') ? '000.00.00.H99' : agency[0],
    YEUCAU: 'Không',
    TRANGTHAI: '1', // 1 = published [code S1]
    TRINHTUTHUCHIEN: [
      {
        TRUONGHOP: '',
        TRINHTU: [
          { TENTRINHTU: 'Bước 1: Tổ chức, cá nhân nộp hồ sơ trực tiếp, trực tuyến hoặc qua dịch vụ bưu chính công ích' },
          { TENTRINHTU: `Bước 2: ${agency[1]} tiếp nhận, kiểm tra tính đầy đủ của hồ sơ` },
          { TENTRINHTU: 'Bước 3: Giải quyết hồ sơ và trả kết quả' },
        ],
      },
    ],
    LINHVUCTHUCHIEN: [{ MALINHVUC: field[0], TENLINHVUC: field[1] }],
    // KENH 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích (reference §7)
    CACHTHUCTHUCHIEN: [
      { KENH: '1', THOIGIAN: [time('Nộp trực tiếp tại bộ phận một cửa')] },
      { KENH: '2', THOIGIAN: [time('Nộp trực tuyến trên Cổng Dịch vụ công')] },
      { KENH: '3', THOIGIAN: [time('Nộp qua dịch vụ bưu chính công ích')] },
    ],
    DOITUONGTHUCHIEN: doiTuong[who].map((TENDOITUONG) => ({ TENDOITUONG })),
    KETQUATHUCHIEN: [{ MAKETQUA: `KQ.${ma}`, TENKETQUA: ketQua }],
    CANCUPHAPLY: [{ SOVANBAN: legal[0], TENVANBAN: legal[1] }],
    COQUANTHUCHIEN: [{ TENDONVI: agency[1], MADONVI: agency[0] }],
    THANHPHANHOSO: [
      {
        GIAYTO: giayTo.map((g, i) => ({
          MAGIAYTO: `GT.${ma}.${String(i + 1).padStart(2, '0')}`,
          TENGIAYTO: g,
          TENMAUDON: i === 0 ? `Mẫu ${g.toLowerCase()}.docx` : '',
          // The simulator serves no form files; a link nobody can open would be worse than none.
          URL: '',
        })),
      },
    ],
  };
}

/**
 * The simulated catalogue, built once from catalogue-seed.ts. LayThuTuc also answers provincial variants
 * (`1.003560.000.00.00.H56`, `2.002621.H56` [code T2, X3]) with the national procedure, because the
 * national code is their prefix [inf].
 */
export function createCatalogue(): Catalogue {
  const details = new Map<string, ProcedureDetail>();
  for (const p of proceduresSeed) details.set(p[0], expand(p));
  const procedures = Object.freeze(proceduresSeed.map(([MATTHC, TENTTHC]) => Object.freeze({ MATTHC, TENTTHC })));
  const agencies = Object.freeze(
    agenciesSeed.map(([MADONVI, TENDONVI, CAPDONVI]) => Object.freeze({ MADONVI, TENDONVI, CAPDONVI })),
  );
  return {
    procedures,
    agencies,
    detail(maTTHC) {
      const national = /^(\d\.\d{6})(?:$|\.)/.exec(maTTHC)?.[1];
      return national ? details.get(national) : undefined;
    },
  };
}
