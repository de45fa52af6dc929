/**
 * The `lt-*` formats that the schemas name and ajv calls. Each maps to its check and to the stable error code and
 * the expected shape reported when it fails, so the schema says *where* a rule applies and this table says *what*
 * it is.
 */
import { StandardErrorCode } from '../errors.js';
import { isAgencyCode, isAgencyCodeLike } from './agency-code.js';
import { isAmount } from './amount.js';
import { isDate8, isDateTime14, isDayMonthYear, isIsoDate, isMonthYear, isRfc3339 } from './date-time.js';
import { isHttpUrl } from './http-url.js';
import { isOldId, isPersonalId, isTaxCode } from './identity-numbers.js';
import { isMaHoSo, isUsualMaHoSo } from './ma-ho-so.js';
import { isMaTTHC, isUsualMaTTHC } from './ma-tthc.js';

/** A named format: its check, error code and the expected shape in both languages. */
export interface LtFormat {
  /** What refuses: the shape the hub needs or a source confirms. */
  validate: (value: string) => boolean;
  code: StandardErrorCode;
  expected: { vi: string; en: string };
  /**
   * The stricter shape the sources show but do not confirm ([inf]): a value that passes `validate` but not this is
   * reported by the normalizer with `code`, and rule-levels.ts makes that code a warning.
   */
  usual?: { validate: (value: string) => boolean; code: StandardErrorCode; expected: { vi: string; en: string } };
}

