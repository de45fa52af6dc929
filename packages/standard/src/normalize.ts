/**
 * The tolerance policy (docs/standard.md §Tolerance), driven by the schemas: a value is rewritten only when the
 * schema says what the portal wants and the rewrite cannot change the meaning. Anything else is left as sent and
 * the validator reports it. Known variants [code S1, T2, S8]: numbers where the portal wants strings, JSON booleans
 * where it wants "True"/"False" or "1"/"0", integers sent as digit strings, null for absent optional fields, ISO
 * 8601 instants with an explicit offset, a single object where a list is expected.
 *
 * Each schema is turned once into a tree of small normalizer functions (a plan), so a request pays only for
 * walking its own data, never for resolving $refs.
 */
import { StandardErrorCode as C, issue, pointerSegment, type ValidationIssue } from './errors.js';
import { DATE_TIME_14_FORMATS, DATE_YEAR_OF, ltFormats } from './formats/index.js';
import { isoToDateTime14, isPlausibleYear } from './formats/date-time.js';
import { isVietnamesePhone } from './formats/phone.js';
import { schemaDocument } from './schema-registry.js';

type Schema = Readonly<Record<string, unknown>>;

/** Where the walk is (a path stack, turned into a pointer only for a finding) and what it found. */
interface Walk {
  path: (string | number)[];
  issues: ValidationIssue[];
}
type Normalizer = (value: unknown, walk: Walk) => unknown;

const here = (walk: Walk) => walk.path.map((k) => `/${pointerSegment(k)}`).join('');

/**
 * Identifier-like fields: their digits are the value, leading zeros included (phones 09…, personal IDs whose
 * province code starts 0, tax codes 01…, bank accounts, codes like MaTichHop "037"). A JSON number there has already
 * lost its leading zero, so it is refused with the path instead of being turned into a string (issue 17 §4).
 * Recognised by format (the lt-* identity formats) or by the field names the national packets use for them.
 */
const IDENTIFIER_FORMATS: ReadonlySet<string> = new Set([
  'lt-personal-id',
  'lt-personal-id-or-empty',
  'lt-old-id',
  'lt-old-id-or-empty',
  'lt-tax-code',
  'lt-id-number-or-empty',
  'lt-tax-code-or-id',
]);
const IDENTIFIER_FIELDS: ReadonlySet<string> = new Set([
  'SoGiayToChuHoSo',
  'SoDinhDanh',
  'SoCMND',
  'SoDienThoai',
  'DienThoai',
  'SODIENTHOAI',
  'Fax',
  'MaSoThue',
  'MaSoDoanhNghiep',
  'MaDoiTuong',
  'SoBienNhan',
  'SoCMNDNguoiNop',
  'SoSoHoKhau',
  'SoGiayTo',
  'SoGiayChungThuc',
  'TKThuHuong',
  'MaNHThuHuong',
  'TaiKhoanThuNSNN',
  'MaTichHop',
  'MaCanBo',
  'mstorcmnd',
  'msdn',
]);
/** Phone fields: the `phone` scalar, or a field named for a phone (DienThoai, SoDienThoai, SODIENTHOAI…). */
const isPhoneField = (name: string | undefined, ref: unknown) =>
  (typeof ref === 'string' && ref.endsWith('/$defs/phone')) || (name !== undefined && /dienthoai$/i.test(name));

interface Resolved {
  schema: Schema;
  base: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pointerGet(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    cur = isPlainObject(cur) ? cur[key] : undefined;
  }
  return cur;
}

/** Follows $ref chains (relative to the enclosing document's $id), keeping sibling keywords. */
function resolve(schema: Schema, base: string): Resolved {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return { schema, base };
  const url = new URL(ref, base);
  const hash = url.hash.slice(1);
  url.hash = '';
  const doc = schemaDocument(url.href);
  const target = doc ? pointerGet(doc, hash) : undefined;
  if (!isPlainObject(target)) throw new Error(`unresolvable $ref ${ref} from ${base}`);
  const inner = resolve(target, url.href);
  const { $ref: _drop, ...siblings } = schema;
  return { schema: { ...inner.schema, ...siblings }, base: inner.base };
}

const identity: Normalizer = (v) => v;

function sameSet(e: unknown, values: string[]): boolean {
  return Array.isArray(e) && e.length === values.length && values.every((v) => e.includes(v));
}

