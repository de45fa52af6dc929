import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMomoSigner } from './signer.js';
import { createMomoQueryClient } from './query-client.js';
import { momoResult, MOMO_RESULT_CODES } from './result-codes.js';
import { PARTNER } from '../test/fixtures.js';

const signer = createMomoSigner(PARTNER);
const Q = { orderId: 'LT-H56-250304-0001-1', requestId: 'q-250304-1' };

describe('buildQuery — golden vector', () => {
  it('signs accessKey, orderId, partnerCode, requestId [M1][M4]', () => {
    const raw = `accessKey=${PARTNER.accessKey}&orderId=${Q.orderId}&partnerCode=${PARTNER.partnerCode}&requestId=${Q.requestId}`;
    expect(signer.buildQuery(Q)).toEqual({
      partnerCode: PARTNER.partnerCode,
      requestId: Q.requestId,
      orderId: Q.orderId,
      lang: 'vi',
      signature: createHmac('sha256', PARTNER.secretKey).update(raw).digest('hex'),
    });
  });
});

describe('readQueryResponse', () => {
  const ans = (over: Record<string, unknown> = {}) => ({
    partnerCode: PARTNER.partnerCode,
    orderId: Q.orderId,
    requestId: Q.requestId,
    extraData: '',
    amount: 50000,
    transId: 4088878653,
    payType: 'qr',
    resultCode: 0,
    refundTrans: [],
    message: 'Thành công.',
    responseTime: 1741064767000,
    ...over,
  });

  it('maps paid, pending, failed, review and refused', () => {
    expect(signer.readQueryResponse(ans(), Q)).toMatchObject({ kind: 'paid', amountVnd: 50000, transId: '4088878653' });
    expect(signer.readQueryResponse(ans({ resultCode: 1000 }), Q).kind).toBe('pending');
    expect(signer.readQueryResponse(ans({ resultCode: 7000 }), Q).kind).toBe('pending');
    expect(signer.readQueryResponse(ans({ resultCode: 1005 }), Q).kind).toBe('failed');
    expect(signer.readQueryResponse(ans({ resultCode: 9000 }), Q).kind).toBe('needs_review');
    expect(signer.readQueryResponse(ans({ resultCode: 12345 }), Q).kind).toBe('needs_review');
    expect(signer.readQueryResponse(ans({ resultCode: 99 }), Q)).toMatchObject({ kind: 'no_answer', code: 'LT_MOMO_REJECTED' });
  });

  it('binds the answer to the request and refuses hostile bodies', () => {
    expect(signer.readQueryResponse(ans({ requestId: 'other' }), Q)).toMatchObject({
      kind: 'no_answer',
      code: 'LT_MOMO_ECHO_MISMATCH',
    });
    expect(signer.readQueryResponse(ans({ partnerCode: 'X' }), Q)).toMatchObject({ code: 'LT_MOMO_PARTNER_MISMATCH' });
    expect(signer.readQueryResponse(ans({ amount: undefined }), Q)).toMatchObject({
      kind: 'no_answer',
      code: 'LT_MOMO_MALFORMED',
    });
    for (const h of [null, [], 'x', ans({ resultCode: [0] }), ans({ amount: '5e4' })])
      expect(signer.readQueryResponse(h, Q).kind).toBe('no_answer');
  });

  it('queries through an injected poster and survives transport failure', async () => {
    const ok = createMomoQueryClient({
      signer,
      baseUrl: 'http://127.0.0.1:1/momo',
      post: async (url, body) => {
        expect(url).toBe('http://127.0.0.1:1/momo/v2/gateway/api/query');
        expect(body).toMatchObject({ orderId: Q.orderId });
        return ans();
      },
    });
    expect((await ok.query(Q)).kind).toBe('paid');
    const down = createMomoQueryClient({
      signer,
      post: async () => {
        throw new Error('ECONNRESET');
      },
    });
    expect(await down.query(Q)).toMatchObject({ kind: 'no_answer', code: 'LT_MOMO_QUERY_FAILED' });
  });
});

describe('resultCode table', () => {
  it('holds the current table only [M1]', () => {
    expect(momoResult(1007).description).toBe('account inactive'); // not the legacy "bad signature" [M4]
    expect(momoResult(20).category).toBe('request_error');
    expect(momoResult(-1).category).toBe('unknown');
    expect(MOMO_RESULT_CODES.size).toBe(29);
  });
});
