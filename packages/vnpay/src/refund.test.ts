import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildVnpayRefund, readVnpayRefundResponse, VNPAY_REFUND_RESPONSE_HASH_FIELDS } from './refund.js';

const T = { tmnCode: 'LTHUB022', hashSecret: 'TESTSECRETVNPAY0000000000000H22' };
const hmac = (s: string) => createHmac('sha512', T.hashSecret).update(s).digest('hex');

describe('VNPAY refund (payments.md §1.8)', () => {
  it('signs the 13 fields in the documented order, pipe-joined (written out independently here)', () => {
    const b = buildVnpayRefund(T, {
      requestId: 'r1',
      txnRef: 'abc123',
      amountVnd: 20_000,
      full: false,
      transactionNo: '14000001',
      transactionDate: '20251123100000',
      createBy: 'operator',
      createdAt: new Date('2025-11-23T04:00:00Z'),
      ipAddr: '127.0.0.1',
      orderInfo: 'Hoan phi ho so',
    });
    expect(b).toMatchObject({
      vnp_Command: 'refund',
      vnp_TransactionType: '03',
      vnp_Amount: '2000000',
      vnp_CreateDate: '20251123110000',
    });
    expect(b.vnp_SecureHash).toBe(
      hmac('r1|2.1.0|refund|LTHUB022|03|abc123|2000000|14000001|20251123100000|operator|20251123110000|127.0.0.1|Hoan phi ho so'),
    );
    expect(() =>
      buildVnpayRefund(T, {
        ...b,
        requestId: 'r',
        txnRef: 'x',
        amountVnd: 1,
        full: true,
        transactionDate: 'x',
        createBy: 'o',
        createdAt: new Date(),
        ipAddr: '1',
        orderInfo: 'a',
      } as never),
    ).toThrow(RangeError);
  });

  it('reads answers: accepted only when signed by our terminal for our order; refusals and 94 say so', () => {
    const f: Record<string, string> = {
      vnp_ResponseId: 'x',
      vnp_Command: 'refund',
      vnp_ResponseCode: '00',
      vnp_Message: 'ok',
      vnp_TmnCode: T.tmnCode,
      vnp_TxnRef: 'abc123',
      vnp_Amount: '2000000',
      vnp_BankCode: 'NCB',
      vnp_PayDate: '20251123110000',
      vnp_TransactionNo: '14000002',
      vnp_TransactionType: '03',
      vnp_TransactionStatus: '06',
      vnp_OrderInfo: 'Hoan phi ho so',
    };
    const signed = { ...f, vnp_SecureHash: hmac(VNPAY_REFUND_RESPONSE_HASH_FIELDS.map((k) => f[k] ?? '').join('|')) };
    expect(readVnpayRefundResponse(T, signed, { txnRef: 'abc123' })).toEqual({
      kind: 'accepted',
      transactionStatus: '06',
      transactionNo: '14000002',
      amountVnd: 20_000,
    });
    expect(readVnpayRefundResponse(T, { ...signed, vnp_TransactionStatus: '05' }, { txnRef: 'abc123' })).toMatchObject({
      kind: 'no_answer',
    });
    expect(readVnpayRefundResponse(T, signed, { txnRef: 'other' })).toMatchObject({ kind: 'no_answer' });
    expect(readVnpayRefundResponse(T, { vnp_ResponseCode: '95', vnp_Message: 'not successful' }, { txnRef: 'abc123' })).toEqual({
      kind: 'refused',
      responseCode: '95',
      message: 'not successful',
    });
    expect(readVnpayRefundResponse(T, { vnp_ResponseCode: '94' }, { txnRef: 'abc123' })).toMatchObject({
      kind: 'no_answer',
      responseCode: '94',
    });
    expect(readVnpayRefundResponse(T, 'junk', { txnRef: 'abc123' })).toMatchObject({ kind: 'no_answer' });
  });
});
