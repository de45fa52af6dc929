import { describe, expect, it } from 'vitest';
import { jsonDepth, parseGuardedJson } from './json-guard.js';

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
  it('accepts a "constructor" key holding a plain value', () => {
    expect(parseGuardedJson('{"constructor":"x"}')).toEqual({ constructor: 'x' });
  });
});
