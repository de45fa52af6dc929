import { describe, expect, it } from 'vitest';
import { isMaTTHC, isUsualMaTTHC, parseMaTTHC } from './ma-tthc.js';

describe('MaTTHC', () => {
  it('national form', () => expect(parseMaTTHC('1.005129')).toEqual({ national: '1.005129' }));
  it('provincial variant with a full agency code', () =>
    expect(parseMaTTHC('1.003560.000.00.00.H56')).toEqual({ national: '1.003560', agencyCode: '000.00.00.H56' }));
  it('provincial variants with a short suffix', () => {
    expect(parseMaTTHC('2.002621.H56')).toEqual({ national: '2.002621', agencyCode: 'H56' });
    expect(parseMaTTHC('3.000181.H22.14')).toEqual({ national: '3.000181', agencyCode: 'H22.14' });
  });
  it.each(['1.005129', '1.003560.000.00.00.H56', '2.002621.H56', '3.000181.H22.14'])('%s is of the usual shape', (v) =>
    expect(isUsualMaTTHC(v)).toBe(true),
  );
  // The suffix's structure is [inf]: accepted (a warning), not usual.
  it.each(['1.005129.H5', '1.003560.000.00.001.H56', '1.005129.h56'])('accepts %s, but not as the usual shape', (v) => {
    expect(isMaTTHC(v)).toBe(true);
    expect(isUsualMaTTHC(v)).toBe(false);
  });
  it.each(['1.00512', '10.005129', '1.005129.', '1.005129..H56', '1,005129', 'KHAISINH', '1.005129 ', '1.005129.H 56'])(
    'refuses %j',
    (v) => {
      expect(isMaTTHC(v)).toBe(false);
      expect(isUsualMaTTHC(v)).toBe(false);
    },
  );
});
