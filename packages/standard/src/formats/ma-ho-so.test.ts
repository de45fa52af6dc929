import { describe, expect, it } from 'vitest';
import { agencyCodeOfMaHoSo, isMaHoSo, isUsualMaHoSo, parseMaHoSo } from './ma-ho-so.js';

describe('MaHoSo', () => {
  it('splits into agency, day and sequence', () => {
    expect(parseMaHoSo('000.00.01.H22-250115-0001')).toEqual({ agencyCode: '000.00.01.H22', day: '250115', sequence: '0001' });
    expect(parseMaHoSo('H56.14-250401-00002')).toEqual({ agencyCode: 'H56.14', day: '250401', sequence: '00002' });
  });
  it('returns the receiving agency', () => {
    expect(agencyCodeOfMaHoSo('000.00.01.H22-250115-0001')).toBe('000.00.01.H22');
    expect(agencyCodeOfMaHoSo('000.00.04.G18-250301-12345')).toBe('000.00.04.G18');
  });
  it.each([
    ['000.00.01.H22-250115-0001', '000.00.01.H22'],
    ['H56.14-250401-00002', 'H56.14'],
  ])('%s is of the usual shape', (v) => expect(isUsualMaHoSo(v)).toBe(true));
  // [inf] parts: the hub accepts these (and names their agency as written), the standard warns.
  it.each([
    ['H22-250115-0001', 'H22'],
    ['000.00.001.H22-250115-0001', '000.00.001.H22'],
    ['000.01.H22-250115-0001', '000.01.H22'],
    ['000.00.01.h22-250115-0001', '000.00.01.h22'],
    ['000.00.01.H22-250230-0001', '000.00.01.H22'],
    ['HAGIANG-250115-0001', 'HAGIANG'],
  ])('accepts %s with agency %s, but not as the usual shape', (v, agency) => {
    expect(isMaHoSo(v)).toBe(true);
    expect(agencyCodeOfMaHoSo(v)).toBe(agency);
    expect(isUsualMaHoSo(v)).toBe(false);
  });
  it.each([
    '000.00.01.H22-250115-001',
    '000.00.01.H22-2501150-0001',
    '000.00.01.H22_250115_0001',
    '000.00.01.H22-250115-0001-x',
    '000..01.H22-250115-0001',
    '.000.00.01.H22-250115-0001',
    '000.00.01 H22-250115-0001',
    '000.00.01.H22-250115-0001\n',
    'Hà Giang-250115-0001',
    '-250115-0001',
    '',
  ])('refuses %j and names no agency for it', (v) => {
    expect(isMaHoSo(v)).toBe(false);
    expect(isUsualMaHoSo(v)).toBe(false);
    expect(agencyCodeOfMaHoSo(v)).toBeUndefined();
  });
});
