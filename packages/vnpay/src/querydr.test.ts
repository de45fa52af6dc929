import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createVnpaySigner } from './signer.js';
import { createVnpayQueryClient } from './query-client.js';
import { TERMINAL } from '../test/fixtures.js';

const signer = createVnpaySigner(TERMINAL);
const hmac = (s: string) => createHmac('sha512', TERMINAL.hashSecret).update(s).digest('hex');

const QUERY = {
  requestId: 'Q20250304130000A',
  txnRef: 'LT20250304-0001',
  orderInfo: 'Truy van giao dich LT20250304-0001',
  transactionDate: '20250304120607',
  createdAt: new Date('2025-03-04T06:00:00Z'),
  ipAddr: '10.0.0.5',
};

describe('buildQueryDr — golden vector [V3][V4]', () => {
  it('signs RequestId|Version|Command|TmnCode|TxnRef|TransactionDate|CreateDate|IpAddr|OrderInfo', () => {
    const body = signer.buildQueryDr(QUERY);
    const data =
      'Q20250304130000A|2.1.0|querydr|LTHUB001|LT20250304-0001|20250304120607|20250304130000|10.0.0.5|Truy van giao dich LT20250304-0001';
    expect(body).toEqual({
      vnp_RequestId: 'Q20250304130000A',
      vnp_Version: '2.1.0',
      vnp_Command: 'querydr',
      vnp_TmnCode: 'LTHUB001',
      vnp_TxnRef: 'LT20250304-0001',
      vnp_OrderInfo: 'Truy van giao dich LT20250304-0001',
      vnp_TransactionDate: '20250304120607',
      vnp_CreateDate: '20250304130000',
      vnp_IpAddr: '10.0.0.5',
      vnp_SecureHash: hmac(data),
    });
  });

  it('accepts the original instant as transactionDate and validates inputs', () => {
    expect(signer.buildQueryDr({ ...QUERY, transactionDate: new Date('2025-03-04T05:06:07Z') }).vnp_TransactionDate).toBe(
      '20250304120607',
    );
    expect(() => signer.buildQueryDr({ ...QUERY, transactionDate: '20250230120000' })).toThrow(
      expect.objectContaining({ code: 'LT_VNPAY_INVALID_INPUT' }),
    );
    expect(() => signer.buildQueryDr({ ...QUERY, requestId: '' })).toThrow(/requestId/);
    expect(() => signer.buildQueryDr({ ...QUERY, transactionNo: 'abc' })).toThrow(/transactionNo/);
  });
});

/** A querydr answer signed by hand over the 15 documented fields, absent → "". */
function answer(over: Record<string, string | undefined> = {}, sign = true): Record<string, string> {
  const a: Record<string, string | undefined> = {
    vnp_ResponseId: 'R1',
    vnp_Command: 'querydr',
    vnp_ResponseCode: '00',
    vnp_Message: 'QueryDR Success',
    vnp_TmnCode: TERMINAL.tmnCode,
    vnp_TxnRef: 'LT20250304-0001',
    vnp_Amount: '15000000',
    vnp_BankCode: 'NCB',
    vnp_PayDate: '20250304121530',
    vnp_TransactionNo: '14422574',
    vnp_TransactionType: '01',
    vnp_TransactionStatus: '00',
    vnp_OrderInfo: 'Thanh toan le phi',
    ...over,
  };
  const defined = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const order = [
    'vnp_ResponseId',
    'vnp_Command',
    'vnp_ResponseCode',
    'vnp_Message',
    'vnp_TmnCode',
    'vnp_TxnRef',
    'vnp_Amount',
    'vnp_BankCode',
    'vnp_PayDate',
    'vnp_TransactionNo',
    'vnp_TransactionType',
    'vnp_TransactionStatus',
    'vnp_OrderInfo',
    'vnp_PromotionCode',
    'vnp_PromotionAmount',
  ];
  if (!sign) return defined;
  return { ...defined, vnp_SecureHash: hmac(order.map((k) => defined[k] ?? '').join('|')) };
}

