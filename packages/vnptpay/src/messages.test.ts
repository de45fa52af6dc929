import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildVnptpayInit,
  buildVnptpayIpnReply,
  buildVnptpayQuery,
  computeResponseSecureCode,
  readVnptpayInitReply,
  readVnptpayQueryResponse,
  verifyVnptpayIpn,
  vnptpayHashInput,
} from './index.js';

const M = { merchantServiceId: '470', secretKey: 'VNPTPAY-TEST-SECRET-0001', apiKey: 'test-api-key-jwt' };
const created = new Date('2025-11-23T03:00:00Z'); // 10:00:00 in GMT+7

/**
 * Golden vectors: the expected SECURE_CODE values were computed outside this code, with
 * `printf '%s' '<pipe string>' | sha256sum`, from the field orders of the reference (§1.3) — so a change
 * of order, separator, case or encoding fails here.
 */
describe('SECURE_CODE golden vectors (v1.0.5)', () => {
  it('INIT: the 14 fields in [VP1][VP2] order, secret last', () => {
    const msg = buildVnptpayInit(M, {
      orderId: '0a1b2c3d4e5f',
      amount: 50_000,
      description: 'Thanh toán lệ phí hồ sơ 000.00.01.H22-251123-0001',
      createdAt: created,
      clientIp: '203.0.113.7',
    });
    expect(Object.keys(msg)).toEqual([
      'ACTION',
      'VERSION',
      'MERCHANT_SERVICE_ID',
      'MERCHANT_ORDER_ID',
      'AMOUNT',
      'AMOUNT_DETAIL',
      'SERVICE_ID',
      'DEVICE',
      'LOCALE',
      'CURRENCY_CODE',
      'PAYMENT_METHOD',
      'DESCRIPTION',
      'CREATE_DATE',
      'CLIENT_IP',
      'SECURE_CODE',
    ]);
    expect(msg.DESCRIPTION).toBe('Thanh toan le phi ho so 000.00.01.H22-251123-0001');
    expect(msg.CREATE_DATE).toBe('20251123100000');
    expect(msg.SECURE_CODE).toBe('44a948810fd96bb13c9f6af998d5eba72d63c2f2b2b5df9dcbd8618b02c3a8cb');
  });

  it('QUERY: ACTION|VERSION|MERCHANT_SERVICE_ID|MERCHANT_ORDER_ID|CREATE_DATE|secret', () => {
    const q = buildVnptpayQuery(M, { orderId: '0a1b2c3d4e5f', createDate: '20251123100000' });
    expect(q.SECURE_CODE).toBe('d61a460120eca01aa3ad6dbd6ffbbc61b81d11ee1c0a1bae3ffd9a3cb83af5a8');
  });

  it('IPN reply: 5 fields, secret last', () => {
    const r = buildVnptpayIpnReply(
      'ok',
      { merchantServiceId: '470', orderId: '0a1b2c3d4e5f' },
      M.secretKey,
      new Date('2025-11-23T03:06:00Z'),
    );
    expect(r).toEqual({
      RESPONSE_CODE: '00',
      DESCRIPTION: 'Confirm Success',
      MERCHANT_SERVICE_ID: '470',
      MERCHANT_ORDER_ID: '0a1b2c3d4e5f',
      CREATE_DATE: '20251123100600',
      SECURE_CODE: 'cee8a8736214b8c9de749ce59211c21b322f52e8cbf951121ffd73ec7ad91935',
    });
  });

  it('a DESCRIPTION with a pipe cannot shift the chain', () => {
    const msg = buildVnptpayInit(M, { orderId: 'x1', amount: 1, description: 'a|b', createdAt: created, clientIp: '127.0.0.1' });
    expect(msg.DESCRIPTION).toBe('a b');
  });
});

const ipn = {
  ACTION: 'PAYMENT',
  RESPONSE_CODE: '00',
  MERCHANT_SERVICE_ID: '470',
  MERCHANT_ORDER_ID: '0a1b2c3d4e5f',
  AMOUNT: '50000',
  CURRENCY_CODE: 'VND',
  VNPTPAY_TRANSACTION_ID: '98765432',
  PAYMENT_METHOD: 'VNPTPAY',
  PAY_DATE: '20251123100512',
  // ADDITIONAL_INFO absent: hashed as "" [VP3][VP4]
  SECURE_CODE: '118a92f232838ca69c439183fb42ed29e5dfdafaae0232954cfb11394375cc96',
};
const secretOf = (id: string) => (id === '470' ? M.secretKey : undefined);

