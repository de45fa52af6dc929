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
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string's contents with native indexOf (most of a packet's bytes are inside strings):
      // a quote preceded by an odd number of backslashes is escaped and does not close it.
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j === -1) return max; // unterminated: JSON.parse will refuse it
        let k = j - 1;
        while (text.charCodeAt(k) === 92 /* \ */) k--;
        if ((j - 1 - k) % 2 === 0) break;
      }
      i = j;
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * The JSON pointer of the first container that opens nesting level `maxDepth + 1` in raw JSON text, or undefined when
 * none does. A second, slower scan than jsonDepth (it tracks keys and indexes), run only on a body already refused
 * for depth, so the refusal can say where: `/data/0/TaiLieuNop/0/x/…`. Keys are decoded as JSON strings; a key that
 * cannot be decoded (the text is not JSON) is kept raw.
 */
export function pathWhereTooDeep(text: string, maxDepth: number): string | undefined {
  const frames: { array: boolean; key: string; index: number; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j === -1) return undefined;
        let k = j - 1;
        while (text.charCodeAt(k) === 92 /* \ */) k--;
        if ((j - 1 - k) % 2 === 0) break;
      }
      const top = frames[frames.length - 1];
      if (top && !top.array && top.expectKey) {
        const raw = text.slice(i + 1, j);
        try {
          top.key = JSON.parse(`"${raw}"`) as string;
        } catch {
          top.key = raw;
        }
        top.expectKey = false;
      }
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (frames.length === maxDepth) return pointer(frames.map((f) => (f.array ? f.index : f.key)));
      frames.push({ array: c === 91, key: '', index: 0, expectKey: c === 123 });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      frames.pop();
    } else if (c === 44 /* , */) {
      const top = frames[frames.length - 1];
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
    }
  }
  return undefined;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointer(path: readonly (string | number)[]): string {
  return path.map((k) => `/${typeof k === 'number' ? k : escapePointer(k)}`).join('');
}

/**
 * Walks a parsed JSON value and reports NUL characters (Postgres text cannot hold them, and they are
 * a classic truncation trick), oversize strings and prototype-polluting keys, with JSON pointer paths.
 * Keys are checked too. The path is kept as a stack and turned into a pointer only for a finding: this
 * walk runs on every request body, and building a string per value cost ~5% of the gateway's CPU.
 */
export function findHostileValues(value: unknown, limits: JsonGuardLimits, max = 20): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const path: (string | number)[] = [];
  const report = (code: string, vi: string, en: string, key?: string) => {
    out.push({ path: pointer(key === undefined ? path : [...path, key]), code, message: vi, message_en: en });
  };
  const visit = (v: unknown): void => {
    if (out.length >= max) return;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) report('LT_INPUT_NUL_CHAR', 'Giá trị chứa ký tự NUL', 'value contains a NUL character');
      else if (v.length > limits.maxStringLength) {
        report(
          'LT_INPUT_STRING_TOO_LONG',
          `Chuỗi dài quá ${limits.maxStringLength} ký tự`,
          `string longer than ${limits.maxStringLength} characters`,
        );
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i]);
        path.pop();
      }
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        // JSON.parse makes "__proto__" an own key (no pollution yet); refusing it here keeps any later
        // Object.assign or spread from turning it into one.
        if (k === '__proto__' || (k === 'constructor' && x !== null && typeof x === 'object' && 'prototype' in x)) {
          report('LT_INPUT_PROTO_KEY', `Khóa '${k}' không được phép`, `forbidden key '${k}'`, k);
          continue;
        }
        if (k.includes('\u0000')) {
          report('LT_INPUT_NUL_CHAR', 'Tên trường chứa ký tự NUL', 'key contains a NUL character', k);
          continue;
        }
        path.push(k);
        visit(x);
        path.pop();
      }
    }
  };
  visit(value);
  return out;
}

/** Parses a JSON body under the limits; throws a 400-kind HubError naming the problem. */
export function parseGuardedJson(text: string, limits: JsonGuardLimits = defaultJsonGuardLimits): unknown {
  const depth = jsonDepth(text);
  if (depth > limits.maxDepth) {
    // Name where the limit was crossed: the container that opens level maxDepth + 1 (issue 17 §4).
    const at = pathWhereTooDeep(text, limits.maxDepth) ?? '';
    const shown = at === '' ? '/' : at.length > 500 ? `${at.slice(0, 500)}…` : at;
    throw new HubError('LT_INPUT_TOO_DEEP', `JSON nested ${depth} levels deep at ${shown}; at most ${limits.maxDepth} allowed`, {
      kind: 'invalid',
      messageVi: `JSON lồng nhau ${depth} cấp tại ${shown}, tối đa ${limits.maxDepth}`,
      details: [
        {
          path: at,
          code: 'LT_INPUT_TOO_DEEP',
          message: `Vượt quá ${limits.maxDepth} cấp lồng nhau tại đây`,
          message_en: `nesting deeper than ${limits.maxDepth} levels starts here`,
        },
      ],
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
