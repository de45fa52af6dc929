import { describe, expect, it } from 'vitest';
import { isAgencyCode, isAgencyCodeLike, isFullAgencyCode, levelOneUnitOf } from './agency-code.js';

describe('agency codes (QCVN 102)', () => {
  it.each(['000.00.01.H22', '000.00.00.H56', '000.00.04.G18', '001.31.30.H29', 'H56.14', 'H56.14.02'])('accepts %s', (c) =>
    expect(isAgencyCode(c)).toBe(true),
  );
  it.each([
    'H22',
    '000.00.01',
    '000.00.01.h22',
    '00.00.01.H22',
    '000.00.01.H2',
    '000.00.01.H220',
    ' 000.00.01.H22',
    '000-00-01-H22',
  ])('does not take %j for a QCVN code', (c) => expect(isAgencyCode(c)).toBe(false));
  // What the hub keys agency scopes on: QCVN codes and codes of other widths (a warning), nothing with other characters.
  it.each(['000.00.01.H22', 'H56.14', 'H22', '000.00.01', '000.00.01.h22', '00.00.01.H22', 'HAGIANG'])('%s is agency-like', (c) =>
    expect(isAgencyCodeLike(c)).toBe(true),
  );
  it.each([' 000.00.01.H22', '000-00-01-H22', '000..01.H22', '.H22', 'H22.', 'Hà.22', 'H22\u0000', ''])('%j is not', (c) =>
    expect(isAgencyCodeLike(c)).toBe(false),
  );
  it('tells the full form from the short one', () => {
    expect(isFullAgencyCode('000.00.01.H22')).toBe(true);
    expect(isFullAgencyCode('H56.14')).toBe(false);
  });
  it('finds the level-1 unit', () => {
    expect(levelOneUnitOf('000.00.01.H22')).toBe('H22');
    expect(levelOneUnitOf('H56.14')).toBe('H56');
    expect(levelOneUnitOf('bad')).toBeUndefined();
  });
});
