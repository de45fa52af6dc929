import { describe, expect, it } from 'vitest';
import { isOldId, isPersonalId, isTaxCode } from './identity-numbers.js';

describe('identity numbers', () => {
  it('personal ID: exactly 12 digits', () => {
    expect(isPersonalId('022090001234')).toBe(true);
    for (const v of ['02209000123', '0220900012345', '02209000123a', ' 022090001234']) expect(isPersonalId(v)).toBe(false);
  });
  it('old ID: exactly 9 digits', () => {
    expect(isOldId('125678901')).toBe(true);
    for (const v of ['12567890', '1256789012', '12567890x']) expect(isOldId(v)).toBe(false);
  });
  it('tax code: 10 digits, or 10-3 for a branch', () => {
    expect(isTaxCode('5701234567')).toBe(true);
    expect(isTaxCode('5701234567-001')).toBe(true);
    for (const v of ['570123456', '57012345678', '5701234567-1', '5701234567001', '5701234567 001'])
      expect(isTaxCode(v)).toBe(false);
  });
});
