import { describe, expect, it } from 'vitest';
import { fromVnpayAmount, toVnpayAmount } from './amount.js';

describe('VND amounts', () => {
  it('multiplies by 100 on the wire and divides back exactly [V1]', () => {
    expect(toVnpayAmount(10_000)).toBe('1000000');
    expect(fromVnpayAmount('1000000')).toBe(10_000);
    expect(fromVnpayAmount('0')).toBeUndefined();
    expect(fromVnpayAmount('000')).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1000', null, 2 ** 53, 10_000_000_000])('rejects %s', (v) => {
    expect(() => toVnpayAmount(v as number)).toThrow(expect.objectContaining({ code: 'LT_VNPAY_INVALID_AMOUNT' }));
  });

  it.each(['100050', '12.00', '-100', '1e5', ' 100', 100, '1'.repeat(16)])('refuses wire value %s', (v) => {
    expect(fromVnpayAmount(v)).toBeUndefined();
  });
});
