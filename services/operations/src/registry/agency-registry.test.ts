import { describe, expect, it } from 'vitest';
import { ancestorsOf, inferredParent } from './agency-registry.js';

describe('agency roll-up', () => {
  const rows = new Map([
    ['000.01.01.H98', { code: '000.01.01.H98', parent: '000.01.00.H98', successor: '000.03.00.H99' }],
    ['000.01.00.H98', { code: '000.01.00.H98', parent: '000.00.00.H98', successor: '000.03.00.H99' }],
    ['000.00.00.H98', { code: '000.00.00.H98', parent: null, successor: '000.00.00.H99' }],
    ['A', { code: 'A', parent: 'B', successor: null }],
    ['B', { code: 'B', parent: 'A', successor: null }],
  ]);
  it('rolls an old commune into its successor and both provinces, and infers the province root', () => {
    expect(ancestorsOf('000.01.01.H98', rows).sort()).toEqual(
      ['000.00.00.H98', '000.00.00.H99', '000.01.00.H98', '000.01.01.H98', '000.03.00.H99'].sort(),
    );
    expect(inferredParent('000.00.05.H99')).toBe('000.00.00.H99');
    expect(inferredParent('000.00.00.H99')).toBeUndefined();
    expect(inferredParent('H56.14')).toBeUndefined();
  });
  it('cuts cycles in bad data', () => {
    expect(ancestorsOf('A', rows).sort()).toEqual(['A', 'B']);
  });
});
