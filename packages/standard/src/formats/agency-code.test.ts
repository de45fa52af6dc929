import { describe, expect, it } from 'vitest';
import { isAgencyCode, isFullAgencyCode, levelOneUnitOf } from './agency-code.js';

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
  ])('refuses %s', (c) => expect(isAgencyCode(c)).toBe(false));
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
