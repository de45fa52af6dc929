import { describe, expect, it } from 'vitest';
import { canonicalJson, stepKeyOf } from './step-key.js';

describe('step identity', () => {
  it('does not depend on key order, at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"x":1,"y":2}]},"b":1}');
    expect(stepKeyOf({ MaHoSo: 'A', TrangThai: '4' })).toBe(stepKeyOf({ TrangThai: '4', MaHoSo: 'A' }));
  });

  it('differs when any value differs', () => {
    expect(stepKeyOf({ MaHoSo: 'A', TrangThai: '4' })).not.toBe(stepKeyOf({ MaHoSo: 'A', TrangThai: '5' }));
  });
});
