/**
 * The level of every finding: refusal (`error`) or `warning`. The project's first rule of validation: refuse only
 * what is known to be wrong. No official DVCQG specification exists; the reference (../shared/reference/
 * national-standard.md) reconstructs the packets from two implementations and tags each fact [code]/[doc] (seen in
 * public code or a document embedded in it) or [inf] (inferred). So:
 *
 * - a finding REFUSES only when a confirmed source says the value is wrong, when it is plainly impossible (a date
 *   that does not exist, a negative amount), or when the hub itself could not process the packet (not a JSON object,
 *   a MaHoSo it cannot key or scope on, a missing status it records, over its size limits, hostile keys);
 * - a rule inferred or drawn from partial sources (requiredness, lengths, field lists, code lists beyond the values
 *   seen, the MaHoSo prefix and agency-code group widths…) WARNS: the packet passes, the warning travels with the
 *   202, POST /v1/validate's report and the CLI's, and the portal's own answer is the authority.
 *
 * One ordered table: the FIRST rule matching a finding's code, field (last JSON-pointer segment) and packet schema
 * decides its level. Specific refusals (the hub's keys) come before the generic warnings they carve out of, the
 * generic refusals last. rule-levels.test.ts walks every constraint of every schema and every code the hand-written
 * checks emit and fails if one matches no rule, and fails if docs/standard.md's table ("Every rule and its level")
 * differs from renderRuleTable(); `lienthong-validate --rules` prints the same table.
 */
import { StandardErrorCode as C, fieldOf, type StandardErrorCode, type ValidationIssue } from './errors.js';
import { schemaIds } from './schema-ids.js';

/** Refusal or warning. */
export type RuleLevel = 'error' | 'warning';

/** One rule: which findings it covers and at which level. */
export interface StandardRule {
  /** Stable name, shown in docs/standard.md and by `lienthong-validate --rules`. */
  id: string;
  level: RuleLevel;
  /** The codes it covers; every code when absent. */
  codes?: readonly StandardErrorCode[];
  /** The field names (last JSON-pointer segment) it covers; every field when absent. */
  fields?: readonly string[];
  /** The packet schemas ($id) it applies in; every packet when absent. */
  schemas?: readonly string[];
  /** Why, with the reference's tags ([code S1], [doc X1], [inf]) or the hub's own need. */
  basis: string;
  /** For a warning: what the sender should know, appended to the finding's message instead of the generic note. */
  note?: { vi: string; en: string };
}

const ids = Object.values(schemaIds) as string[];
const inArea = (area: string) => ids.filter((id) => id.includes(`/schemas/${area}/`));

/** Packet groups, for the rules and for the table's "Packets" column. */
export const packetGroups = {
  dossier: { label: 'dossier', ids: [schemaIds.dossierItem, schemaIds.dossierRequest] },
  progress: { label: 'progress', ids: [schemaIds.progressItem, schemaIds.progressRequest] },
  dvcqg: {
    label: 'other DVCQG packets',
    ids: inArea('dvcqg').filter(
      (id) =>
        ![schemaIds.dossierItem, schemaIds.dossierRequest, schemaIds.progressItem, schemaIds.progressRequest].includes(
          id as never,
        ),
    ),
  },
  paygov: { label: 'PayGov', ids: inArea('paygov') },
  lookup: { label: 'population-DB look-up', ids: [schemaIds.citizenLookupRequest] },
  records: { label: 'citizen and business records', ids: [schemaIds.citizen, schemaIds.business] },
  events: { label: 'our events', ids: inArea('events') },
} as const;
type GroupName = keyof typeof packetGroups;
const of = (...groups: GroupName[]): string[] => groups.flatMap((g) => [...packetGroups[g].ids]);

const dossier = of('dossier');
const dossierAndProgress = of('dossier', 'progress');
/** Every national packet (DVCQG, PayGov, population DB, registries): not our own events. */
const national = of('dossier', 'progress', 'dvcqg', 'paygov', 'lookup', 'records');

/** The hub's keys besides MaHoSo: what it routes, deduplicates, looks up or scopes on. */
const RECORD_KEYS = [
  'MaHoSoDonVi',
  'MaHoSoQG',
  'HOIDAPID',
  'MaThongBaoThue',
  'MaThamChieu',
  'MaDoiTac',
  'MATTHC',
  'MADVC',
  'MALINHVUC',
  'madonvi',
  'MADONVI',
  'Madonvi',
  'MaDonVi',
  'MaSoDoanhNghiep',
] as const;

