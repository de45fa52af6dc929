/**
 * The Decision 766 indicators a provincial hub can compute (indicators-766.md, last section), each as SQL
 * predicates over one read-model row `d` (and its procedure `p` from the catalogue). One definition serves
 * the aggregate (a single pass with FILTER clauses) and the paged dossier lists behind each number, so the
 * list an operator opens is by construction the set that was counted.
 *
 * Parameters of every predicate: $1 agency, $2 period start, $3 period end (exclusive), $4 "period end"
 * for unfinished dossiers = min(period end, now), $5 population-database MaCSDL codes.
 */
export interface DossierIndicator {
  id: string;
  name: string;
  nameVi: string;
  /** Predicate of the denominator set. */
  denominator: string;
  /** Predicate of the numerator set, applied within the denominator. */
  numerator: string;
  /** Full points at or above this rate (percent); null = no threshold in the source. */
  threshold: number | null;
  rule: string;
  source: string;
  inferred: string[];
}

/** Received in the period (NgayTiepNhan), the base of most indicators. */
export const RECEIVED = `(d.ngay_tiep_nhan >= $2 AND d.ngay_tiep_nhan < $3)`;

/** 2.1's set: received before the period end and not finished before its start, with a known deadline. */
export const ACTIVE_21 = `(d.ngay_tiep_nhan < $3 AND (d.end_at IS NULL OR d.end_at >= $2) AND d.due_at IS NOT NULL)`;

/**
 * 2.1 on time, judged at P = $4 (indicators-766.md 2.1): a second supplement request before P → late;
 * finished before P → end ≤ deadline; one supplement request open at P → the request time is the end and is
 * compared with the deadline before any shift; otherwise P itself is the end.
 */
export const ON_TIME_21 = `(CASE
  WHEN d.supp2_req IS NOT NULL AND d.supp2_req < $4 THEN false
  WHEN d.end_at IS NOT NULL AND d.end_at < $4 THEN d.end_at <= d.due_at
  WHEN d.supp1_req IS NOT NULL AND d.supp1_req < $4 AND (d.supp1_done IS NULL OR d.supp1_done >= $4) THEN d.supp1_req <= d.due_base
  ELSE $4 <= d.due_at END)`;

const PAID_ONLINE = `(COALESCE(d.paid_settled, CASE WHEN d.paid_flag IN (1, 2) THEN d.paid_flag END) IS NOT NULL)`;
const PAPER = `COALESCE(p.requires_paper_result, false)`;

