/**
 * The tolerance policy (docs/standard.md §Tolerance), driven by the schemas: a value is rewritten only when the
 * schema says what the portal wants and the rewrite cannot change the meaning. Anything else is left as sent and
 * the validator reports it. Known variants [code S1, T2, S8]: numbers where the portal wants strings, JSON booleans
 * where it wants "True"/"False" or "1"/"0", integers sent as digit strings, null for absent optional fields, ISO
 * 8601 instants with an explicit offset, a single object where a list is expected.
 */
import { DATE_TIME_14_FORMATS } from './formats/index.js';
import { isoToDateTime14 } from './formats/date-time.js';
import { schemaDocument } from './schema-registry.js';

type Schema = Readonly<Record<string, unknown>>;

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

const resolvedCache = new WeakMap<Schema, Resolved>();

/** Follows $ref chains (relative to the enclosing document's $id), keeping sibling keywords. */
function resolve(schema: Schema, base: string): Resolved {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return { schema, base };
  const cached = resolvedCache.get(schema);
  if (cached) return cached;
  const url = new URL(ref, base);
  const hash = url.hash.slice(1);
  url.hash = '';
  const doc = schemaDocument(url.href);
  const target = doc ? pointerGet(doc, hash) : undefined;
  if (!isPlainObject(target)) throw new Error(`unresolvable $ref ${ref} from ${base}`);
  const inner = resolve(target, url.href);
  const { $ref: _drop, ...siblings } = schema;
  const out = { schema: { ...inner.schema, ...siblings }, base: inner.base };
  resolvedCache.set(schema, out);
  return out;
}

function isTrueFalseEnum(e: unknown): boolean {
  return Array.isArray(e) && e.length === 2 && e.includes('True') && e.includes('False');
}
function isZeroOneEnum(e: unknown): boolean {
  return Array.isArray(e) && e.length === 2 && e.includes('0') && e.includes('1');
}

function normalizeString(value: unknown, s: Schema): unknown {
  if (typeof value === 'boolean') {
    if (isTrueFalseEnum(s.enum)) return value ? 'True' : 'False';
    if (isZeroOneEnum(s.enum)) return value ? '1' : '0';
    return value;
  }
  if (typeof value === 'number') {
    // Safe integers and plain decimals only: String(1e21) would be "1e+21", which no field means.
    return Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER ? normalizeString(String(value), s) : value;
  }
  if (typeof value !== 'string') return value;
  if (isTrueFalseEnum(s.enum)) {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return 'True';
    if (lower === 'false') return 'False';
  }
  // Codes, dates and identifiers never carry meaningful outer blanks; free text keeps them.
  const coded = s.enum !== undefined || s.format !== undefined || s.pattern !== undefined || s.const !== undefined;
  const v = coded ? value.trim() : value;
  if (typeof s.format === 'string' && DATE_TIME_14_FORMATS.has(s.format)) return isoToDateTime14(v) ?? v;
  return v;
}

function normalizeNode(value: unknown, schema: Schema, base: string): unknown {
  const { schema: s, base: b } = resolve(schema, base);
  switch (s.type) {
    case 'object': {
      if (!isPlainObject(value)) return value;
      const props: Record<string, Schema> = { ...((s.properties ?? {}) as Record<string, Schema>) };
      const required = new Set((s.required ?? []) as string[]);
      // allOf members (query.response = confirm.callback + TrangThaiGD) contribute their properties too.
      for (const part of (s.allOf ?? []) as Schema[]) {
        const r = resolve(part, b).schema;
        for (const [k, v] of Object.entries((r.properties ?? {}) as Record<string, Schema>)) props[k] ??= v;
        for (const k of (r.required ?? []) as string[]) required.add(k);
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const ps = props[k];
        if (v === null && ps && !required.has(k)) continue; // null = absent for optional fields [code T2: nullable]
        out[k] = ps ? normalizeNode(v, ps, b) : v;
      }
      return out;
    }
    case 'array': {
      const items = s.items as Schema | undefined;
      if (!items) return value;
      if (Array.isArray(value)) return value.map((v) => normalizeNode(v, items, b));
      // A lone object where a list of objects is expected [code S8: Representatives "sometimes a single object"].
      if (isPlainObject(value) && resolve(items, b).schema.type === 'object') return [normalizeNode(value, items, b)];
      return value;
    }
    case 'string':
      return normalizeString(value, s);
    case 'integer':
      return typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : value;
    default:
      return value;
  }
}

/**
 * Returns a normalized copy of `value` against the packet schema `schemaId`; never mutates the input and never
 * throws on bad data (bad data is left for the validator to report).
 */
export function normalizeAgainst(schemaId: string, value: unknown): unknown {
  const doc = schemaDocument(schemaId);
  if (!doc) throw new Error(`unknown schema ${schemaId}`);
  return normalizeNode(value, doc, schemaId);
}
