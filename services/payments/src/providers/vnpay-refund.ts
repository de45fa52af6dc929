import { randomBytes } from 'node:crypto';
import {
  buildVnpayQueryDr,
  buildVnpayRefund,
  formatVnpayDate,
  readVnpayRefundResponse,
  verifyVnpayQueryDrResponse,
} from '@lienthong/vnpay';
import type { Clock, Logger } from '@lienthong/platform';
import type { MerchantAccount } from '../merchants.js';
import type { PaymentRecord } from '../ledger/payment-record.js';
import { createProviderHttp, postJsonForQuery, rootCause } from './provider-http.js';
import type { RefundAnswer, RefundApi, RefundAttempt, RefundCallAnswer } from './provider-adapter.js';

/**
 * VNPAY's refund command (payments.md §1.8) on the transaction API. The refund is asynchronous at VNPAY:
 * `vnp_TransactionStatus` `05` processing → `06` sent to the bank / `09` rejected (§1.6). `06` is taken as
 * done, `09` as failed, anything else (and `94`, a refund already in progress) as "ask again": the next
 * reconciliation run asks querydr, whose answer for a refunded order carries `vnp_TransactionType` `02`/`03`
 * [V6a] with the refund's status [inf: the exact querydr view of refunds could not be read, §7]; an order
 * showing no refund, or a refund that may be another one of the order, is `unconfirmed`, never `failed`
 * (only a documented code frees the amount, so an operator cannot refund twice). VNPAY's own
 * sandbox answers 99 to every refund unless VNPAY enables it [V5 #12]: that is a `failed` refund here, and the
 * operator then records a manual one.
 */
export function createVnpayRefundApi(opts: {
  apiUrl: string;
  serverIp: string;
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
}): RefundApi {
  const http = createProviderHttp('vnpay-refund', {
    createTimeoutMs: opts.timeoutMs,
    queryTimeoutMs: opts.timeoutMs,
    logger: opts.logger,
  });
  const terminalOf = (a: MerchantAccount) => {
    if (!a.vnpay) throw new Error(`no VNPAY terminal for ${a.id}`);
    return a.vnpay;
  };
  const transactionDate = (p: PaymentRecord) => p.providerData.createDate ?? formatVnpayDate(p.createdAt);
  const unknown = (err: unknown): RefundCallAnswer => {
    const root = rootCause(err) as { code?: string; message?: string };
    return { state: 'unknown', reason: `${root.code ?? 'error'}: ${root.message ?? ''}`.slice(0, 200) };
  };
  const byStatus = (status: string, txn: string | undefined, code: string): RefundCallAnswer =>
    status === '06'
      ? { state: 'succeeded', providerTxnId: txn ?? code, code: status }
      : status === '09'
        ? { state: 'failed', code: status, message: 'VNPAY rejected the refund' }
        : { state: 'unknown', reason: `refund status ${status || '(none)'}` };

  return {
    async refund(p: PaymentRecord, account: MerchantAccount, a: RefundAttempt): Promise<RefundCallAnswer> {
      const t = terminalOf(account);
      let body;
      try {
        body = buildVnpayRefund(t, {
          requestId: randomBytes(16).toString('hex'),
          txnRef: p.orderRef,
          amountVnd: a.amount,
          full: a.amount === p.amount,
          ...(p.providerTxnId && /^\d{1,15}$/.test(p.providerTxnId) ? { transactionNo: p.providerTxnId } : {}),
          transactionDate: transactionDate(p),
          createBy: 'lienthong-hub',
          createdAt: opts.clock.now(),
          ipAddr: opts.serverIp,
          orderInfo: `Hoan phi ho so ${p.orderRef}`,
        });
      } catch (err) {
        return { state: 'failed', code: 'LT_VNPAY_INVALID_INPUT', message: (err as Error).message };
      }
      let answer: unknown;
      try {
        answer = await postJsonForQuery(http.create, opts.apiUrl, body);
      } catch (err) {
        return unknown(err);
      }
      const out = readVnpayRefundResponse(t, answer, { txnRef: p.orderRef });
      if (out.kind === 'refused') return { state: 'failed', code: out.responseCode, message: out.message.slice(0, 200) };
      if (out.kind === 'no_answer') return { state: 'unknown', reason: out.message };
      return byStatus(out.transactionStatus, out.transactionNo, '00');
    },

    async check(p: PaymentRecord, account: MerchantAccount, a: RefundAttempt): Promise<RefundAnswer> {
      const t = terminalOf(account);
      const body = buildVnpayQueryDr(t, {
        requestId: randomBytes(16).toString('hex'),
        txnRef: p.orderRef,
        orderInfo: `Truy van ${p.orderRef}`,
        transactionDate: transactionDate(p),
        createdAt: opts.clock.now(),
        ipAddr: opts.serverIp,
      });
      let answer: unknown;
      try {
        answer = await postJsonForQuery(http.query, opts.apiUrl, body);
      } catch (err) {
        return unknown(err);
      }
      const out = verifyVnpayQueryDrResponse(t, answer, { txnRef: p.orderRef });
      if (out.kind === 'no_answer' || out.kind === 'not_found')
        return { state: 'unknown', reason: out.kind === 'not_found' ? 'order not found' : out.message };
      const type = out.response.transactionType;
      if (type === '02' || type === '03') {
        // querydr carries no refund reference: with another refund of this order on record, the refund it
        // shows may be that one (its 06 would "succeed" this one, its 09 fail it and free the amount).
        if (a.otherProviderRefunds)
          return {
            state: 'unconfirmed',
            code: 'AMBIGUOUS',
            reason: 'querydr shows a refund of the order but cannot say which of its refunds',
          };
        return byStatus(out.response.transactionStatus ?? '', out.response.transactionNo, type);
      }
      // The order shows no refund. That VNPAY never took it is an inference (how and when querydr lists a
      // refund in flight could not be read, payments.md §7): the refund stays pending, on the review list.
      return { state: 'unconfirmed', code: 'ABSENT', reason: 'VNPAY querydr shows no refund of this order' };
    },
  };
}
