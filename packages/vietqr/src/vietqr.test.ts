import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with `export default`: under NodeNext its default import is the module object.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;
import {
  buildVietQrPayload,
  crc16CcittFalse,
  findPaymentCodes,
  newPaymentCode,
  parseVietQrPayload,
  payosCreateSignature,
  payosDataString,
  renderVietQrPng,
  verifyPayosWebhook,
  verifySepayWebhook,
} from './index.js';

const STATIC = '00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F';
const PREFIX = '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA';

describe('VietQR payload against the reference vectors (§3, all verified there)', () => {
  it('CRC-16/CCITT-FALSE check value', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('static QR [Q2]', () => {
    expect(buildVietQrPayload({ bin: '970416', account: '257678859' })).toBe(STATIC);
  });

  it('dynamic 10,000 VND "Chuyen tien" [Q2] and 1,000 VND [Q1]', () => {
    expect(buildVietQrPayload({ bin: '970416', account: '257678859', amount: 10_000, purpose: 'Chuyen tien' })).toBe(
      `${PREFIX}53037045405100005802VN62150811Chuyen tien630453E6`,
    );
    expect(buildVietQrPayload({ bin: '970416', account: '257678859', amount: 1_000, purpose: 'Chuyen tien' })).toBe(
      `${PREFIX}5303704540410005802VN62150811Chuyen tien6304BBB8`,
    );
  });

  it('parses its own and the reference payloads; a wrong CRC (BBB5) fails', () => {
    expect(parseVietQrPayload(`${PREFIX}5303704540410005802VN62150811Chuyen tien6304BBB8`)).toEqual({
      bin: '970416',
      account: '257678859',
      service: 'QRIBFTTA',
      dynamic: true,
      amount: 1000,
      purpose: 'Chuyen tien',
    });
    expect(parseVietQrPayload(`${PREFIX}5303704540410005802VN62150811Chuyen tien6304BBB5`)).toBeUndefined();
    for (const bad of ['', 'x'.repeat(600), '0002016304ABCD', STATIC.replace('A000000727', 'A000000728')])
      expect(parseVietQrPayload(bad)).toBeUndefined();
  });

  it('refuses what cannot be encoded: diacritics, a bad BIN, a fractional amount', () => {
    expect(() => buildVietQrPayload({ bin: '970416', account: '1', purpose: 'Lệ phí' })).toThrow(/ASCII/);
    expect(() => buildVietQrPayload({ bin: '97041', account: '1' })).toThrow(/bin/);
    expect(() => buildVietQrPayload({ bin: '970416', account: '1', amount: 1.5 })).toThrow(/amount/);
  });
});

describe('the PNG decodes, with an independent decoder (jsqr + pngjs), to the same payload', () => {
  it('renders and reads back', async () => {
    const payload = buildVietQrPayload({
      bin: '970416',
      account: '257678859',
      amount: 50_000,
      purpose: 'LT7K3M9PQ2',
      billNumber: 'LT7K3M9PQ2',
    });
    const png = PNG.sync.read(await renderVietQrPng(payload));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(payload);
    expect(parseVietQrPayload(decoded!.data)).toMatchObject({ amount: 50_000, purpose: 'LT7K3M9PQ2' });
  });
});

describe('payment codes', () => {
  it('are LT + 8 unambiguous base32 characters', () => {
    expect(newPaymentCode(() => Buffer.from([0, 0, 0, 0, 0]))).toBe('LT00000000');
    expect(newPaymentCode(() => Buffer.from([255, 255, 255, 255, 255]))).toBe('LTZZZZZZZZ');
    const many = new Set(Array.from({ length: 2000 }, () => newPaymentCode()));
    expect(many.size).toBe(2000);
    for (const c of many) expect(c).toMatch(/^LT[0-9A-HJKMNP-TV-Z]{8}$/);
  });

  it('are found in what banks deliver, on word boundaries only', () => {
    expect(findPaymentCodes('MBVCB.3278.LT7K3M9PQ2.NGUYEN VAN A chuyen tien')).toEqual(['LT7K3M9PQ2']);
    expect(findPaymentCodes('lt7k3m9pq2 thanh toán lệ phí')).toEqual(['LT7K3M9PQ2']);
    expect(findPaymentCodes('XLT7K3M9PQ2')).toEqual([]);
    expect(findPaymentCodes('LT7K3M9PQ2X')).toEqual([]);
    expect(findPaymentCodes('no code here')).toEqual([]);
    expect(findPaymentCodes('LT7K3M9PQ2 LT00000000')).toEqual(['LT7K3M9PQ2', 'LT00000000']);
  });
});

describe('payOS signatures', () => {
  it('create signature: the reference vector (§4.1, verified there)', () => {
    expect(
      payosCreateSignature('test_checksum_key', {
        amount: 2000,
        cancelUrl: 'http://localhost',
        description: 'Thanh toán đơn hàng',
        orderCode: 0,
        returnUrl: 'http://localhost',
      }),
    ).toBe('d8b7b0e5d19edfe7b1f53dedeb8d1c7c2b62fabd7eb320dbc514c58f13e9e2c5');
  });

  const data = {
    orderCode: 123,
    amount: 50_000,
    description: 'LT7K3M9PQ2',
    accountNumber: '257678859',
    reference: 'FT25327000001',
    transactionDateTime: '2025-11-23 10:05:12',
    currency: 'VND',
    paymentLinkId: 'abc',
    code: '00',
    desc: 'success',
    counterAccountBankId: null,
    virtualAccountName: 'null',
  };
  /** An independent implementation of the payOS rule, written out for the test (not the package's code). */
  const independent = (key: string, d: Record<string, unknown>) => {
    const keys = Object.keys(d).sort();
    const s = keys.map((k) => `${k}=${d[k] === null || d[k] === 'null' ? '' : d[k]}`).join('&');
    return createHmac('sha256', key).update(s).digest('hex');
  };

  it('webhook: verified against an independent signer; tampering, wrong key and junk refused', () => {
    expect(payosDataString({ b: 1, a: null, c: 'undefined' })).toBe('a=&b=1&c=');
    const body = { code: '00', desc: 'success', success: true, data, signature: independent('k-payos-test', data) };
    expect(verifyPayosWebhook(body, 'k-payos-test')).toMatchObject({
      ok: true,
      transfer: { providerTxnId: 'FT25327000001', amount: 50_000, text: 'LT7K3M9PQ2', incoming: true },
    });
    expect(verifyPayosWebhook({ ...body, data: { ...data, amount: 5_000 } }, 'k-payos-test')).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyPayosWebhook(body, 'another-key')).toMatchObject({ ok: false, reason: 'bad_signature' });
    for (const junk of [null, [], 'x', { data: [] }, { data: 'x' }])
      expect(verifyPayosWebhook(junk, 'k')).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('SePay webhook', () => {
  const body = {
    id: 92704,
    gateway: 'MBBank',
    transactionDate: '2025-11-23 10:05:12',
    accountNumber: '257678859',
    subAccount: null,
    code: null,
    content: 'LT7K3M9PQ2 thanh toan',
    transferType: 'in',
    description: 'BankAPINotify LT7K3M9PQ2 thanh toan',
    transferAmount: 50_000,
    referenceCode: 'MBVCB.3278',
    accumulated: 0,
  };
  it('Apikey checked in constant time; id is the dedupe key', () => {
    expect(verifySepayWebhook('Apikey sepay-test-key', body, 'sepay-test-key')).toMatchObject({
      ok: true,
      transfer: { providerTxnId: '92704', amount: 50_000, incoming: true, account: '257678859' },
    });
    expect(verifySepayWebhook('Apikey wrong', body, 'sepay-test-key')).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifySepayWebhook(undefined, body, 'sepay-test-key')).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifySepayWebhook('Apikey sepay-test-key', { ...body, id: '1' }, 'sepay-test-key')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(verifySepayWebhook('Apikey sepay-test-key', { ...body, transferType: 'out' }, 'sepay-test-key')).toMatchObject({
      ok: true,
      transfer: { incoming: false },
    });
  });
});
