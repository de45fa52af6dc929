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
import { DATE_TIME_14_FORMATS } from './formats/index.js';
import { isoToDateTime14 } from './formats/date-time.js';
import { schemaDocument } from './schema-registry.js';

type Schema = Readonly<Record<string, unknown>>;
type Normalizer = (value: unknown) => unknown;

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

function stringPlan(s: Schema): Normalizer {
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
  return (value) => {
    if (typeof value === 'string') return fromString(value);
    if (typeof value === 'number') {
      // Safe integers and plain decimals only: String(1e21) would be "1e+21", which no field means.
      return Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER ? fromString(String(value)) : value;
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
      if (!props.has(k)) props.set(k, { norm: plan(ps, p.base, memo), required: required.has(k) });
    }
  }
  return (value) => {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = value[k];
      const p = props.get(k);
      if (p === undefined) out[k] = v;
      else if (v === null && !p.required)
        continue; // null = absent for optional fields [code T2: nullable]
      else out[k] = p.norm(v);
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
  return (value) => {
    if (Array.isArray(value)) return value.map(item);
    if (wrapLone && isPlainObject(value)) return [item(value)];
    return value;
  };
}

function plan(schema: Schema, base: string, memo: Map<Schema, Normalizer>): Normalizer {
  const known = memo.get(schema);
  if (known) return known;
  let built: Normalizer = identity;
  memo.set(schema, (v) => built(v)); // placeholder, so a recursive schema terminates
  const { schema: s, base: b } = resolve(schema, base);
  switch (s.type) {
    case 'object':
      built = objectPlan(s, b, memo);
      break;
    case 'array':
      built = arrayPlan(s, b, memo);
      break;
    case 'string':
      built = stringPlan(s);
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
  return planFor(schemaId)(value);
}
