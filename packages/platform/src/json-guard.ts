import { HubError, type ErrorDetail } from './errors.js';

export interface JsonGuardLimits {
  /** Deepest nesting of objects/arrays accepted. The national packets nest 4 levels at most. */
  maxDepth: number;
  /** Longest string value accepted, in characters. */
  maxStringLength: number;
}

export const defaultJsonGuardLimits: JsonGuardLimits = Object.freeze({ maxDepth: 32, maxStringLength: 1_000_000 });

/**
 * Scans raw JSON text for nesting depth without parsing it, so a hostile `[[[[…` of a million levels
 * is refused before JSON.parse or a recursive validator ever sees it. Strings are skipped correctly
 * (brackets inside strings do not count).
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Walks a parsed JSON value and reports NUL characters (Postgres text cannot hold them, and they are
 * a classic truncation trick) and oversize strings, with JSON pointer paths. Keys are checked too.
 */
export function findHostileValues(value: unknown, limits: JsonGuardLimits, max = 20): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const visit = (v: unknown, p: string): void => {
    if (out.length >= max) return;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) {
        out.push({ path: p, code: 'LT_INPUT_NUL_CHAR', message: 'Giá trị chứa ký tự NUL', message_en: 'value contains a NUL character' });
      } else if (v.length > limits.maxStringLength) {
        out.push({
          path: p,
          code: 'LT_INPUT_STRING_TOO_LONG',
          message: `Chuỗi dài quá ${limits.maxStringLength} ký tự`,
          message_en: `string longer than ${limits.maxStringLength} characters`,
        });
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, `${p}/${i}`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        // JSON.parse makes "__proto__" an own key (no pollution yet); refusing it here keeps any later
        // Object.assign or spread from turning it into one.
        if (k === '__proto__' || (k === 'constructor' && x !== null && typeof x === 'object' && 'prototype' in x)) {
          out.push({ path: `${p}/${escapePointer(k)}`, code: 'LT_INPUT_PROTO_KEY', message: `Khóa '${k}' không được phép`, message_en: `forbidden key '${k}'` });
          continue;
        }
        if (k.includes('\u0000')) {
          out.push({ path: `${p}/${escapePointer(k)}`, code: 'LT_INPUT_NUL_CHAR', message: 'Tên trường chứa ký tự NUL', message_en: 'key contains a NUL character' });
          continue;
        }
        visit(x, `${p}/${escapePointer(k)}`);
      }
    }
  };
  visit(value, '');
  return out;
}

/** Parses a JSON body under the limits; throws a 400-kind HubError naming the problem. */
export function parseGuardedJson(text: string, limits: JsonGuardLimits = defaultJsonGuardLimits): unknown {
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth) {
    throw new HubError('LT_INPUT_TOO_DEEP', `JSON nested ${depth} levels deep; at most ${limits.maxDepth} allowed`, {
      kind: 'invalid',
      messageVi: `JSON lồng nhau ${depth} cấp, tối đa ${limits.maxDepth}`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HubError('LT_INPUT_BAD_JSON', `body is not valid JSON: ${(err as Error).message}`, {
      kind: 'invalid',
      messageVi: 'nội dung không phải JSON hợp lệ',
    });
  }
  const hostile = findHostileValues(value, limits);
  const proto = hostile.find((d) => d.code === 'LT_INPUT_PROTO_KEY');
  if (proto) {
    throw new HubError('LT_INPUT_PROTO_KEY', `forbidden key in JSON body at ${proto.path || '/'}`, {
      kind: 'invalid',
      details: hostile,
      messageVi: `khóa không được phép trong JSON tại ${proto.path || '/'}`,
    });
  }
  if (hostile.length) {
    throw new HubError('LT_INPUT_HOSTILE', `body has ${hostile.length} unacceptable value(s)`, {
      kind: 'invalid',
      details: hostile,
      messageVi: 'nội dung có giá trị không được chấp nhận',
    });
  }
  return value;
}
