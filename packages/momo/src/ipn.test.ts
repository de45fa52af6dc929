import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMomoSigner } from './signer.js';
import { readMomoPartnerCode } from './ipn.js';
import { PARTNER } from '../test/fixtures.js';

const signer = createMomoSigner(PARTNER);

/** An IPN as MoMo posts it [M1][M2], signed by hand over the 13-field string. */
function ipn(over: Record<string, unknown> = {}): Record<string, unknown> {
  const b: Record<string, unknown> = {
    partnerCode: PARTNER.partnerCode,
    orderId: 'LT-H56-250304-0001-1',
    requestId: 'req-250304-0001-1',
    amount: 50000,
    orderInfo: 'Lệ phí hồ sơ',
    orderType: 'momo_wallet',
    transId: 4088878653,
    resultCode: 0,
    message: 'Successful.',
    payType: 'qr',
    responseTime: 1741064767000,
    extraData: '',
    partnerUserId: '',
    ...over,
  };
  const raw =
    `accessKey=${PARTNER.accessKey}&amount=${b.amount}&extraData=${b.extraData}&message=${b.message}&orderId=${b.orderId}` +
    `&orderInfo=${b.orderInfo}&orderType=${b.orderType}&partnerCode=${b.partnerCode}&payType=${b.payType}&requestId=${b.requestId}` +
    `&responseTime=${b.responseTime}&resultCode=${b.resultCode}&transId=${b.transId}`;
  return { ...b, signature: createHmac('sha256', PARTNER.secretKey).update(raw).digest('hex') };
}

describe('verifyIpn', () => {
  it('accepts a signed IPN (golden) and reads it', () => {
    const r = signer.verifyIpn(ipn());
    expect(r).toMatchObject({
      ok: true,
      ipn: { amountVnd: 50000, transId: '4088878653', resultCode: 0, paid: true, result: { category: 'success' } },
    });
  });

  it('reads a failed payment as not paid', () => {
    expect(signer.verifyIpn(ipn({ resultCode: 1006, message: 'Người dùng từ chối' }))).toMatchObject({
      ok: true,
      ipn: { paid: false, result: { category: 'payment_failed' } },
    });
  });

  it('tolerates digit strings for Long fields', () => {
    const b = ipn();
    expect(signer.verifyIpn({ ...b, amount: '50000', transId: '4088878653' }).ok).toBe(true);
  });

  it.each([
    ['amount raised', { amount: 5000000 }],
    ['resultCode flipped', { resultCode: 0, message: 'x' }],
    ['orderId swapped', { orderId: 'OTHER' }],
  ])('rejects %s after signing', (_n, change) => {
    expect(signer.verifyIpn({ ...ipn({ resultCode: 1006 }), ...change })).toMatchObject({
      ok: false,
      code: 'LT_MOMO_SIGNATURE_MISMATCH',
    });
  });

  it('rejects missing signature, other partner, missing fields', () => {
    const { signature: _s, ...unsigned } = ipn();
    expect(signer.verifyIpn(unsigned)).toMatchObject({ code: 'LT_MOMO_SIGNATURE_MISSING' });
    expect(signer.verifyIpn(ipn({ partnerCode: 'OTHER' }))).toMatchObject({ code: 'LT_MOMO_PARTNER_MISMATCH' });
    const { transId: _t, ...noTrans } = ipn();
    expect(signer.verifyIpn(noTrans)).toMatchObject({ code: 'LT_MOMO_MALFORMED' });
  });

  const b = ipn();
  it.each([
    undefined,
    null,
    'string',
    7,
    [],
    [b],
    { ...b, amount: 50000.5 },
    { ...b, amount: [50000] },
    { ...b, amount: 1e21 },
    { ...b, resultCode: '0; drop' },
    { ...b, orderInfo: 'x'.repeat(1_000_000) },
    { ...b, signature: 'g'.repeat(64) },
    { ...b, signature: 'a'.repeat(100_000) },
    { ...b, message: { toString: 'x' } },
    JSON.parse('{"__proto__": {"signature": "x"}}'),
  ])('refuses hostile body %#', (h) => {
    expect(signer.verifyIpn(h).ok).toBe(false);
  });

  it('routes by partnerCode', () => {
    expect(readMomoPartnerCode(ipn())).toBe(PARTNER.partnerCode);
    expect(readMomoPartnerCode({ partnerCode: { $ne: 1 } })).toBeUndefined();
  });
});
