import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createVnpaySigner } from './signer.js';
import { PAY_REQUEST, TERMINAL } from '../test/fixtures.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const signer = createVnpaySigner(TERMINAL);

describe('buildPayUrl — golden vector', () => {
  // Assembled by hand from payments.md §1.2/§1.3: sorted names, empty values dropped, form encoding.
  const expectedSigned =
    'vnp_Amount=15000000' +
    '&vnp_Command=pay' +
    '&vnp_CreateDate=20250304120607' +
    '&vnp_CurrCode=VND' +
    '&vnp_ExpireDate=20250304122107' +
    '&vnp_IpAddr=203.0.113.7' +
    '&vnp_Locale=vn' +
    '&vnp_OrderInfo=Thanh+toan+le+phi+ho+so+H56.14-250304-0001' +
    '&vnp_OrderType=other' +
    '&vnp_ReturnUrl=https%3A%2F%2Fhub.example.vn%2Fv1%2Fpayments%2Freturn%2Fvnpay' +
    '&vnp_TmnCode=LTHUB001' +
    '&vnp_TxnRef=LT20250304-0001' +
    '&vnp_Version=2.1.0';
  const expectedHash = createHmac('sha512', TERMINAL.hashSecret).update(expectedSigned).digest('hex');

  it('signs the documented string with HMAC-SHA512', () => {
    const built = signer.buildPayUrl(PAY_REQUEST);
    expect(built.secureHash).toBe(expectedHash);
    expect(built.url).toBe(`https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?${expectedSigned}&vnp_SecureHash=${expectedHash}`);
    expect(built.createDate).toBe('20250304120607');
    expect(built.expireDate).toBe('20250304122107');
    expect(built.params).not.toHaveProperty('vnp_SecureHashType');
  });

  it('is identical under two time zones', () => {
    process.env.TZ = 'America/Los_Angeles';
    const a = signer.buildPayUrl(PAY_REQUEST).url;
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    const b = signer.buildPayUrl(PAY_REQUEST).url;
    expect(a).toBe(b);
    expect(a).toContain('vnp_CreateDate=20250304120607');
  });

  it('adds an optional bank code in sorted position and honours expiresAt', () => {
    const built = signer.buildPayUrl({ ...PAY_REQUEST, bankCode: 'VNBANK', expiresAt: new Date('2025-03-04T06:06:07Z') });
    expect(built.url).toMatch(/\?vnp_Amount=15000000&vnp_BankCode=VNBANK&vnp_Command=pay/);
    expect(built.expireDate).toBe('20250304130607');
  });
});

describe('buildPayUrl — input validation', () => {
  it.each([
    ['amountVnd', 1.5, 'LT_VNPAY_INVALID_AMOUNT'],
    ['amountVnd', -5, 'LT_VNPAY_INVALID_AMOUNT'],
    ['amountVnd', '150000', 'LT_VNPAY_INVALID_AMOUNT'],
    ['txnRef', '', 'LT_VNPAY_INVALID_INPUT'],
    ['txnRef', 'a'.repeat(101), 'LT_VNPAY_INVALID_INPUT'],
    ['txnRef', 'ref&vnp_Amount=1', 'LT_VNPAY_INVALID_INPUT'],
    ['orderInfo', 'Thanh toán', 'LT_VNPAY_INVALID_INPUT'],
    ['orderInfo', 'pay (now)!', 'LT_VNPAY_INVALID_INPUT'],
    ['orderInfo', 'x'.repeat(256), 'LT_VNPAY_INVALID_INPUT'],
    ['ipAddr', 'localhost', 'LT_VNPAY_INVALID_INPUT'],
    ['returnUrl', 'javascript:alert(1)', 'LT_VNPAY_INVALID_INPUT'],
    ['locale', 'fr', 'LT_VNPAY_INVALID_INPUT'],
    ['createdAt', new Date('x'), 'LT_VNPAY_INVALID_INPUT'],
    ['expiresAt', new Date('2025-03-04T05:00:00Z'), 'LT_VNPAY_INVALID_INPUT'],
  ])('rejects %s = %s', (field, value, code) => {
    expect(() => signer.buildPayUrl({ ...PAY_REQUEST, [field]: value })).toThrow(expect.objectContaining({ code }));
  });
});

describe('createVnpaySigner', () => {
  it.each([
    [{ tmnCode: 'SHORT', hashSecret: TERMINAL.hashSecret }, 'tmnCode'],
    [{ tmnCode: TERMINAL.tmnCode, hashSecret: '' }, 'hashSecret'],
    [{ tmnCode: TERMINAL.tmnCode, hashSecret: `${TERMINAL.hashSecret}\n` }, 'hashSecret'],
    [{ tmnCode: TERMINAL.tmnCode, hashSecret: TERMINAL.hashSecret, paymentUrl: 'ftp://x' }, 'paymentUrl'],
    [null, '(root)'],
  ])('refuses %j naming %s', (cfg, field) => {
    expect(() => createVnpaySigner(cfg as never)).toThrow(expect.objectContaining({ code: 'LT_VNPAY_INVALID_CONFIG' }));
    expect(() => createVnpaySigner(cfg as never)).toThrow(field);
  });

  it('does not expose the secret', () => {
    expect(JSON.stringify(signer)).not.toContain(TERMINAL.hashSecret);
    expect(Object.values(signer)).not.toContain(TERMINAL.hashSecret);
  });
});