interface FieldInfo {
  name: string | undefined;
  ref: unknown;
}

function stringPlan(s: Schema, field: FieldInfo): Normalizer {
  const phone = isPhoneField(field.name, field.ref);
  const identifier =
    phone || (typeof s.format === 'string' && IDENTIFIER_FORMATS.has(s.format)) || IDENTIFIER_FIELDS.has(field.name ?? '');
  const yearOf = typeof s.format === 'string' ? DATE_YEAR_OF[s.format] : undefined;
  const isWellFormed = typeof s.format === 'string' ? ltFormats[s.format]?.validate : undefined;
  const usual = typeof s.format === 'string' ? ltFormats[s.format]?.usual : undefined;
  const trueFalse = sameSet(s.enum, ['True', 'False']);
  const zeroOne = sameSet(s.enum, ['0', '1']);
  // Codes, dates and identifiers never carry meaningful outer blanks; free text keeps them.
  const coded = s.enum !== undefined || s.format !== undefined || s.pattern !== undefined || s.const !== undefined;
  const isDate = typeof s.format === 'string' && DATE_TIME_14_FORMATS.has(s.format);
  const fromString = (value: string): string => {
    if (trueFalse) {
      const lower = value.trim().toLowerCase();
      if (lower === 'true') return 'True';
      if (lower === 'false') return 'False';
    }
    const v = coded ? value.trim() : value;
    return isDate ? (isoToDateTime14(v) ?? v) : v;
  };
  // Inferred checks (warnings, see rule-levels.ts) on the normalized string.
  const advise = (v: string, walk: Walk): string => {
    if (phone && v.trim() !== '' && !isVietnamesePhone(v)) {
      walk.issues.push(
        issue(
          here(walk),
          C.PHONE_INVALID,
          `${field.name ?? 'Số điện thoại'} không giống số điện thoại Việt Nam (di động 0[3,5,7,8,9] + 8 chữ số, cố định 02 + 9 chữ số; +84/84 được hiểu là 0).`,
          `${field.name ?? 'The phone'} does not look like a Vietnamese phone number (mobile 0[3,5,7,8,9] + 8 digits, landline 02 + 9 digits; +84/84 read as 0).`,
        ),
      );
    }
    // A value the hub accepts but not of the stricter shape the sources show (MaHoSo prefix, agency-code widths…).
    if (usual && isWellFormed?.(v) && !usual.validate(v)) {
      const name = field.name ?? 'Giá trị';
      walk.issues.push(
        issue(
          here(walk),
          usual.code,
          `${name} không theo dạng thường gặp: ${usual.expected.vi}.`,
          `${field.name ?? 'The value'} is not of the usual shape: ${usual.expected.en}.`,
        ),
      );
    }
    if (yearOf && isWellFormed?.(v)) {
      const year = yearOf(v);
      if (year !== undefined && !isPlausibleYear(year)) {
        walk.issues.push(
          issue(
            here(walk),
            C.YEAR_IMPLAUSIBLE,
            `Năm ${year} nằm ngoài khoảng 1900–2999 (có thể gõ nhầm).`,
            `Year ${year} is outside 1900–2999 (probably a typing error).`,
          ),
        );
      }
    }
    return v;
  };
  return (value, walk) => {
    if (typeof value === 'string') return advise(fromString(value), walk);
    if (typeof value === 'number' && identifier) {
      walk.issues.push(
        issue(
          here(walk),
          C.IDENTIFIER_NUMBER,
          `${field.name ?? 'Trường'} là mã định danh/số điện thoại: phải gửi dạng chuỗi ("0912…"); số JSON đã mất chữ số 0 ở đầu.`,
          `${field.name ?? 'This field'} is an identifier or phone: send it as a string ("0912…"); a JSON number has already lost its leading zeros.`,
        ),
      );
      return value;
    }
    if (typeof value === 'number') {
      // Safe integers and plain decimals only: String(1e21) would be "1e+21", which no field means.
      return Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER
        ? advise(fromString(String(value)), walk)
        : value;
    }
    if (typeof value === 'boolean') {
      if (trueFalse) return value ? 'True' : 'False';
      if (zeroOne) return value ? '1' : '0';
    }
    return value;
  };
}

