/**
 * Rules the reference only infers ([inf] in ../shared/reference/national-standard.md) report WARNINGS, never
 * refusals (issue 17 §4): no official DVCQG specification exists, so the hub refuses only what it knows is wrong and
 * lets the portal's own answer be the authority on the rest. A province whose real dossier trips an inferred rule
 * (a company-formation dossier naming its founder by personal ID, before the company has a tax code) can still send
 * it, and sees the finding in the 202, in POST /v1/validate and in the CLI.
 *
 * This table is the one place that decides the level of a finding that the schemas and the cross-field checks
 * report: an issue matching a rule here moves from `errors` to `warnings`. docs/standard.md lists each rule (a test
 * keeps the two in step). Rules that stay refusals are those with a confirmed source ([code]/[doc]) or that the hub
 * itself needs to work (MaHoSo: Kafka key and agency scope; TrangThaiHoSo/TrangThai and ThoiDiemXuLy: what a
 * dossier or step *is* for national-sync and the outcomes).
 */
import { StandardErrorCode as C, fieldOf, type StandardErrorCode, type ValidationIssue } from './errors.js';
import { schemaIds } from './schema-ids.js';

/** One inferred rule: which findings (code, optionally only at these fields, in these packets) are warnings. */
export interface InferredRule {
  /** Stable name, used in docs/standard.md. */
  id: string;
  code: StandardErrorCode;
  /** The field names (last JSON-pointer segment) it covers; every field when absent. */
  fields?: readonly string[];
  /** The packet schemas ($id) it applies in; every packet when absent. */
  schemas?: readonly string[];
  /** Why it is only inferred, with the reference's tags. */
  basis: string;
}

const dossier = [schemaIds.dossierItem, schemaIds.dossierRequest];
const progress = [schemaIds.progressItem, schemaIds.progressRequest];
const dossierAndProgress = [...dossier, ...progress];

/** Every inferred rule and the packets it applies to. */
export const inferredRules: readonly InferredRule[] = [
  {
    id: 'date-order',
    code: C.DATE_ORDER,
    schemas: dossierAndProgress,
    basis: 'NgayHenTra/NgayKetThucXuLy/NgayTra not before NgayTiepNhan, a step due after it starts [inf]',
  },
  {
    id: 'date-missing',
    code: C.DATE_MISSING,
    schemas: dossier,
    basis: 'NgayTiepNhan and NgayHenTra non-empty outside statuses 1 and 3 [inf]',
  },
  {
    id: 'end-date-missing',
    code: C.END_DATE_MISSING,
    schemas: dossier,
    basis: 'statuses 9/10 carry NgayKetThucXuLy, 10 carries NgayTra [inf from the 766 on-time rule, doc X1]',
  },
  {
    id: 'business-applicant-tax-code',
    code: C.TAX_CODE_INVALID,
    fields: ['SoGiayToChuHoSo'],
    schemas: dossier,
    basis:
      "a business applicant (LoaiDoiTuong 2) is identified by its tax code [inf]; a company being formed has none yet and is named by its founder's personal ID",
  },
  {
    id: 'identifier-by-loai-dinh-danh',
    code: C.PERSONAL_ID_INVALID,
    fields: ['SoDinhDanh'],
    schemas: dossier,
    basis: 'LoaiDinhDanh 1 = 12-digit personal ID [code T2; meanings inf]',
  },
  {
    id: 'old-id-by-loai-dinh-danh',
    code: C.OLD_ID_INVALID,
    fields: ['SoDinhDanh'],
    schemas: dossier,
    basis: 'LoaiDinhDanh 2 = 9-digit old ID [code T2; meanings inf]',
  },
  {
    id: 'required-inferred',
    code: C.REQUIRED,
    fields: [
      'MaTTHC',
      'TenTTHC',
      'MaLinhVuc',
      'TenLinhVuc',
      'LoaiDoiTuong',
      'TrichYeuHoSo',
      'NgayTiepNhan',
      'NgayHenTra',
      'DonViXuLy',
    ],
    schemas: dossier,
    basis: 'DongBoHoSoMC requiredness beyond what OpenCPS/TD mark optional is [inf] (reference §3)',
  },
  {
    id: 'non-empty-inferred',
    code: C.EMPTY,
    fields: ['TenTTHC', 'MaLinhVuc', 'TenLinhVuc', 'TrichYeuHoSo', 'DonViXuLy'],
    schemas: dossier,
    basis: 'non-empty TrichYeuHoSo/TenTTHC/DonViXuLy… [inf; TD substitutes "Dinhkem" for an empty summary, T2]',
  },
  {
    id: 'progress-required-inferred',
    code: C.REQUIRED,
    fields: ['NguoiXuLy', 'NoiDungXuLy'],
    schemas: progress,
    basis: 'CapNhatTienDoHoSoMC requiredness [inf]; TD defaults NguoiXuLy to "Chuyên viên" [code T2]',
  },
  {
    id: 'progress-non-empty-inferred',
    code: C.EMPTY,
    fields: ['NguoiXuLy', 'NoiDungXuLy'],
    schemas: progress,
    basis: 'non-empty NguoiXuLy/NoiDungXuLy [inf]',
  },
  {
    id: 'length-caps',
    code: C.TOO_LONG,
    schemas: dossierAndProgress,
    basis: "length caps are TD's (it cuts) or ours; the portal's limits are unknown [inf] (reference §12)",
  },
  {
    id: 'url-shape',
    code: C.URL_INVALID,
    schemas: dossier,
    basis: 'links must be absolute http(s) URLs because the portal fetches them [inf]',
  },
  {
    id: 'phone-format',
    code: C.PHONE_INVALID,
    basis: 'phones are free text in the reference ("+84, 0xx, extensions" [inf]); Vietnamese mobile/landline forms are ours',
  },
  {
    id: 'year-range',
    code: C.YEAR_IMPLAUSIBLE,
    basis: 'dates before 1900 or after 2999 are typing errors [inf]; a date that does not exist stays an error',
  },
];

const byCode = new Map<string, InferredRule[]>();
for (const r of inferredRules) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);

/** The inferred rule an issue found in a packet of `schemaId` falls under, if any. */
export function inferredRuleOf(schemaId: string, i: ValidationIssue): InferredRule | undefined {
  const candidates = byCode.get(i.code);
  if (!candidates) return undefined;
  const field = fieldOf(i.path);
  return candidates.find(
    (r) => (r.schemas === undefined || r.schemas.includes(schemaId)) && (r.fields === undefined || r.fields.includes(field)),
  );
}

/** Splits a packet's findings into refusals and warnings (findings of inferred rules). */
export function splitByLevel(
  schemaId: string,
  issues: readonly ValidationIssue[],
): { errors: ValidationIssue[]; warnings: ValidationIssue[] } {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  for (const i of issues) {
    if (inferredRuleOf(schemaId, i)) warnings.push(asWarning(i));
    else errors.push(i);
  }
  return { errors, warnings };
}

const WARNING_VI = ' (cảnh báo: quy tắc suy luận, hồ sơ không bị từ chối)';
const WARNING_EN = ' (warning: an inferred rule; the packet is not refused)';

/** The issue reworded as a warning, so a message such as "required field missing" does not read as a refusal. */
export function asWarning(i: ValidationIssue): ValidationIssue {
  return { ...i, message: i.message + WARNING_VI, message_en: i.message_en + WARNING_EN };
}