describe('IPN in both transports', () => {
  it('plain JSON and a form field `data` holding the JSON verify alike (golden vector)', () => {
    expect(vnptpayHashInput('ipn', ipn, 'S')).toBe('PAYMENT|00|470|0a1b2c3d4e5f|50000|VND|98765432|VNPTPAY|20251123100512||S');
    for (const body of [ipn, { data: JSON.stringify(ipn) }]) {
      const c = verifyVnptpayIpn(body, secretOf);
      expect(c).toMatchObject({
        ok: true,
        orderId: '0a1b2c3d4e5f',
        verdict: { kind: 'paid', amount: 50_000, transactionId: '98765432' },
      });
    }
  });

  it('refuses a wrong signature, a changed amount, an unknown merchant and malformed bodies', () => {
    expect(verifyVnptpayIpn({ ...ipn, AMOUNT: '5000' }, secretOf)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyVnptpayIpn({ ...ipn, SECURE_CODE: 'f'.repeat(64) }, secretOf)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyVnptpayIpn({ ...ipn, SECURE_CODE: undefined }, secretOf)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyVnptpayIpn({ ...ipn, MERCHANT_SERVICE_ID: '999' }, secretOf)).toMatchObject({
      ok: false,
      reason: 'unknown_merchant',
    });
    for (const bad of [
      null,
      'x',
      [],
      { data: '{' },
      { data: '[1]' },
      { ...ipn, AMOUNT: { $gt: 1 } },
      { __proto__x: 1 },
      { data: 'x'.repeat(20_000) },
    ])
      expect(verifyVnptpayIpn(bad, secretOf)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('a non-00 RESPONSE_CODE is a failure, verified the same way', () => {
    const failed = { ...ipn, RESPONSE_CODE: '01' };
    const signed = { ...failed, SECURE_CODE: computeWith(failed) };
    expect(verifyVnptpayIpn(signed, secretOf)).toMatchObject({ ok: true, verdict: { kind: 'failed', code: '01' } });
  });
});

describe('answers', () => {
  it('INIT reply: redirect URL, the inferred response hash only warned about', () => {
    const body = { RESPONSE_CODE: '00', DESCRIPTION: 'ok', REDIRECT_URL: 'https://sandbox.vnptpay.vn/pay?x=1' };
    const signed = { ...body, SECURE_CODE: computeResponseSecureCode(body, M.secretKey) };
    expect(readVnptpayInitReply(M, signed)).toEqual({ ok: true, redirectUrl: body.REDIRECT_URL, signatureVerified: true });
    expect(readVnptpayInitReply(M, { ...body, SECURE_CODE: '00' })).toMatchObject({ ok: true, signatureVerified: false });
    expect(readVnptpayInitReply(M, { RESPONSE_CODE: '03', DESCRIPTION: 'exists' })).toEqual({
      ok: false,
      code: '03',
      description: 'exists',
    });
    expect(readVnptpayInitReply(M, { RESPONSE_CODE: '00', REDIRECT_URL: 'javascript:alert(1)' })).toMatchObject({ ok: false });
  });

  it('QUERY answer: only a verified answer decides; statuses as assumed [inf]', () => {
    const base = {
      RESPONSE_CODE: '00',
      MERCHANT_SERVICE_ID: '470',
      MERCHANT_ORDER_ID: 'o1',
      VNPTPAY_TRANSACTION_ID: 't1',
      AMOUNT: '50000',
    };
    const sign = (b: Record<string, string>) => ({ ...b, SECURE_CODE: computeResponseSecureCode(b, M.secretKey) });
    expect(readVnptpayQueryResponse(M, sign({ ...base, TRANSACTION_STATUS: '1' }), { orderId: 'o1' })).toEqual({
      kind: 'answer',
      verdict: { kind: 'paid', amount: 50_000, transactionId: 't1', code: '1' },
    });
    expect(readVnptpayQueryResponse(M, sign({ ...base, TRANSACTION_STATUS: '0' }), { orderId: 'o1' })).toMatchObject({
      verdict: { kind: 'pending' },
    });
    expect(readVnptpayQueryResponse(M, sign({ ...base, TRANSACTION_STATUS: '7' }), { orderId: 'o1' })).toMatchObject({
      verdict: { kind: 'unknown' },
    });
    expect(readVnptpayQueryResponse(M, sign({ RESPONSE_CODE: '05' }), { orderId: 'o1' })).toMatchObject({
      verdict: { kind: 'not_found' },
    });
    expect(readVnptpayQueryResponse(M, { ...base, TRANSACTION_STATUS: '1', SECURE_CODE: 'ab' }, { orderId: 'o1' })).toMatchObject(
      { kind: 'no_answer' },
    );
    expect(readVnptpayQueryResponse(M, sign({ ...base, TRANSACTION_STATUS: '1' }), { orderId: 'o2' })).toMatchObject({
      kind: 'no_answer',
    });
  });
});

function computeWith(fields: Record<string, string>): string {
  // An independent recomputation of the IPN hash for a variant (node:crypto, the order written out here).
  const order = [
    'ACTION',
    'RESPONSE_CODE',
    'MERCHANT_SERVICE_ID',
    'MERCHANT_ORDER_ID',
    'AMOUNT',
    'CURRENCY_CODE',
    'VNPTPAY_TRANSACTION_ID',
    'PAYMENT_METHOD',
    'PAY_DATE',
    'ADDITIONAL_INFO',
  ];
  return createHash('sha256')
    .update([...order.map((k) => fields[k] ?? ''), M.secretKey].join('|'))
    .digest('hex');
}