/** Every rule, in the order they are tried: the first match decides. */
export const standardRules: readonly StandardRule[] = [
  // ── Refusals the hub needs whatever the portal thinks ────────────────────────────────────────────────────────
  {
    id: 'body-shape',
    level: 'error',
    codes: [C.NOT_OBJECT, C.BATCH_EMPTY, C.BATCH_TOO_LARGE, C.UNKNOWN_PACKET, C.UNKNOWN_SCHEMA, C.JSON_INVALID, C.SCHEMA],
    basis:
      'the hub cannot process it: not JSON, not a JSON object (or array of objects), nothing or more than the batch limit (500) to publish, no schema of that name',
  },
  {
    id: 'field-name-invalid',
    level: 'error',
    codes: [C.FIELD_NAME_INVALID],
    basis:
      'hostile input: a key with control characters or over 100 characters cannot be a field name; reported at its object, never echoed',
  },
  {
    id: 'identifier-number',
    level: 'error',
    codes: [C.IDENTIFIER_NUMBER],
    basis:
      'an identifier or phone sent as a JSON number has lost its leading zeros; publishing it would publish a wrong number (scalars are strings [code S1, T2])',
  },
  {
    id: 'json-type',
    level: 'error',
    codes: [C.TYPE],
    basis:
      'scalars are strings, lists arrays, records objects [code S1, T2] (SoLuong/LoaiGiayTo integers [code T2]); numbers and booleans are normalized where no guess is needed, what is left cannot be sent as the standard type',
  },
  {
    id: 'dossier-key',
    level: 'error',
    codes: [C.REQUIRED, C.EMPTY, C.TOO_LONG, C.MAHOSO_INVALID],
    fields: ['MaHoSo', 'mahoso'],
    basis:
      "MaHoSo = <agency>-<yyMMdd>-<≥4 digits> [code T3] is the hub's key: Kafka key (one dossier's events in order), ledger key, and the agency every client's scope is checked on (so the prefix must be letters, digits and dots); at most 100 characters",
  },
  {
    id: 'mahoso-duplicate',
    level: 'error',
    codes: [C.MAHOSO_DUPLICATE],
    basis: 'ours: two snapshots of one dossier in one call would race at the portal',
  },
  {
    id: 'dossier-state',
    level: 'error',
    codes: [C.REQUIRED],
    fields: ['TrangThaiHoSo', 'TrangThai', 'ThoiDiemXuLy'],
    basis: 'what a dossier or step is: national-sync records the status and orders steps by ThoiDiemXuLy [code S1, T2]',
  },
  {
    id: 'person-identified',
    level: 'error',
    codes: [C.REQUIRED],
    fields: ['SoDinhDanh'],
    schemas: [schemaIds.citizen, schemaIds.citizenLookupRequest],
    basis: 'a citizen is looked up and recorded by SoDinhDanh or SoCMND [code T4]',
  },
  {
    id: 'call-structure',
    level: 'error',
    codes: [C.REQUIRED, C.EMPTY],
    fields: [
      'session',
      'service',
      'isUpdating',
      'data',
      'type',
      'provider',
      'mstorcmnd',
      'maTTHC',
      'username',
      'password',
      'error_code',
      'message',
      'status',
    ],
    schemas: national,
    basis:
      'every adapter call carries session, service and its operation parameters (madonvi: record-keys); logins {username, password}; answers {error_code, message} [code S1, S4]',
  },
  {
    id: 'record-keys',
    level: 'error',
    codes: [C.REQUIRED, C.EMPTY, C.TOO_LONG],
    fields: RECORD_KEYS,
    basis:
      'keys the hub routes, deduplicates, looks up or scopes on (promotion dossiers, questions, tax notices, payments, catalogues, agencies, businesses) [code S1, S4, T6, S5]',
  },
  {
    id: 'tax-notice-payment',
    level: 'error',
    codes: [C.REQUIRED],
    fields: ['ThongTinThanhToan', 'SoTien', 'TrangThaiThanhToan'],
    schemas: [schemaIds.inboundTaxNotice],
    basis: 'a tax notice is recorded by MaHoSo, MaThongBaoThue and TrangThaiThanhToan, and payments owes SoTien [code S4]',
  },
  {
    id: 'paygov-hash-fields',
    level: 'error',
    codes: [C.REQUIRED],
    schemas: of('paygov'),
    basis: 'MaXacThuc hashes these fields in order [code T6, S5]: without one the message cannot be signed or verified',
  },
  {
    id: 'progress-call-size',
    level: 'error',
    codes: [C.TOO_MANY_ITEMS],
    schemas: [schemaIds.progressRequest],
    basis: 'at most 10 steps per CapNhatTienDoHoSoMC call [code S1, T2]',
  },
  {
    id: 'records-shape',
    level: 'error',
    codes: [C.FIELD_UNKNOWN],
    schemas: of('records'),
    basis: "ours: the hub's normalized citizen and business shapes (packages/csdl-dancu, packages/dkkd build them)",
  },

  // ── Warnings: inferred, or from partial sources ──────────────────────────────────────────────────────────────
  {
    id: 'date-order',
    level: 'warning',
    codes: [C.DATE_ORDER],
    schemas: dossierAndProgress,
    basis: 'NgayHenTra/NgayKetThucXuLy/NgayTra not before NgayTiepNhan, a step not due before it starts [inf]',
  },
  {
    id: 'date-missing',
    level: 'warning',
    codes: [C.DATE_MISSING],
    schemas: dossier,
    basis: 'NgayTiepNhan and NgayHenTra non-empty outside statuses 1 and 3 [inf]',
  },
  {
    id: 'end-date-missing',
    level: 'warning',
    codes: [C.END_DATE_MISSING],
    schemas: dossier,
    basis: 'statuses 9/10 carry NgayKetThucXuLy, 10 carries NgayTra [inf from the 766 on-time rule, doc X1]',
  },
  {
    id: 'business-applicant-tax-code',
    level: 'warning',
    codes: [C.TAX_CODE_INVALID],
    fields: ['SoGiayToChuHoSo'],
    schemas: dossier,
    basis:
      "a business applicant (LoaiDoiTuong 2) is identified by its tax code [inf]; a company being formed has none yet and is named by its founder's personal ID",
  },
  {
    id: 'identifier-by-loai-dinh-danh',
    level: 'warning',
    codes: [C.PERSONAL_ID_INVALID, C.OLD_ID_INVALID],
    fields: ['SoDinhDanh'],
    schemas: dossier,
    basis: 'LoaiDinhDanh 1 = 12-digit personal ID, 2 = 9-digit old ID [code T2; meanings inf]',
  },
  {
    id: 'lookup-number-shape',
    level: 'warning',
    codes: [C.TAX_CODE_INVALID],
    fields: ['mstorcmnd'],
    schemas: [schemaIds.traCuuTechIdRequest],
    basis: 'TraCuuTechID takes a tax code or identity number [code S1]; which shapes it accepts is [inf]',
  },
  {
    id: 'payer-id-shape',
    level: 'warning',
    codes: [C.PERSONAL_ID_INVALID],
    fields: ['SoCMNDNguoiNop'],
    schemas: of('paygov'),
    basis: "the payer's ID number [code T6]; its shapes (12 or 9 digits) are [inf]",
  },
  {
    id: 'required-inferred',
    level: 'warning',
    codes: [C.REQUIRED],
    schemas: national,
    basis:
      'requiredness comes only from what two implementations send (reference §3, §12) [inf]; the keys and call fields above stay refusals',
  },
  {
    id: 'non-empty-inferred',
    level: 'warning',
    codes: [C.EMPTY],
    schemas: national,
    basis: 'non-empty free text and codes [inf; TD sends "Dinhkem" for an empty summary, T2]',
  },
  {
    id: 'length-caps',
    level: 'warning',
    codes: [C.TOO_LONG, C.TOO_SHORT],
    schemas: national,
    basis:
      "length caps are TD's (it cuts) or ours; the portal's limits are unknown [inf] (reference §12). The body limit and the JSON guard protect the hub",
  },
  {
    id: 'list-caps',
    level: 'warning',
    codes: [C.TOO_MANY_ITEMS, C.TOO_FEW_ITEMS],
    schemas: national,
    basis: 'caps on list lengths (attachments, fees, 500 dossiers per call) and non-empty calls are ours [inf]',
  },
  {
    id: 'unknown-field',
    level: 'warning',
    codes: [C.FIELD_UNKNOWN],
    schemas: national,
    basis:
      'the field lists come from two implementations (partial sources [inf], reference §3, §12): an unknown field is passed on as sent, never stripped; the receiver decides',
    note: {
      vi: ' (cảnh báo: danh sách trường chỉ biết qua hai hệ thống tham khảo; trường này được giữ nguyên và chuyển đi, bên nhận quyết định)',
      en: ' (warning: the field list is known only from two implementations; this field is kept as sent and passed on, the receiver decides)',
    },
  },
  {
    id: 'code-unconfirmed',
    level: 'warning',
    codes: [C.CODE_UNKNOWN],
    fields: ['HinhThuc', 'NoiNopHoSo', 'DuocTaiSuDung', 'TrangThaiBoSung', 'PhienBan'],
    schemas: national,
    basis:
      'values beyond those seen are unconfirmed: HinhThuc beyond 0/1, NoiNopHoSo, DuocTaiSuDung, TrangThaiBoSung (reference §7, §12) [inf]; PayGov PhienBan 1.0.6 is the only version seen [code T6, S5]',
  },
  {
    id: 'code-shape-unconfirmed',
    level: 'warning',
    codes: [C.PATTERN],
    fields: ['LoaiDinhDanh', 'HinhThucThu', 'LoaiPhiLePhi', 'MaCSDL', 'MaDichVu', 'MaTichHop', 'MaLoi', 'service'],
    schemas: national,
    basis:
      'codes whose list is unknown (LoaiDinhDanh, HinhThucThu, LoaiPhiLePhi, MaCSDL, MaDichVu, MaTichHop, MaLoi, operation names): their digit/letter shape is [inf] (reference §7, §12)',
  },
  {
    id: 'code-range-unconfirmed',
    level: 'warning',
    codes: [C.RANGE],
    fields: ['LoaiGiayTo'],
    schemas: dossier,
    basis: 'LoaiGiayTo is an integer in TD [code T2]; its values are unknown, the 0–1000 range is ours [inf]',
  },
  {
    id: 'values-seen',
    level: 'warning',
    codes: [C.CONST],
    fields: ['LoaiHinhThanhToan', 'MaKenhThanhToan', 'MaThietBi', 'NgonNgu', 'MaNganHang', 'provider'],
    schemas: national,
    basis:
      'the only values seen (PayGov PAY, channel 1, device 1, vi-VN, PAYMENT [code T6, S5]; TraCuuTechID provider wso2is [code S1]); others are not known wrong',
  },
  {
    id: 'url-shape',
    level: 'warning',
    codes: [C.URL_INVALID],
    schemas: national,
    basis: 'links are absolute http(s) URLs because the portal fetches them [inf]',
  },
  {
    id: 'email-shape',
    level: 'warning',
    codes: [C.EMAIL_INVALID],
    schemas: national,
    basis: 'the e-mail shape check is ours [inf]; the reference only names the field',
  },
  {
    id: 'phone-format',
    level: 'warning',
    codes: [C.PHONE_INVALID],
    basis: 'phones are free text in the reference ("+84, 0xx, extensions" [inf]); Vietnamese mobile/landline forms are ours',
  },
  {
    id: 'year-range',
    level: 'warning',
    codes: [C.YEAR_IMPLAUSIBLE],
    basis: 'dates before 1900 or after 2999 are typing errors [inf]; a date that does not exist stays an error',
  },
  {
    id: 'mahoso-usual',
    level: 'warning',
    codes: [C.MAHOSO_UNUSUAL],
    basis:
      "MaHoSo's prefix a QCVN agency code and yyMMdd a real date: DVCQG validating the prefix is [inf from TD's pre-sync check, T2]",
  },
  {
    id: 'agency-code-usual',
    level: 'warning',
    codes: [C.AGENCY_CODE_UNUSUAL],
    basis: 'QCVN 102 shapes ddd.dd.dd.Ldd and Ldd.dd[.dd] [code T2/T6 examples; structure and group widths inf]',
  },
  {
    id: 'matthc-usual',
    level: 'warning',
    codes: [C.MATTHC_UNUSUAL],
    basis: 'a provincial MaTTHC suffix is an agency code of the shapes seen [code T2, X3; group widths inf]',
  },

  // ── Other refusals: confirmed by a source, plainly impossible, or our own contract ───────────────────────────
  {
    id: 'events-contract',
    level: 'error',
    schemas: of('events'),
    basis: "ours (design, Contracts): the hub's own event payloads; a producer that breaks them has a bug",
  },
  {
    id: 'code-tables',
    level: 'error',
    codes: [C.CODE_UNKNOWN],
    basis:
      'confirmed code tables: TrangThaiHoSo [code formData.ts, doc X1/X2], KenhThucHien [code S1, doc X1], LoaiDoiTuong [code T2], DuocThanhToanTrucTuyen and 0/1 flags [doc X1, code T2], "True"/"False" [code S1], promotion TrangThai 2/5 [code S1], reply codes [code S4], PayGov LoaiPhiLePhi [code S5], population-DB codes [code X4]',
  },
  {
    id: 'const-confirmed',
    level: 'error',
    codes: [C.CONST],
    basis:
      'operation names and message types [code S1, T6, S5]; the currency VND [code T6, S5]: another would be paid as the wrong amount',
  },
  {
    id: 'pattern-confirmed',
    level: 'error',
    codes: [C.PATTERN],
    basis:
      'MaXacThuc lowercase hex SHA-256 [code T6, S5]; unaccented upper-case look-up names [code X4, T4]; 4-digit years; the reply\'s "<MaHoSo>|" [code S4]; Base64 the hub decodes [code S4]',
  },
  {
    id: 'impossible-values',
    level: 'error',
    codes: [C.RANGE],
    basis: 'plainly impossible: a negative count, amount or duration',
  },
  {
    id: 'dates',
    level: 'error',
    codes: [C.DATE_INVALID],
    basis:
      'yyyyMMddHHmmss and the other date formats [code S1, S5, S8, T2, T4]; a date that does not exist (30 February, hour 24) is plainly impossible',
  },
  {
    id: 'amounts',
    level: 'error',
    codes: [C.AMOUNT_INVALID],
    basis: 'whole VND as digits [code T2, T6]; "150.000" would be a guess between 150 and 150,000',
  },
  {
    id: 'matthc',
    level: 'error',
    codes: [C.MATTHC_INVALID],
    basis: 'the national part d.dddddd [code T2, X3]; a suffix of letters, digits and dots',
  },
  {
    id: 'agency-code',
    level: 'error',
    codes: [C.AGENCY_CODE_INVALID],
    basis: 'agency codes are dot-separated letters and digits [code T2/T6]: what the hub keys agency scopes on',
  },
  {
    id: 'identity-numbers',
    level: 'error',
    codes: [C.PERSONAL_ID_INVALID, C.OLD_ID_INVALID, C.TAX_CODE_INVALID],
    basis: 'personal ID 12 digits, old ID 9 digits [code T2, T4]; tax code 10 or 10-3 digits [code X7]',
  },
  {
    id: 'rating-percentages',
    level: 'error',
    codes: [C.PERCENT_INVALID, C.PERCENT_SUM],
    basis: 'percentages like "73%" adding up to 100, repeated in PhanTramDanhGiaDichVu [code S1]',
  },
];

