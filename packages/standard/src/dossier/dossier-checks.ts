/**
 * Checks on one DongBoHoSoMC item that JSON Schema cannot express. They run on the normalized item even when the
 * schema found errors (all errors at once), and skip a rule whose inputs are already reported as malformed so one
 * mistake yields one issue.
 */
import { StandardErrorCode as C, issue, type ValidationIssue } from '../errors.js';
import { isDateTime14 } from '../formats/date-time.js';
import { isOldId, isPersonalId, isTaxCode } from '../formats/identity-numbers.js';

type Item = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const validDate = (v: unknown): string | undefined => (typeof v === 'string' && isDateTime14(v) ? v : undefined);

// Statuses 1 (registered, not yet received) and 3 (not accepted) have no intake or appointment date yet [inf].
const WITHOUT_INTAKE = new Set(['1', '3']);

function dateOrder(item: Item, later: string, earlier: string, out: ValidationIssue[]): void {
  const a = validDate(item[later]);
  const b = validDate(item[earlier]);
  if (a && b && a < b) {
    out.push(
      issue(`/${later}`, C.DATE_ORDER, `${later} không được trước ${earlier}.`, `${later} must not be before ${earlier}.`),
    );
  }
}

function requireDate(
  item: Item,
  field: string,
  code: typeof C.DATE_MISSING | typeof C.END_DATE_MISSING,
  status: string,
  out: ValidationIssue[],
): void {
  // A malformed (non-empty) value is already a DATE_INVALID issue.
  if (str(item[field]) === undefined && item[field] !== undefined) return;
  if ((str(item[field]) ?? '') !== '') return;
  out.push(
    issue(
      `/${field}`,
      code,
      `Hồ sơ ở trạng thái ${status} phải có ${field}.`,
      `A dossier in status ${status} must carry ${field}.`,
    ),
  );
}

/** Cross-field checks of one dossier item; paths are relative to the item ("/NgayHenTra"). */
export function checkDossierItem(item: unknown): ValidationIssue[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return [];
  const it = item as Item;
  const out: ValidationIssue[] = [];
  const status = str(it.TrangThaiHoSo);

  if (status !== undefined && !WITHOUT_INTAKE.has(status) && /^(?:[2-9]|10)$/.test(status)) {
    if ('NgayTiepNhan' in it) requireDate(it, 'NgayTiepNhan', C.DATE_MISSING, status, out);
    if ('NgayHenTra' in it) requireDate(it, 'NgayHenTra', C.DATE_MISSING, status, out);
  }
  dateOrder(it, 'NgayHenTra', 'NgayTiepNhan', out);
  dateOrder(it, 'NgayKetThucXuLy', 'NgayTiepNhan', out);
  dateOrder(it, 'NgayTra', 'NgayTiepNhan', out);

  // End statuses carry their end dates: the 766 on-time rule reads NgayKetThucXuLy [doc X1]; 10 = delivered [inf].
  if (status === '9' || status === '10') requireDate(it, 'NgayKetThucXuLy', C.END_DATE_MISSING, status, out);
  if (status === '10') requireDate(it, 'NgayTra', C.END_DATE_MISSING, status, out);

  // A business applicant's document number is its tax code [inf].
  const soGiayTo = str(it.SoGiayToChuHoSo);
  if (str(it.LoaiDoiTuong) === '2' && soGiayTo && !isTaxCode(soGiayTo)) {
    out.push(
      issue(
        '/SoGiayToChuHoSo',
        C.TAX_CODE_INVALID,
        'Chủ hồ sơ là doanh nghiệp: SoGiayToChuHoSo phải là mã số thuế 10 chữ số hoặc 10-3 chữ số.',
        'The applicant is a business: SoGiayToChuHoSo must be a tax code of 10 digits or 10-3 digits.',
      ),
    );
  }

  // LoaiDinhDanh 1 = 12-digit personal ID, 2 = 9-digit old ID [code T2; meanings inf].
  if (Array.isArray(it.DinhDanhCHS)) {
    it.DinhDanhCHS.forEach((d: unknown, i) => {
      if (typeof d !== 'object' || d === null) return;
      const loai = str((d as Item).LoaiDinhDanh);
      const so = str((d as Item).SoDinhDanh);
      if (so === undefined || so === '') return;
      const path = `/DinhDanhCHS/${i}/SoDinhDanh`;
      if (loai === '1' && !isPersonalId(so)) {
        out.push(
          issue(
            path,
            C.PERSONAL_ID_INVALID,
            'LoaiDinhDanh 1: SoDinhDanh phải là số định danh cá nhân 12 chữ số.',
            'LoaiDinhDanh 1: SoDinhDanh must be a 12-digit personal ID.',
          ),
        );
      } else if (loai === '2' && !isOldId(so)) {
        out.push(
          issue(
            path,
            C.OLD_ID_INVALID,
            'LoaiDinhDanh 2: SoDinhDanh phải là số CMND 9 chữ số.',
            'LoaiDinhDanh 2: SoDinhDanh must be a 9-digit old ID number.',
          ),
        );
      }
    });
  }
  return out;
}