export const dossierIndicators: DossierIndicator[] = [
  {
    id: '1.4',
    name: 'Dossiers synced to DVCQG (hub proxy)',
    nameVi: 'Hồ sơ đồng bộ lên Cổng DVCQG (ước tính của hub)',
    denominator: RECEIVED,
    numerator: `d.synced_at IS NOT NULL`,
    threshold: null,
    rule: 'Dossiers received in the period that the portal acknowledged (a sync.outcomes.v1 "accepted" DongBoHoSoMC) ÷ dossiers received in the period that the hub saw.',
    source: 'sync.outcomes.v1 + dossier.events.v1',
    inferred: [
      'The source divides by BCQG/DVCQG intake counts, which the hub does not have: this is the proxy the reference allows.',
    ],
  },
  {
    id: '2.1',
    name: 'Dossiers handled early or on time',
    nameVi: 'Hồ sơ xử lý trước hạn, đúng hạn',
    denominator: ACTIVE_21,
    numerator: ON_TIME_21,
    threshold: null,
    rule: "Denominator: dossiers received before the period end and not finished before its start (received or processed in the period), with a deadline (NgayHenTra, else NgayTiepNhan + the procedure's legal time from the catalogue). End = first terminal status by priority 9 > 10 > 8/refused > 7 (if received); unfinished → min(period end, now); one open supplement request → its time; a second request → late. On time when end ≤ deadline, the deadline moved by the citizen's time of a completed first round.",
    source: 'dossier.events.v1 (snapshots and progress steps); catalogue for dossiers without NgayHenTra',
    inferred: [
      "The citizen's supplement time moves the deadline in working minutes (the source subtracts it from the elapsed time).",
      'Dossiers without any known deadline (no NgayHenTra, procedure not in the catalogue) are left out of both counts; GET /v1/dossiers/:MaHoSo shows their deadline as null.',
      '"Received or processed in the period" is read as active at some time in the period.',
    ],
  },
  {
    id: '3.3',
    name: 'Dossiers submitted online',
    nameVi: 'Hồ sơ nộp trực tuyến',
    denominator: RECEIVED,
    numerator: `d.kenh = 2 AND (NOT ${PAPER} OR d.end_status NOT IN (9, 10) OR d.end_status IS NULL OR d.has_result_code_link)`,
    threshold: 50,
    rule: "KenhThucHien = 2 among dossiers received in the period (null counts as 1, in person); a finished dossier of a procedure requiring a paper result counts only with an electronic result (MaGiayToKetQua and DuongDanTepTinKetQua). The rate is then multiplied by the 1.4 rate, as the source's formula reads.",
    source: 'dossier.events.v1 + catalogue',
    inferred: [
      'The electronic-result condition is applied to finished (9/10) dossiers only.',
      '"Requires a paper result" = the procedure lists a result (KETQUATHUCHIEN) in LayThuTuc.',
    ],
  },
  {
    id: '3.6',
    name: 'Dossiers paid online',
    nameVi: 'Hồ sơ thanh toán trực tuyến',
    denominator: `${RECEIVED} AND COALESCE(p.has_fee, false) AND NOT d.fees_all_zero`,
    numerator: PAID_ONLINE,
    threshold: null,
    rule: 'Dossiers received in the period of fee-bearing procedures (catalogue), minus those whose synced fees are all Gia = 0; paid online = DuocThanhToanTrucTuyen 1 or 2, or a settled payment on payment.events.v1.',
    source: 'dossier.events.v1, payment.events.v1, catalogue',
    inferred: [
      'A settlement seen on payment.events.v1 counts as paid online even before the snapshot says so (PayGov → 1, VNPAY/MoMo → 2).',
    ],
  },
  {
    id: '4.1',
    name: 'Dossiers with an electronic result',
    nameVi: 'Hồ sơ cấp kết quả điện tử',
    denominator: `${RECEIVED} AND ${PAPER}`,
    numerator: `d.has_result_file`,
    threshold: null,
    rule: 'Among dossiers received in the period of procedures requiring a paper result: those with a result file link (DuongDanTepTinKetQua).',
    source: 'dossier.events.v1 + catalogue',
    inferred: ['"Requires a paper result" as in 3.3.', 'The period applies to NgayTiepNhan (the source names none).'],
  },
  {
    id: '4.2',
    name: 'Dossiers digitised',
    nameVi: 'Hồ sơ thực hiện số hóa',
    denominator: RECEIVED,
    numerator: `d.has_submitted_file AND (NOT ${PAPER} OR d.has_result_file)`,
    threshold: 80,
    rule: 'At least one submitted file (TaiLieuNop with a link or file id, not deleted) and, when the procedure requires a paper result, a result file.',
    source: 'dossier.events.v1 + catalogue',
    inferred: ['The period applies to NgayTiepNhan.'],
  },
  {
    id: '4.3',
    name: 'Dossiers reusing digitised data',
    nameVi: 'Hồ sơ tái sử dụng dữ liệu số hóa',
    denominator: RECEIVED,
    numerator: `d.reuse_flag`,
    threshold: 80,
    rule: 'HoSoCoThanhPhanSoHoa = 1, or a TaiLieuNop item with DuocSoHoa = 1, among dossiers received in the period.',
    source: 'dossier.events.v1',
    inferred: [
      'DuocSoHoa is the flag the source names for dossiers created on DVCQG; the hub accepts it from provincial packets too.',
    ],
  },
  {
    id: '4.4',
    name: 'Digitised dossiers linked for reuse (relayed part)',
    nameVi: 'Hồ sơ kết nối, chia sẻ dữ liệu phục vụ tái sử dụng (phần hub chuyển tiếp)',
    denominator: RECEIVED,
    numerator: `d.from_citizen_store OR (d.has_result_file AND d.synced_at IS NOT NULL)`,
    threshold: null,
    rule: "A submitted file taken from the citizen's DVCQG store (DuocLayTuKhoDMQG = 1), or result links relayed to and acknowledged by the portal.",
    source: 'dossier.events.v1 + sync.outcomes.v1',
    inferred: ["Whether DVCQG filed the links in the citizen's store is not visible to the hub."],
  },
  {
    id: '4.5b',
    name: 'Dossiers using population data',
    nameVi: 'Hồ sơ ứng dụng dữ liệu dân cư',
    denominator: RECEIVED,
    numerator: `d.vneid OR d.from_citizen_store OR d.ma_csdl && $5::text[]`,
    threshold: null,
    rule: 'TaiKhoanDuocXacThucVoiVNeID = 1, DuocLayTuKhoDMQG = 1, or a DSKetNoiCSDL MaCSDL of the population database.',
    source: 'dossier.events.v1',
    inferred: [
      "The population database's MaCSDL is unknown (reference §7): configured by OPERATIONS_POPULATION_MACSDL, none by default.",
    ],
  },
];

/** 5.4's overdue part is the complement of 2.1; threshold 90 %. */
export const overdue54 = {
  id: '5.4',
  name: 'Satisfaction with procedure handling (overdue part only)',
  nameVi: 'Mức độ hài lòng (chỉ phần hồ sơ quá hạn)',
  threshold: 90,
  rule: "100 % − overdue rate, the overdue rate being 2.1's late dossiers ÷ 2.1's denominator. The complaint/dislike part needs DVCQG and PAKN data and is taken as 0.",
  source: 'as 2.1',
  inferred: ['The complaint and dislike rate is not available to the hub and counted as 0: the figure is an upper bound.'],
};

export const indicatorIds = ['1.4', '2.1', '2.2', '3.3', '3.5', '3.6', '4.1', '4.2', '4.3', '4.4', '4.5b', '5.4'] as const;
export type IndicatorId = (typeof indicatorIds)[number];
