import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVnpaySigner } from './signer.js';
import { readVnpayTmnCode } from './callback.js';
import { TERMINAL } from '../test/fixtures.js';

const signer = createVnpaySigner(TERMINAL);

/** An IPN as VNPAY sends it [V1], signed by hand: sorted, empty dropped, form-encoded, HMAC-SHA512. */
function ipn(overrides: Record<string, string> = {}): Record<string, string> {
  const p: Record<string, string> = {
    vnp_Amount: '15000000',
    vnp_BankCode: 'NCB',
    vnp_BankTranNo: 'VNP14422574',
    vnp_CardType: 'ATM',
    vnp_OrderInfo: 'Thanh toan le phi',
    vnp_PayDate: '20250304121530',
    vnp_ResponseCode: '00',
    vnp_TmnCode: TERMINAL.tmnCode,
    vnp_TransactionNo: '14422574',
    vnp_TransactionStatus: '00',
    vnp_TxnRef: 'LT20250304-0001',
    ...overrides,
  };
  const data = Object.keys(p)
    .filter((k) => p[k] !== '')
    .sort()
    .map((k) => `${k}=${encodeURIComponent(p[k] as string).replace(/%20/g, '+')}`)
    .join('&');
  return { ...p, vnp_SecureHash: createHmac('sha512', TERMINAL.hashSecret).update(data).digest('hex') };
}

describe('verifyCallback — genuine calls', () => {
  it('accepts a signed IPN and reads its fields', () => {
    const r = signer.verifyCallback(ipn());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.callback).toMatchObject({
      tmnCode: TERMINAL.tmnCode,
      txnRef: 'LT20250304-0001',
      amountVnd: 150_000,
      responseCode: '00',
      transactionStatus: '00',
      transactionNo: '14422574',
      paid: true,
    });
    expect(r.callback.paidAt?.toISOString()).toBe('2025-03-04T05:15:30.000Z');
  });

  it('ignores parameters without the vnp_ prefix (a merchant parameter on the IPN URL) [V1]', () => {
    expect(signer.verifyCallback({ ...ipn(), agency: 'H56', utm_source: 'x' }).ok).toBe(true);
  });

  it('accepts an upper-case hex signature (letter case unconfirmed, §7)', () => {
    const q = ipn();
    expect(signer.verifyCallback({ ...q, vnp_SecureHash: q.vnp_SecureHash!.toUpperCase() }).ok).toBe(true);
  });

  it('drops empty values from the signed string (vnp_BankTranNo="")', () => {
    expect(signer.verifyCallback(ipn({ vnp_BankTranNo: '' })).ok).toBe(true);
  });

  it('is paid only when ResponseCode AND TransactionStatus are 00 (C# demo rule)', () => {
    const a = signer.verifyCallback(ipn({ vnp_TransactionStatus: '02' }));
    const b = signer.verifyCallback(ipn({ vnp_ResponseCode: '24', vnp_TransactionStatus: '02' }));
    expect(a.ok && a.callback.paid).toBe(false);
    expect(b.ok && b.callback.paid).toBe(false);
    expect(b.ok && b.callback.responseCode).toBe('24');
  });

  it('routes by TmnCode without trusting anything else', () => {
    expect(readVnpayTmnCode(ipn())).toBe(TERMINAL.tmnCode);
    expect(readVnpayTmnCode({ vnp_TmnCode: ['A', 'B'] })).toBeUndefined();
    expect(readVnpayTmnCode('vnp_TmnCode=X')).toBeUndefined();
  });
});

describe('verifyCallback — tampered, forged, missing', () => {
  it.each([
    ['amount raised', { vnp_Amount: '99900000' }],
    ['status flipped', { vnp_ResponseCode: '00', vnp_TransactionStatus: '00', vnp_TxnRef: 'OTHER-REF' }],
    ['extra signed field', { vnp_Extra: '1' }],
  ])('rejects %s after signing with 97', (_name, change) => {
    const r = signer.verifyCallback({ ...ipn(), ...change });
    expect(r).toMatchObject({ ok: false, code: 'LT_VNPAY_SIGNATURE_MISMATCH', ipnReply: { RspCode: '97' } });
  });

  it('rejects a call signed with another secret', () => {
    const forged = createVnpaySigner({ ...TERMINAL, hashSecret: 'ANOTHERSECRETANOTHERSECRET123456' });
    const q = ipn();
    const other = createHmac('sha512', 'ANOTHERSECRETANOTHERSECRET123456').update('x').digest('hex');
    expect(signer.verifyCallback({ ...q, vnp_SecureHash: other }).ok).toBe(false);
    expect(forged.verifyCallback(q).ok).toBe(false);
  });

  it('rejects a missing or empty signature', () => {
    const { vnp_SecureHash: _drop, ...unsigned } = ipn();
    expect(signer.verifyCallback(unsigned)).toMatchObject({
      ok: false,
      code: 'LT_VNPAY_SIGNATURE_MISSING',
      ipnReply: { RspCode: '97' },
    });
    expect(signer.verifyCallback({ ...ipn(), vnp_SecureHash: '' })).toMatchObject({ code: 'LT_VNPAY_SIGNATURE_MISSING' });
  });

  it('rejects a call for another terminal', () => {
    expect(signer.verifyCallback(ipn({ vnp_TmnCode: 'OTHER001' }))).toMatchObject({
      ok: false,
      code: 'LT_VNPAY_TERMINAL_MISMATCH',
    });
  });

  it('rejects signed but unusable fields with 99', () => {
    expect(signer.verifyCallback(ipn({ vnp_Amount: '12345' }))).toMatchObject({
      ok: false,
      code: 'LT_VNPAY_MALFORMED',
      ipnReply: { RspCode: '99' },
    });
    expect(signer.verifyCallback(ipn({ vnp_TxnRef: '' }))).toMatchObject({ code: 'LT_VNPAY_MALFORMED' });
    expect(signer.verifyCallback(ipn({ vnp_ResponseCode: 'ok' }))).toMatchObject({ code: 'LT_VNPAY_MALFORMED' });
  });
});

describe('verifyCallback — hostile input never throws', () => {
  const hostile: unknown[] = [
    undefined,
    null,
    'vnp_Amount=1',
    42,
    [],
    [ipn()],
    { ...ipn(), vnp_Amount: ['15000000', '1'] },
    { ...ipn(), vnp_Amount: { $gt: 0 } },
    { ...ipn(), vnp_Amount: 15000000 },
    { ...ipn(), vnp_OrderInfo: 'x'.repeat(1_000_000) },
    { ...ipn(), vnp_SecureHash: 'z'.repeat(128) },
    { ...ipn(), vnp_SecureHash: 'a'.repeat(10_000) },
    { ...ipn(), vnp_OrderInfo: 'bad\uD800surrogate' },
    Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`vnp_K${i}`, 'v'])),
    JSON.parse('{"__proto__": {"vnp_TmnCode": "LTHUB001"}, "vnp_SecureHash": "00"}'),
  ];
  it.each(hostile.map((h, i) => [i, h]))('case %i is refused', (_i, input) => {
    const r = signer.verifyCallback(input);
    expect(r.ok).toBe(false);
  });
});