/** The rule deciding the level of an issue found in a packet of `schemaId`; undefined for none (then it refuses). */
export function ruleOf(schemaId: string, i: Pick<ValidationIssue, 'code' | 'path'>): StandardRule | undefined {
  const field = fieldOf(i.path);
  return standardRules.find(
    (r) =>
      (r.codes === undefined || (r.codes as readonly string[]).includes(i.code)) &&
      (r.schemas === undefined || r.schemas.includes(schemaId)) &&
      (r.fields === undefined || r.fields.includes(field)),
  );
}

/**
 * Splits a packet's findings into refusals and warnings. A finding no rule covers refuses. A warning at a path that
 * already refuses is dropped (an array sent for HinhThuc is a type error; that its value is also no known code adds
 * nothing), so one mistake yields one finding.
 */
export function splitByLevel(
  schemaId: string,
  issues: readonly ValidationIssue[],
): { errors: ValidationIssue[]; warnings: ValidationIssue[] } {
  const errors: ValidationIssue[] = [];
  const warnings: { issue: ValidationIssue; rule: StandardRule }[] = [];
  for (const i of issues) {
    const rule = ruleOf(schemaId, i);
    if (rule?.level === 'warning') warnings.push({ issue: i, rule });
    else errors.push(i);
  }
  const refused = new Set(errors.map((e) => e.path));
  return { errors, warnings: warnings.filter((w) => !refused.has(w.issue.path)).map((w) => asWarning(w.issue, w.rule)) };
}

const WARNING = {
  vi: ' (cảnh báo: quy tắc suy luận, hồ sơ không bị từ chối)',
  en: ' (warning: an inferred rule; the packet is not refused)',
};

/** The issue reworded as a warning, so a message such as "required field missing" does not read as a refusal. */
export function asWarning(i: ValidationIssue, rule?: StandardRule): ValidationIssue {
  const note = rule?.note ?? WARNING;
  return { ...i, message: i.message + note.vi, message_en: i.message_en + note.en };
}
