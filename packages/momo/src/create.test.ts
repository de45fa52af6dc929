import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMomoSigner } from './signer.js';
import { CREATE, PARTNER } from '../test/fixtures.js';

const signer = createMomoSigner(PARTNER);
const hmac = (s: string) => createHmac('sha256', PARTNER.secretKey).update(s).digest('hex');

describe('buildCreate — golden vector [M1]', () => {
  it('signs the fixed-order raw string, accessKey in the string and not in the body', () => {
    const body = signer.buildCreate(CREATE);
    const raw =
      'accessKey=F8BBA842ECF85&amount=50000&extraData=' +
      '&ipnUrl=https://hub.example.vn/v1/payments/ipn/momo' +
      '&orderId=LT-H56-250304-0001-1' +
      '&orderInfo=Lệ phí hồ sơ H56.14-250304-0001' +
      '&partnerCode=MOMOLT2025' +
      '&redirectUrl=https://hub.example.vn/v1/payments/return/momo' +
      '&requestId=req-250304-0001-1&requestType=captureWallet';
    expect(body.signature).toBe(hmac(raw));
    expect(body).toMatchObject({
      partnerCode: 'MOMOLT2025',
      amount: 50000,
      requestType: 'captureWallet',
      extraData: '',
      lang: 'vi',
    });
    expect(body).not.toHaveProperty('accessKey');
    // autoCapture is sent but not signed [M1]; the raw-string builder takes only signable values.
    const { autoCapture: _unsigned, ...signable } = body;
    expect(signer.rawString('create', signable)).toBe(raw);
  });

  it.each([
    ['amountVnd', 999, 'LT_MOMO_INVALID_AMOUNT'],
    ['amountVnd', 50_000_001, 'LT_MOMO_INVALID_AMOUNT'],
    ['amountVnd', 1000.5, 'LT_MOMO_INVALID_AMOUNT'],
    ['amountVnd', '50000', 'LT_MOMO_INVALID_AMOUNT'],
    ['orderId', '-starts-with-dash', 'LT_MOMO_INVALID_INPUT'],
    ['orderId', 'a'.repeat(201), 'LT_MOMO_INVALID_INPUT'],
    ['requestId', '', 'LT_MOMO_INVALID_INPUT'],
    ['orderInfo', ' ', 'LT_MOMO_INVALID_INPUT'],
    ['ipnUrl', 'not a url', 'LT_MOMO_INVALID_INPUT'],
    ['extraData', '{"json":"not base64"}', 'LT_MOMO_INVALID_INPUT'],
    ['requestType', 'payLater', 'LT_MOMO_INVALID_INPUT'],
  ])('rejects %s = %s', (field, value, code) => {
    expect(() => signer.buildCreate({ ...CREATE, [field]: value })).toThrow(expect.objectContaining({ code }));
  });

  it('applies the ATM minimum [M6]', () => {
    expect(() => signer.buildCreate({ ...CREATE, requestType: 'payWithATM', amountVnd: 5_000 })).toThrow(/10000/);
  });
});

describe('verifyCreateResponse', () => {
  const answer = (over: Record<string, unknown> = {}) => {
    const a: Record<string, unknown> = {
      partnerCode: PARTNER.partnerCode,
      requestId: CREATE.requestId,
      orderId: CREATE.orderId,
      amount: 50000,
      responseTime: 1741064767000,
      message: 'Thành công.',
      resultCode: 0,
      payUrl: 'https://test-payment.momo.vn/v2/gateway/pay?t=abc',
      ...over,
    };
    const raw = `accessKey=${PARTNER.accessKey}&amount=${a.amount}&orderId=${a.orderId}&partnerCode=${a.partnerCode}&payUrl=${a.payUrl}&requestId=${a.requestId}&responseTime=${a.responseTime}&resultCode=${a.resultCode}`;
    return { ...a, signature: hmac(raw) };
  };
  const expectFor = { orderId: CREATE.orderId, requestId: CREATE.requestId, amountVnd: 50_000 };

  it('accepts a signed success that echoes the request', () => {
    expect(signer.verifyCreateResponse(answer(), expectFor)).toMatchObject({
      ok: true,
      payUrl: 'https://test-payment.momo.vn/v2/gateway/pay?t=abc',
    });
  });

  it('rejects a tampered payUrl, an unsigned success and a wrong echo', () => {
    expect(signer.verifyCreateResponse({ ...answer(), payUrl: 'https://evil.example/pay' }, expectFor)).toMatchObject({
      ok: false,
      code: 'LT_MOMO_SIGNATURE_MISMATCH',
    });
    const { signature: _s, ...unsigned } = answer();
    expect(signer.verifyCreateResponse(unsigned, expectFor)).toMatchObject({ ok: false, code: 'LT_MOMO_SIGNATURE_MISSING' });
    expect(signer.verifyCreateResponse(answer({ amount: 1000 }), expectFor)).toMatchObject({
      ok: false,
      code: 'LT_MOMO_ECHO_MISMATCH',
    });
  });

  it('reports a refusal with its current-table entry', () => {
    expect(signer.verifyCreateResponse({ resultCode: 41, message: 'Duplicate orderId' }, expectFor)).toMatchObject({
      ok: false,
      code: 'LT_MOMO_REJECTED',
      result: { code: 41, category: 'request_error' },
    });
  });

  it.each([null, 'x', [], {}, { resultCode: '0x' }, { resultCode: 0 }, { ...answer(), amount: { a: 1 } }])(
    'refuses hostile answer %#',
    (b) => {
      expect(signer.verifyCreateResponse(b, expectFor).ok).toBe(false);
    },
  );
});

describe('createMomoSigner', () => {
  it.each([
    [{ ...PARTNER, partnerCode: '' }, 'partnerCode'],
    [{ ...PARTNER, accessKey: 'short' }, 'accessKey'],
    [{ ...PARTNER, secretKey: ` ${PARTNER.secretKey}` }, 'secretKey'],
    [undefined, '(root)'],
  ])('refuses %j naming %s', (cfg, field) => {
    expect(() => createMomoSigner(cfg as never)).toThrow(expect.objectContaining({ code: 'LT_MOMO_INVALID_CONFIG' }));
    expect(() => createMomoSigner(cfg as never)).toThrow(field);
  });

  it('does not expose the keys', () => {
    expect(JSON.stringify(signer)).not.toContain(PARTNER.secretKey);
    expect(Object.values(signer)).not.toContain(PARTNER.secretKey);
  });
});
