import { describe, expect, it } from 'vitest';
import { jsonDepth, parseGuardedJson, pathWhereTooDeep } from './json-guard.js';

describe('guarded JSON parsing', () => {
  it('measures depth without counting brackets inside strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3);
    expect(jsonDepth('"\\"[["')).toBe(0);
    expect(jsonDepth('["a\\\\", [["\\"]"]]]')).toBe(3);
    expect(jsonDepth('{"k":"unterminated [[[')).toBe(1);
  });
  it.each([
    ['deep', '['.repeat(40) + ']'.repeat(40), 'LT_INPUT_TOO_DEEP'],
    ['__proto__', '{"a":{"__proto__":{"x":1}}}', 'LT_INPUT_PROTO_KEY'],
    ['escaped __proto__', '{"\\u005f_proto__":{"x":1}}', 'LT_INPUT_PROTO_KEY'],
    ['constructor.prototype', '[{"constructor":{"prototype":{}}}]', 'LT_INPUT_PROTO_KEY'],
    ['NUL', '{"a":"x\\u0000"}', 'LT_INPUT_HOSTILE'],
    ['bad JSON', '{"a":', 'LT_INPUT_BAD_JSON'],
  ])('refuses %s', (_n, text, code) => {
    expect(() => parseGuardedJson(text, { maxDepth: 32, maxStringLength: 100 })).toThrowError(expect.objectContaining({ code }));
  });
  it('names the path of an oversize string and leaves Object.prototype alone', () => {
    try {
      parseGuardedJson('{"a":[{"b":"' + 'x'.repeat(101) + '"}]}', { maxDepth: 32, maxStringLength: 100 });
      expect.unreachable();
    } catch (err) {
      expect((err as { details: { path: string }[] }).details[0]!.path).toBe('/a/0/b');
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
  it('names the path where JSON nested too deep crossed the limit, in the error details', () => {
    const deep = '{"data":[{"MaHoSo":"x","TaiLieuNop":[1,{"a/b":{"k\\"":' + '['.repeat(40) + ']'.repeat(40) + '}}]}]}';
    try {
      parseGuardedJson(deep, { maxDepth: 8, maxStringLength: 100 });
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; message: string; details: { path: string; code: string }[] };
      expect(e.code).toBe('LT_INPUT_TOO_DEEP');
      // { (1) data [ (2) { (3) TaiLieuNop [ (4) { (5) a/b { (6) k" [ (7) [ (8): the 9th opens at index 0 of the 8th.
      expect(e.details).toEqual([
        expect.objectContaining({ path: '/data/0/TaiLieuNop/1/a~1b/k"/0/0', code: 'LT_INPUT_TOO_DEEP' }),
      ]);
      expect(e.message).toContain('/data/0/TaiLieuNop/1/a~1b/k"/0/0');
    }
  });
  it('finds the path only past the limit, skipping brackets and commas inside strings', () => {
    expect(pathWhereTooDeep('[[1],[2,[3]]]', 3)).toBeUndefined();
    expect(pathWhereTooDeep('[[1],[2,[3]]]', 2)).toBe('/1/1');
    expect(pathWhereTooDeep('{"a,[":"[{,","b":[{"c":{}}]}', 3)).toBe('/b/0/c');
    expect(pathWhereTooDeep('['.repeat(5), 0)).toBe('');
  });
  it('accepts a "constructor" key holding a plain value', () => {
    expect(parseGuardedJson('{"constructor":"x"}')).toEqual({ constructor: 'x' });
  });
});