const orEmpty = (f: (v: string) => boolean) => (v: string) => v === '' || f(v);
const isEmail = (v: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v);
const isBase64 = (v: string) => {
  const compact = v.replace(/\r?\n/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
};
const isIdNumber = (v: string) => isPersonalId(v) || isOldId(v);
const isPercent = (v: string) => /^(?:100(?:\.0{1,2})?|[1-9]?\d(?:\.\d{1,2})?)%$/.test(v);

const DATE14 = {
  vi: 'ngày giờ thật dạng yyyyMMddHHmmss (giờ Việt Nam)',
  en: 'a real date-time as yyyyMMddHHmmss (Viet Nam time)',
};
const URL_TXT = { vi: 'địa chỉ http:// hoặc https:// đầy đủ', en: 'an absolute http:// or https:// URL' };

/** Every lt-* format by name. */
export const ltFormats: Readonly<Record<string, LtFormat>> = {
  'lt-datetime14': { validate: isDateTime14, code: StandardErrorCode.DATE_INVALID, expected: DATE14 },
  'lt-datetime14-or-empty': {
    validate: orEmpty(isDateTime14),
    code: StandardErrorCode.DATE_INVALID,
    expected: { vi: DATE14.vi + ' hoặc chuỗi rỗng', en: DATE14.en + ' or ""' },
  },
  'lt-date8': {
    validate: isDate8,
    code: StandardErrorCode.DATE_INVALID,
    expected: { vi: 'ngày thật dạng yyyyMMdd', en: 'a real date as yyyyMMdd' },
  },
  'lt-iso-date': {
    validate: isIsoDate,
    code: StandardErrorCode.DATE_INVALID,
    expected: { vi: 'ngày thật dạng yyyy-MM-dd', en: 'a real date as yyyy-MM-dd' },
  },
  'lt-date8-or-empty': {
    validate: orEmpty(isDate8),
    code: StandardErrorCode.DATE_INVALID,
    expected: { vi: 'ngày thật dạng yyyyMMdd hoặc chuỗi rỗng', en: 'a real date as yyyyMMdd or ""' },
  },
  'lt-date-dmy': {
    validate: isDayMonthYear,
    code: StandardErrorCode.DATE_INVALID,
    expected: { vi: 'ngày thật dạng dd/MM/yyyy', en: 'a real date as dd/MM/yyyy' },
  },
  'lt-month-year': {
    validate: isMonthYear,
    code: StandardErrorCode.DATE_INVALID,
    expected: { vi: 'tháng dạng M-yyyy (ví dụ 3-2025)', en: 'a month as M-yyyy (e.g. 3-2025)' },
  },
  'lt-rfc3339': {
    validate: isRfc3339,
    code: StandardErrorCode.DATE_INVALID,
    expected: {
      vi: 'thời điểm RFC 3339 có múi giờ (ví dụ 2025-01-15T08:30:00+07:00)',
      en: 'an RFC 3339 date-time with offset (e.g. 2025-01-15T08:30:00+07:00)',
    },
  },
  'lt-ma-ho-so': {
    validate: isMaHoSo,
    code: StandardErrorCode.MAHOSO_INVALID,
    expected: {
      vi: 'mã hồ sơ dạng <mã cơ quan: chữ, số và dấu chấm>-<yyMMdd>-<số thứ tự ≥4 chữ số>',
      en: 'a dossier code <agency code: letters, digits and dots>-<yyMMdd>-<sequence of ≥4 digits>',
    },
    usual: {
      validate: isUsualMaHoSo,
      code: StandardErrorCode.MAHOSO_UNUSUAL,
      expected: {
        vi: 'phần đầu là mã định danh QCVN 102 (như 000.00.01.H22) và yyMMdd là ngày có thật',
        en: 'a QCVN 102 agency code (like 000.00.01.H22) as prefix and yyMMdd a real date',
      },
    },
  },
  'lt-ma-tthc': {
    validate: isMaTTHC,
    code: StandardErrorCode.MATTHC_INVALID,
    expected: {
      vi: 'mã thủ tục dạng 1.005129 hoặc 1.005129.<mã cơ quan>',
      en: 'a procedure code like 1.005129 or 1.005129.<agency code>',
    },
    usual: {
      validate: isUsualMaTTHC,
      code: StandardErrorCode.MATTHC_UNUSUAL,
      expected: {
        vi: 'phần đuôi là mã định danh QCVN 102 (000.00.00.H56, H56.14) hoặc mã tỉnh (H56)',
        en: 'a suffix that is a QCVN 102 agency code (000.00.00.H56, H56.14) or a province code (H56)',
      },
    },
  },
  'lt-agency-code': {
    validate: isAgencyCodeLike,
    code: StandardErrorCode.AGENCY_CODE_INVALID,
    expected: {
      vi: 'mã cơ quan gồm chữ và số, các nhóm cách nhau bởi dấu chấm (như 000.00.01.H22)',
      en: 'an agency code of letters and digits in dot-separated groups (like 000.00.01.H22)',
    },
    usual: {
      validate: isAgencyCode,
      code: StandardErrorCode.AGENCY_CODE_UNUSUAL,
      expected: {
        vi: 'dạng QCVN 102 như 000.00.01.H22 hoặc H56.14',
        en: 'a QCVN 102 form like 000.00.01.H22 or H56.14',
      },
    },
  },
  'lt-personal-id': {
    validate: isPersonalId,
    code: StandardErrorCode.PERSONAL_ID_INVALID,
    expected: { vi: 'số định danh cá nhân 12 chữ số', en: 'a 12-digit personal ID' },
  },
  'lt-personal-id-or-empty': {
    validate: orEmpty(isPersonalId),
    code: StandardErrorCode.PERSONAL_ID_INVALID,
    expected: { vi: 'số định danh cá nhân 12 chữ số hoặc chuỗi rỗng', en: 'a 12-digit personal ID or ""' },
  },
  'lt-old-id': {
    validate: isOldId,
    code: StandardErrorCode.OLD_ID_INVALID,
    expected: { vi: 'số CMND 9 chữ số', en: 'a 9-digit old ID number' },
  },
  'lt-old-id-or-empty': {
    validate: orEmpty(isOldId),
    code: StandardErrorCode.OLD_ID_INVALID,
    expected: { vi: 'số CMND 9 chữ số hoặc chuỗi rỗng', en: 'a 9-digit old ID number or ""' },
  },
  'lt-tax-code': {
    validate: isTaxCode,
    code: StandardErrorCode.TAX_CODE_INVALID,
    expected: {
      vi: 'mã số thuế 10 chữ số hoặc 10 chữ số-3 chữ số (chi nhánh)',
      en: 'a tax code of 10 digits, or 10-3 digits for a branch',
    },
  },
  'lt-id-number-or-empty': {
    validate: orEmpty(isIdNumber),
    code: StandardErrorCode.PERSONAL_ID_INVALID,
    expected: {
      vi: 'số định danh 12 chữ số, số CMND 9 chữ số hoặc chuỗi rỗng',
      en: 'a 12-digit personal ID, a 9-digit old ID or ""',
    },
  },
  'lt-tax-code-or-id': {
    validate: (v) => isTaxCode(v) || isIdNumber(v),
    code: StandardErrorCode.TAX_CODE_INVALID,
    expected: {
      vi: 'mã số thuế (10 hoặc 10-3 chữ số) hoặc số định danh 12/9 chữ số',
      en: 'a tax code (10 or 10-3 digits) or a 12/9-digit ID number',
    },
  },
  'lt-base64': { validate: isBase64, code: StandardErrorCode.PATTERN, expected: { vi: 'chuỗi Base64', en: 'a Base64 string' } },
  'lt-http-url': { validate: isHttpUrl, code: StandardErrorCode.URL_INVALID, expected: URL_TXT },
  'lt-http-url-or-empty': {
    validate: orEmpty(isHttpUrl),
    code: StandardErrorCode.URL_INVALID,
    expected: { vi: URL_TXT.vi + ' hoặc chuỗi rỗng', en: URL_TXT.en + ' or ""' },
  },
  'lt-amount': {
    validate: isAmount,
    code: StandardErrorCode.AMOUNT_INVALID,
    expected: { vi: 'số tiền nguyên không âm (đồng), chỉ gồm chữ số', en: 'a non-negative whole amount in VND, digits only' },
  },
  'lt-email-or-empty': {
    validate: orEmpty(isEmail),
    code: StandardErrorCode.EMAIL_INVALID,
    expected: { vi: 'địa chỉ thư điện tử hoặc chuỗi rỗng', en: 'an e-mail address or ""' },
  },
  // JSON Schema's own names, used by some event schemas: the same checks as lt-rfc3339 and a UUID's shape.
  'date-time': {
    validate: isRfc3339,
    code: StandardErrorCode.DATE_INVALID,
    expected: {
      vi: 'thời điểm RFC 3339 có múi giờ (ví dụ 2025-01-15T08:30:00+07:00)',
      en: 'an RFC 3339 date-time with offset (e.g. 2025-01-15T08:30:00+07:00)',
    },
  },
  uuid: {
    validate: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
    code: StandardErrorCode.PATTERN,
    expected: { vi: 'một UUID', en: 'a UUID' },
  },
  'lt-percent': {
    validate: isPercent,
    code: StandardErrorCode.PERCENT_INVALID,
    expected: { vi: 'tỷ lệ phần trăm như "73%"', en: 'a percentage like "73%"' },
  },
};

const yearAt = (from: number) => (v: string) => {
  const y = /^\d{4}$/.test(v.slice(from, from + 4)) ? Number(v.slice(from, from + 4)) : undefined;
  return y === undefined || y === 0 ? undefined : y;
};

/** Date formats and where their year is, for the inferred plausible-year check (a warning). */
export const DATE_YEAR_OF: Readonly<Record<string, (value: string) => number | undefined>> = {
  'lt-datetime14': yearAt(0),
  'lt-datetime14-or-empty': yearAt(0),
  'lt-date8': yearAt(0),
  'lt-date8-or-empty': yearAt(0),
  'lt-iso-date': yearAt(0),
  'lt-rfc3339': yearAt(0),
  'lt-date-dmy': yearAt(6),
  'lt-month-year': (v) => yearAt(0)(v.slice(-4)),
};

/** Formats whose strings are yyyyMMddHHmmss dates, where the normalizer may convert ISO 8601 with an offset. */
export const DATE_TIME_14_FORMATS: ReadonlySet<string> = new Set(['lt-datetime14', 'lt-datetime14-or-empty']);

/** The same formats as ajv format definitions, by name: what the standalone validators call. */
export const ltFormatDefinitions: Readonly<Record<string, { type: 'string'; validate: (value: string) => boolean }>> =
  Object.fromEntries(Object.entries(ltFormats).map(([name, f]) => [name, { type: 'string' as const, validate: f.validate }]));
