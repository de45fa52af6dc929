import { describe, expect, it } from 'vitest';
import { createMerchantRegistry, describeMerchants } from './merchants.js';

const secret = 'SUPERSECRET-do-not-print-0001';
const file = {
  merchants: [
    {
      id: 'h22',
      name: 'H22',
      agencies: ['*.H22'],
      vnpay: { tmnCode: 'LTHUB022', hashSecret: secret },
      momo: { partnerCode: 'MOMO22', accessKey: 'access-key-22', secretKey: secret },
    },
    { id: 'h22-stp', name: 'STP H22', agencies: ['000.00.01.H22'], vnpay: { tmnCode: 'LTHUB122', hashSecret: secret } },
    { id: 'fallback', name: 'Fallback', agencies: ['*'], paygov: { maDoiTac: '000.00.00.H00', secretKey: secret } },
  ],
};

describe('merchants file', () => {
  const reg = createMerchantRegistry(file);

  it('routes an agency to the most specific account: exact, then *.suffix, then *', () => {
    expect(reg.forAgency('000.00.01.H22')?.id).toBe('h22-stp');
    expect(reg.forAgency('000.00.02.H22')?.id).toBe('h22');
    expect(reg.forAgency('000.00.01.H56')?.id).toBe('fallback');
  });

  it('routes notifications by the provider-side merchant id', () => {
    expect(reg.byMerchantId('vnpay', 'LTHUB122')?.id).toBe('h22-stp');
    expect(reg.byMerchantId('momo', 'MOMO22')?.id).toBe('h22');
    expect(reg.byMerchantId('paygov', '000.00.00.H00')?.id).toBe('fallback');
    expect(reg.byMerchantId('vnpay', 'NOTOURS1')).toBeUndefined();
  });

  it('describes merchants for the log without any secret', () => {
    const text = JSON.stringify(describeMerchants(reg));
    expect(text).toContain('LTHUB022');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('access-key-22');
  });

  it.each([
    [
      'a duplicate terminal',
      { merchants: [file.merchants[0], { ...file.merchants[1], vnpay: { tmnCode: 'LTHUB022', hashSecret: secret } }] },
      /vnpay merchant id LTHUB022 is used twice/,
    ],
    [
      'a pattern in two accounts',
      { merchants: [file.merchants[0], { ...file.merchants[1], agencies: ['*.H22'] }] },
      /agency pattern \*\.H22/,
    ],
    [
      'a short secret',
      { merchants: [{ ...file.merchants[1], vnpay: { tmnCode: 'LTHUB122', hashSecret: 'short' } }] },
      /hashSecret/,
    ],
    [
      'a secret with a trailing newline',
      { merchants: [{ ...file.merchants[1], vnpay: { tmnCode: 'LTHUB122', hashSecret: `${secret}\n` } }] },
      /hashSecret/,
    ],
    [
      'a PayGov secret with the chain separator',
      { merchants: [{ ...file.merchants[2], paygov: { maDoiTac: 'X', secretKey: 'abc|defghijk' } }] },
      /secretKey/,
    ],
    ['an unknown field', { merchants: [{ ...file.merchants[1], extra: 1 }] }, /additional properties/],
    ['not an object', [], /merchants file is invalid/],
  ])('refuses %s, without quoting any secret', (_w, input, why) => {
    let err: Error | undefined;
    try {
      createMerchantRegistry(input);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(why);
    expect(err?.message).not.toContain(secret);
    expect((err as { code?: string }).code).toBe('LT_PAY_MERCHANTS_INVALID');
  });
});