describe('verifyQueryDrResponse', () => {
  it('reads a signed paid answer', () => {
    const r = signer.verifyQueryDrResponse(answer(), { txnRef: 'LT20250304-0001' });
    expect(r).toMatchObject({ kind: 'paid', amountVnd: 150_000, transactionNo: '14422574' });
  });

  it('maps pending, failed, not found and review cases', () => {
    expect(signer.verifyQueryDrResponse(answer({ vnp_TransactionStatus: '01' })).kind).toBe('pending');
    expect(signer.verifyQueryDrResponse(answer({ vnp_TransactionStatus: '02' })).kind).toBe('failed');
    expect(signer.verifyQueryDrResponse(answer({ vnp_TransactionStatus: '04' })).kind).toBe('needs_review');
    expect(signer.verifyQueryDrResponse(answer({ vnp_TransactionType: '02' })).kind).toBe('needs_review');
    expect(
      signer.verifyQueryDrResponse(answer({ vnp_ResponseCode: '91', vnp_Amount: undefined, vnp_TransactionStatus: undefined }))
        .kind,
    ).toBe('not_found');
  });

  it('treats a signed request-level error (94, 99) as no answer', () => {
    expect(signer.verifyQueryDrResponse(answer({ vnp_ResponseCode: '94' }))).toMatchObject({
      kind: 'no_answer',
      code: 'LT_VNPAY_QUERY_REFUSED',
      responseCode: '94',
    });
  });

  it('never reads an unsigned or tampered answer as unpaid [V6a]', () => {
    const unsigned91 = answer({ vnp_ResponseCode: '91' }, false);
    expect(signer.verifyQueryDrResponse(unsigned91)).toMatchObject({
      kind: 'no_answer',
      code: 'LT_VNPAY_SIGNATURE_MISSING',
      responseCode: '91',
    });
    const tampered = { ...answer({ vnp_TransactionStatus: '00' }), vnp_TransactionStatus: '02' };
    expect(signer.verifyQueryDrResponse(tampered)).toMatchObject({ kind: 'no_answer', code: 'LT_VNPAY_SIGNATURE_MISMATCH' });
  });

  it('binds the answer to our terminal and txnRef', () => {
    expect(signer.verifyQueryDrResponse(answer({ vnp_TmnCode: 'OTHER001' }))).toMatchObject({
      code: 'LT_VNPAY_TERMINAL_MISMATCH',
    });
    expect(signer.verifyQueryDrResponse(answer(), { txnRef: 'ANOTHER' })).toMatchObject({ code: 'LT_VNPAY_TXNREF_MISMATCH' });
  });

  it('accepts JSON numbers for numeric fields and refuses hostile bodies', () => {
    const a = answer();
    expect(signer.verifyQueryDrResponse({ ...a, vnp_Amount: 15000000 }).kind).toBe('paid');
    for (const h of [
      null,
      'x',
      [],
      { ...a, vnp_Amount: 1.5 },
      { ...a, vnp_Message: { a: 1 } },
      { ...a, vnp_Message: 'x'.repeat(5000) },
      { ...a, vnp_SecureHash: 7 },
    ]) {
      expect(signer.verifyQueryDrResponse(h).kind).toBe('no_answer');
    }
  });
});

describe('createVnpayQueryClient', () => {
  it('posts the signed body to the API URL and verifies the answer', async () => {
    const post = vi.fn(async () => answer());
    const client = createVnpayQueryClient({
      signer,
      post,
      apiUrl: 'http://127.0.0.1:8090/vnpay/merchant_webapi/api/transaction',
    });
    const r = await client.queryDr(QUERY);
    expect(r.kind).toBe('paid');
    expect(post).toHaveBeenCalledWith(
      'http://127.0.0.1:8090/vnpay/merchant_webapi/api/transaction',
      expect.objectContaining({ vnp_Command: 'querydr' }),
    );
  });

  it('turns a transport failure into no_answer', async () => {
    const client = createVnpayQueryClient({
      signer,
      post: async () => {
        throw new Error('ETIMEDOUT');
      },
    });
    expect(await client.queryDr(QUERY)).toMatchObject({ kind: 'no_answer', code: 'LT_VNPAY_QUERY_FAILED' });
  });
});
