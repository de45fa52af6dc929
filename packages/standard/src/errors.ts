/**
 * Stable error codes of the national data standard and their bilingual messages. Codes never change meaning once
 * published: vendors' CI and the gateway's clients match on them. Messages name the field and the expected shape
 * but never echo the value, because values are often personal data (names, IDs, phones) and reports get logged.
 */

/** One problem found in a packet. */
export interface ValidationIssue {
  /** JSON pointer relative to the body given: "/0/NgayHenTra" in an array, "/NgayHenTra" for a single object. */
  path: string;
  /** Stable code, e.g. "LT_STD_DATE_INVALID". */
  code: string;
  /** Vietnamese message. */
  message: string;
  /** English message. */
  message_en: string;
}

/**
 * The outcome of validating a packet: the normalized value when ok, and every issue otherwise. `errors` refuse the
 * packet; `warnings` never do. A rule the reference only infers ([inf] in national-standard.md) reports a warning
 * (see rule-levels.ts and docs/standard.md): the hub refuses only what it knows is wrong.
 */
export interface ValidationResult<T> {
  ok: boolean;
  value: T | undefined;
  errors: ValidationIssue[];
  /** Findings of inferred rules: reported (with the 202, by /v1/validate and the CLI), never a refusal. */
  warnings: ValidationIssue[];
}

/** Every code this package emits. */
export const StandardErrorCode = {
  NOT_OBJECT: 'LT_STD_NOT_OBJECT',
  BATCH_EMPTY: 'LT_STD_BATCH_EMPTY',
  BATCH_TOO_LARGE: 'LT_STD_BATCH_TOO_LARGE',
  UNKNOWN_PACKET: 'LT_STD_UNKNOWN_PACKET',
  UNKNOWN_SCHEMA: 'LT_STD_UNKNOWN_SCHEMA',
  REQUIRED: 'LT_STD_REQUIRED',
  FIELD_UNKNOWN: 'LT_STD_FIELD_UNKNOWN',
  /** A key that cannot be a field name (control characters, over 100 characters): hostile input, refused. */
  FIELD_NAME_INVALID: 'LT_STD_FIELD_NAME_INVALID',
  TYPE: 'LT_STD_TYPE',
  CODE_UNKNOWN: 'LT_STD_CODE_UNKNOWN',
  CONST: 'LT_STD_CONST',
  EMPTY: 'LT_STD_EMPTY',
  TOO_SHORT: 'LT_STD_TOO_SHORT',
  TOO_LONG: 'LT_STD_TOO_LONG',
  PATTERN: 'LT_STD_PATTERN',
  RANGE: 'LT_STD_RANGE',
  TOO_MANY_ITEMS: 'LT_STD_TOO_MANY_ITEMS',
  TOO_FEW_ITEMS: 'LT_STD_TOO_FEW_ITEMS',
  SCHEMA: 'LT_STD_SCHEMA',
  DATE_INVALID: 'LT_STD_DATE_INVALID',
  DATE_MISSING: 'LT_STD_DATE_MISSING',
  DATE_ORDER: 'LT_STD_DATE_ORDER',
  END_DATE_MISSING: 'LT_STD_END_DATE_MISSING',
  MAHOSO_INVALID: 'LT_STD_MAHOSO_INVALID',
  /** A MaHoSo the hub can key on, but not of the usual <QCVN agency code>-<real yyMMdd>-<sequence> shape (a warning). */
  MAHOSO_UNUSUAL: 'LT_STD_MAHOSO_UNUSUAL',
  MAHOSO_DUPLICATE: 'LT_STD_MAHOSO_DUPLICATE',
  MATTHC_INVALID: 'LT_STD_MATTHC_INVALID',
  /** A MaTTHC whose provincial suffix is not an agency code of the shapes seen (a warning). */
  MATTHC_UNUSUAL: 'LT_STD_MATTHC_UNUSUAL',
  AGENCY_CODE_INVALID: 'LT_STD_AGENCY_CODE_INVALID',
  /** An agency code of letters, digits and dots, but not of the QCVN 102 shapes seen (a warning). */
  AGENCY_CODE_UNUSUAL: 'LT_STD_AGENCY_CODE_UNUSUAL',
  PERSONAL_ID_INVALID: 'LT_STD_PERSONAL_ID_INVALID',
  OLD_ID_INVALID: 'LT_STD_OLD_ID_INVALID',
  TAX_CODE_INVALID: 'LT_STD_TAX_CODE_INVALID',
  URL_INVALID: 'LT_STD_URL_INVALID',
  AMOUNT_INVALID: 'LT_STD_AMOUNT_INVALID',
  EMAIL_INVALID: 'LT_STD_EMAIL_INVALID',
  PERCENT_INVALID: 'LT_STD_PERCENT_INVALID',
  PERCENT_SUM: 'LT_STD_PERCENT_SUM',
  JSON_INVALID: 'LT_STD_JSON_INVALID',
  IDENTIFIER_NUMBER: 'LT_STD_IDENTIFIER_NUMBER',
  PHONE_INVALID: 'LT_STD_PHONE_INVALID',
  YEAR_IMPLAUSIBLE: 'LT_STD_YEAR_IMPLAUSIBLE',
} as const;

/** A code from StandardErrorCode. */
export type StandardErrorCode = (typeof StandardErrorCode)[keyof typeof StandardErrorCode];

/** Builds an issue; `vi` and `en` are the two messages. */
export function issue(path: string, code: StandardErrorCode, vi: string, en: string): ValidationIssue {
  return { path, code, message: vi, message_en: en };
}

/** Prefixes every issue's path (an item index inside a batch, "/data" inside an envelope). */
export function prefixIssues(prefix: string, issues: readonly ValidationIssue[]): ValidationIssue[] {
  return prefix === '' ? [...issues] : issues.map((i) => ({ ...i, path: prefix + i.path }));
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The field a pointer ends at ("NgayHenTra" for "/0/NgayHenTra"); "(gốc)"/"(root)" handled by callers. */
export function fieldOf(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.replace(/~1/g, '/').replace(/~0/g, '~');
}