const integerPlan: Normalizer = (value) =>
  typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : value;

function objectPlan(s: Schema, base: string, memo: Map<Schema, Normalizer>): Normalizer {
  const props = new Map<string, { norm: Normalizer; required: boolean }>();
  const required = new Set((s.required ?? []) as string[]);
  const parts: Resolved[] = [{ schema: s, base }];
  // allOf members (query.response = confirm.callback + TrangThaiGD) contribute their properties too.
  for (const part of (s.allOf ?? []) as Schema[]) parts.push(resolve(part, base));
  for (const p of parts) for (const k of (p.schema.required ?? []) as string[]) required.add(k);
  for (const p of parts) {
    for (const [k, ps] of Object.entries((p.schema.properties ?? {}) as Record<string, Schema>)) {
      if (!props.has(k)) props.set(k, { norm: plan(ps, p.base, memo, k), required: required.has(k) });
    }
  }
  return (value, walk) => {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = value[k];
      const p = props.get(k);
      if (p === undefined) out[k] = v;
      else if (v === null && !p.required)
        continue; // null = absent for optional fields [code T2: nullable]
      else {
        walk.path.push(k);
        out[k] = p.norm(v, walk);
        walk.path.pop();
      }
    }
    return out;
  };
}

function arrayPlan(s: Schema, base: string, memo: Map<Schema, Normalizer>): Normalizer {
  const items = s.items as Schema | undefined;
  if (!items) return identity;
  const item = plan(items, base, memo);
  // A lone object where a list of objects is expected [code S8: Representatives "sometimes a single object"].
  const wrapLone = resolve(items, base).schema.type === 'object';
  return (value, walk) => {
    if (Array.isArray(value)) {
      return value.map((v, i) => {
        walk.path.push(i);
        const r = item(v, walk);
        walk.path.pop();
        return r;
      });
    }
    if (wrapLone && isPlainObject(value)) {
      walk.path.push(0);
      const r = [item(value, walk)];
      walk.path.pop();
      return r;
    }
    return value;
  };
}

function plan(schema: Schema, base: string, memo: Map<Schema, Normalizer>, name?: string): Normalizer {
  const known = memo.get(schema);
  if (known) return known;
  let built: Normalizer = identity;
  memo.set(schema, (v, w) => built(v, w)); // placeholder, so a recursive schema terminates
  const { schema: s, base: b } = resolve(schema, base);
  switch (s.type) {
    case 'object':
      built = objectPlan(s, b, memo);
      break;
    case 'array':
      built = arrayPlan(s, b, memo);
      break;
    case 'string':
      built = stringPlan(s, { name, ref: schema.$ref });
      break;
    case 'integer':
      built = integerPlan;
      break;
    default:
      built = identity;
  }
  memo.set(schema, built);
  return built;
}

const plans = new Map<string, Normalizer>();

/** The normalizer of a packet schema, built on first use and kept. */
function planFor(schemaId: string): Normalizer {
  let p = plans.get(schemaId);
  if (!p) {
    const doc = schemaDocument(schemaId);
    if (!doc) throw new Error(`unknown schema ${schemaId}`);
    p = plan(doc, schemaId, new Map());
    plans.set(schemaId, p);
  }
  return p;
}

/**
 * Returns a normalized copy of `value` against the packet schema `schemaId`; never mutates the input and never
 * throws on bad data (bad data is left for the validator to report).
 */
export function normalizeAgainst(schemaId: string, value: unknown): unknown {
  return normalizeWithIssues(schemaId, value).value;
}

/**
 * normalizeAgainst, plus what the walk found on the way, with paths relative to `value`: identifier-like fields
 * sent as JSON numbers (LT_STD_IDENTIFIER_NUMBER), phones that do not look Vietnamese (LT_STD_PHONE_INVALID),
 * implausible years (LT_STD_YEAR_IMPLAUSIBLE) and values of an unusual shape (LT_STD_*_UNUSUAL, formats with a
 * `usual` shape). rule-levels.ts decides which of them are warnings.
 */
export function normalizeWithIssues(schemaId: string, value: unknown): { value: unknown; issues: ValidationIssue[] } {
  const walk: Walk = { path: [], issues: [] };
  const out = planFor(schemaId)(value, walk);
  return { value: out, issues: walk.issues };
}
