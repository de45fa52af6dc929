import { randomUUID } from 'node:crypto';
import { buildMomoQuery, buildMomoRefund, findMomoRefund, MOMO_PATHS, readMomoRefundResponse } from '@lienthong/momo';
import type { HttpClient, Logger } from '@lienthong/platform';
import type { MerchantAccount } from '../merchants.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import { createProviderHttp, postJsonForQuery, rootCause } from './provider-http.js';
import type { RefundAnswer, RefundApi, RefundAttempt, RefundCallAnswer } from './provider-adapter.js';

/**
 * MoMo refunds [M3] (payments.md §2.5): `POST /v2/gateway/api/refund` with a new orderId (our refund's
 * providerRef) and the payment's transId. A lost answer is recovered from the payment's query, whose
 * `refundTrans[]` lists the refunds by their orderId [M4]: a listed success or documented failure code decides;
 * a refund not listed is `unconfirmed` (pending, review list), never failed.
 */
export function createMomoRefundApi(opts: { baseUrl: string; timeoutMs: number; logger: Logger }): RefundApi {
  const http: { create: HttpClient; query: HttpClient } = createProviderHttp('momo-refund', {
    createTimeoutMs: opts.timeoutMs,
    queryTimeoutMs: opts.timeoutMs,
    logger: opts.logger,
  });
  const partnerOf = (a: MerchantAccount) => {
    if (!a.momo) throw new Error(`no MoMo partner for ${a.id}`);
    return a.momo;
  };
  const unknown = (err: unknown): RefundCallAnswer => {
    const root = rootCause(err) as { code?: string; message?: string };
    return { state: 'unknown', reason: `${root.code ?? 'error'}: ${root.message ?? ''}`.slice(0, 200) };
  };
  return {
    async refund(p: PaymentRecord, account: MerchantAccount, a: RefundAttempt): Promise<RefundCallAnswer> {
      const partner = partnerOf(account);
      if (!p.providerTxnId) return { state: 'failed', code: 'NO_TRANSID', message: 'the payment has no MoMo transId' };
      const requestId = randomUUID();
      let body;
      try {
        body = buildMomoRefund(partner, {
          orderId: a.providerRef,
          requestId,
          amountVnd: a.amount,
          transId: p.providerTxnId,
          description: `Hoan phi ho so ${p.maHoSo}`,
        });
      } catch (err) {
        return { state: 'failed', code: 'LT_MOMO_INVALID_INPUT', message: (err as Error).message };
      }
      let answer: unknown;
      try {
        answer = await postJsonForQuery(http.create, `${opts.baseUrl}${MOMO_PATHS.refund}`, body);
      } catch (err) {
        return unknown(err);
      }
      const out = readMomoRefundResponse(partner, answer, { orderId: a.providerRef, requestId });
      if (out.kind === 'succeeded') return { state: 'succeeded', providerTxnId: out.transId, code: '0' };
      if (out.kind === 'failed') return { state: 'failed', code: String(out.resultCode), message: out.message };
      return { state: 'unknown', reason: out.message };
    },

    async check(p: PaymentRecord, account: MerchantAccount, a: RefundAttempt): Promise<RefundAnswer> {
      const partner = partnerOf(account);
      const requestId = randomUUID();
      const body = buildMomoQuery(partner, { orderId: p.orderRef, requestId });
      let answer: unknown;
      try {
        answer = await postJsonForQuery(http.query, `${opts.baseUrl}${MOMO_PATHS.query}`, body);
      } catch (err) {
        return unknown(err);
      }
      const found = findMomoRefund(answer, a.providerRef);
      switch (found.kind) {
        case 'succeeded':
          return { state: 'succeeded', providerTxnId: found.transId, code: '0' };
        case 'failed':
          return { state: 'failed', code: String(found.resultCode), message: 'MoMo lists the refund as failed' };
        case 'in_progress':
          return { state: 'unknown', reason: `MoMo lists the refund with resultCode ${found.resultCode} (not final)` };
        case 'absent':
          // MoMo's list of the payment's refunds has none by this id. That it never happened is an inference
          // (whether a refund in flight is listed is not documented [M4]): pending, on the review list.
          return { state: 'unconfirmed', code: 'ABSENT', reason: 'MoMo lists no refund with this orderId' };
        case 'unreadable':
          return { state: 'unknown', reason: 'query answer without a readable refundTrans' };
      }
    },
  };
}
