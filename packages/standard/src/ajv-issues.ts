/**
 * Turns ajv's errors into ValidationIssues with stable codes and messages in Vietnamese and English. Paths point at
 * the field to fix: a missing or unknown property is reported at the property itself, not at its parent object.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { StandardErrorCode as C, fieldOf, issue, pointerSegment, type ValidationIssue } from './errors.js';
import { ltFormats } from './formats/index.js';

const JSON_TYPE_VI: Record<string, string> = {
  string: 'chuỗi',
  integer: 'số nguyên',
  number: 'số',
  boolean: 'giá trị đúng/sai',
  object: 'đối tượng JSON',
  array: 'mảng JSON',
  null: 'null',
};

function name(path: string): string {
  return path === '' ? '(gốc)' : fieldOf(path);
}
function nameEn(path: string): string {
  return path === '' ? '(root)' : fieldOf(path);
}

/** Longest key reported as an unknown field; a longer one is no field name (the national ones have ≤ 40 characters). */
const MAX_FIELD_NAME = 100;

/** False for a key with C0/C1 control characters or DEL, or longer than MAX_FIELD_NAME. */
function isPlausibleFieldName(key: string): boolean {
  return key.length > 0 && key.length <= MAX_FIELD_NAME && !/[\u0000-\u001f\u007f-\u009f]/.test(key);
}

function list(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : String(values);
}

/** Maps one ajv error; undefined for wrapper errors ("must match then schema") whose cause is reported anyway. */
export function issueFromAjv(e: ErrorObject): ValidationIssue | undefined {
  const p = e.params as Record<string, unknown>;
  const at = e.instancePath;
  switch (e.keyword) {
    case 'required': {
      const path = `${at}/${pointerSegment(String(p.missingProperty))}`;
      return issue(path, C.REQUIRED, `Thiếu trường bắt buộc ${name(path)}.`, `Required field ${nameEn(path)} is missing.`);
    }
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const path = `${at}/${pointerSegment(key)}`;
      // A key no packet could mean (control characters, absurd length) is hostile input: refused, and reported at
      // the object holding it so that neither the message nor the path echoes it.
      if (!isPlausibleFieldName(key)) {
        return issue(
          at,
          C.FIELD_NAME_INVALID,
          `${name(at)} có một khóa chứa ký tự điều khiển hoặc dài quá ${MAX_FIELD_NAME} ký tự: không thể là một trường.`,
          `${nameEn(at)} has a key with control characters or longer than ${MAX_FIELD_NAME} characters: it cannot be a field.`,
        );
      }
      return issue(
        path,
        C.FIELD_UNKNOWN,
        `Trường ${name(path)} không có trong danh sách trường đã biết của gói tin này (kiểm tra chính tả, chữ hoa/thường).`,
        `Field ${nameEn(path)} is not among the fields known for this packet (check spelling and letter case).`,
      );
    }
    case 'type': {
      const t = String(p.type);
      return issue(at, C.TYPE, `${name(at)} phải là ${JSON_TYPE_VI[t] ?? t}.`, `${nameEn(at)} must be of type ${t}.`);
    }
    case 'enum':
      return issue(
        at,
        C.CODE_UNKNOWN,
        `${name(at)} không phải mã đã biết; các mã đã biết: ${list(p.allowedValues)}.`,
        `${nameEn(at)} is not a known code; known codes: ${list(p.allowedValues)}.`,
      );
    case 'const':
      return issue(
        at,
        C.CONST,
        `${name(at)} phải bằng ${JSON.stringify(p.allowedValue)}.`,
        `${nameEn(at)} must equal ${JSON.stringify(p.allowedValue)}.`,
      );
    case 'format': {
      const f = ltFormats[String(p.format)];
      if (!f)
        return issue(
          at,
          C.SCHEMA,
          `${name(at)} sai định dạng ${String(p.format)}.`,
          `${nameEn(at)} must match format ${String(p.format)}.`,
        );
      return issue(at, f.code, `${name(at)} phải là ${f.expected.vi}.`, `${nameEn(at)} must be ${f.expected.en}.`);
    }
    case 'minLength':
      return Number(p.limit) === 1
        ? issue(at, C.EMPTY, `${name(at)} không được để trống.`, `${nameEn(at)} must not be empty.`)
        : issue(
            at,
            C.TOO_SHORT,
            `${name(at)} phải có ít nhất ${String(p.limit)} ký tự.`,
            `${nameEn(at)} must have at least ${String(p.limit)} characters.`,
          );
    case 'maxLength':
      return issue(
        at,
        C.TOO_LONG,
        `${name(at)} dài quá ${String(p.limit)} ký tự.`,
        `${nameEn(at)} is longer than ${String(p.limit)} characters.`,
      );
    case 'pattern':
      return issue(
        at,
        C.PATTERN,
        `${name(at)} sai định dạng (mẫu ${String(p.pattern)}).`,
        `${nameEn(at)} does not match ${String(p.pattern)}.`,
      );
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return issue(
        at,
        C.RANGE,
        `${name(at)} phải ${String(p.comparison)} ${String(p.limit)}.`,
        `${nameEn(at)} must be ${String(p.comparison)} ${String(p.limit)}.`,
      );
    case 'maxItems':
      return issue(
        at,
        C.TOO_MANY_ITEMS,
        `${name(at)} có quá ${String(p.limit)} phần tử.`,
        `${nameEn(at)} has more than ${String(p.limit)} items.`,
      );
    case 'minItems':
      return issue(
        at,
        C.TOO_FEW_ITEMS,
        `${name(at)} phải có ít nhất ${String(p.limit)} phần tử.`,
        `${nameEn(at)} must have at least ${String(p.limit)} items.`,
      );
    case 'if':
      return undefined;
    default:
      return issue(
        at,
        C.SCHEMA,
        `${name(at)} không đúng chuẩn (${e.keyword}).`,
        `${nameEn(at)} does not conform (${e.keyword}).`,
      );
  }
}

/** Maps ajv's errors, dropping wrappers and duplicates. */
export function issuesFromAjv(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const i = issueFromAjv(e);
    if (!i) continue;
    const key = `${i.path}\u0000${i.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out;
}
