import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import {
  VNPAY_PATHS,
  VNPAY_QUERYDR_REQUEST_HASH_FIELDS,
  VNPAY_QUERYDR_RESPONSE_HASH_FIELDS,
  VNPAY_REFUND_REQUEST_HASH_FIELDS,
  VNPAY_REFUND_RESPONSE_HASH_FIELDS,
  hexSignatureEquals,
  parseVnpayDate,
  vnpayHmac,
  vnpayPipeData,
} from '@lienthong/vnpay';
import { bounded, playApiFault } from '../payment-peer-kit/index.js';
import type { VnpayPeerContext } from './context.js';
import type { VnpayPeerMerchant } from './options.js';
import type { VnpayTxn } from './store.js';

/** Unsigned answers: VNPAY leaves `91`/`97` (and errors it cannot attribute to a terminal) unsigned [V6a]. */
const unsigned = (code: string, message: string) => ({ vnp_ResponseCode: code, vnp_Message: message });

function signed(merchant: VnpayPeerMerchant, fields: Record<string, string>): Record<string, string> {
  return { ...fields, vnp_SecureHash: vnpayHmac(merchant.hashSecret, vnpayPipeData(VNPAY_QUERYDR_RESPONSE_HASH_FIELDS, fields)) };
}

function answerFor(
  merchant: VnpayPeerMerchant,
  body: Record<string, string>,
  code: string,
  message: string,
  txn?: VnpayTxn,
): Record<string, string> {
  const f: Record<string, string> = {
    vnp_ResponseId: randomBytes(8).toString('hex'),
    vnp_Command: 'querydr',
    vnp_ResponseCode: code,
    vnp_Message: message,
    vnp_TmnCode: merchant.tmnCode,
    vnp_TxnRef: body.vnp_TxnRef ?? '',
  };
  if (txn) {
    // vnp_TransactionStatus: 01 not completed, 00 paid, 02 failed/cancelled/expired [V1].
    Object.assign(f, {
      vnp_Amount: `${txn.amountVnd}00`,
      vnp_OrderInfo: txn.orderInfo,
      vnp_BankCode: txn.bankCode ?? (txn.status === 'paid' ? 'NCB' : ''),
      vnp_PayDate: txn.payDate ?? '',
      vnp_TransactionNo: txn.transactionNo ?? '0',
      // After a refund, querydr shows it: type 02/03 and the refund's status [V6a] (05 processing, 06 sent to bank).
      vnp_TransactionType: txn.refunds?.at(-1)?.type ?? '01',
      vnp_TransactionStatus: txn.refunds?.at(-1)?.status ?? txn.transactionStatus ?? '01',
    });
  }
  return signed(merchant, f);
}

/**
 * `POST /merchant_webapi/api/transaction` [V3][V4]: querydr, with the documented response codes — 02 bad
 * TmnCode, 03 bad format, 91 not found, 94 duplicate vnp_RequestId, 97 bad checksum, 99 other; refund
 * answers 99 (disabled in VNPAY's sandbox unless enabled [V5 #12]).
 */
export function registerQueryDrRoute(app: FastifyInstance, ctx: VnpayPeerContext): void {
  const errorAnswer = (reply: FastifyReply) => reply.send(unsigned('99', 'Unknown error'));
  app.post(VNPAY_PATHS.api, async (req, reply) => {
    const log = (status: number, answered: unknown, fault?: 'error' | 'timeout') =>
      ctx.requests.add({
        at: ctx.clock.now().toISOString(),
        route: `POST ${VNPAY_PATHS.api}`,
        received: bounded(req.body),
        status,
        answered,
        ...(fault ? { fault } : {}),
      });
    const fault = ctx.faults.drawApiFault();
    if (await playApiFault(reply, fault, { hangMs: ctx.settings.timeoutHangMs, errorAnswer, closed: ctx.isClosed })) {
      log(reply.statusCode, fault === 'error' ? unsigned('99', 'Unknown error') : 'timeout', fault);
      return reply;
    }
    const answer = handleQueryDr(ctx, req.body);
    log(200, answer);
    return answer;
  });
}

export function handleQueryDr(ctx: VnpayPeerContext, raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return unsigned('03', 'Invalid request format');
  const body: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string' || v.length > 1024) return unsigned('03', `Invalid field ${k.slice(0, 64)}`);
    body[k] = v;
  }
  const merchant = ctx.merchants.get(body.vnp_TmnCode ?? '');
  if (!merchant) return unsigned('02', 'Merchant is not valid');
  if (body.vnp_Command === 'refund') {
    if (!ctx.settings.refundEnabled) return answerFor(merchant, body, '99', 'Refund is not enabled for this terminal (sandbox)');
    return handleRefund(ctx, merchant, body);
  }
  if (body.vnp_Command !== 'querydr') return unsigned('03', 'Invalid vnp_Command');
  const expected = vnpayHmac(merchant.hashSecret, vnpayPipeData(VNPAY_QUERYDR_REQUEST_HASH_FIELDS, body));
  if (!hexSignatureEquals(expected, body.vnp_SecureHash)) return unsigned('97', 'Invalid Checksum');
  const formatOk =
    /^[A-Za-z0-9_-]{1,50}$/.test(body.vnp_RequestId ?? '') &&
    body.vnp_Version === '2.1.0' &&
    !!body.vnp_TxnRef &&
    !!body.vnp_OrderInfo &&
    !!body.vnp_IpAddr &&
    parseVnpayDate(body.vnp_TransactionDate) !== undefined &&
    parseVnpayDate(body.vnp_CreateDate) !== undefined;
  if (!formatOk) return answerFor(merchant, body, '03', 'Invalid request format');
  const requestKey = `${merchant.tmnCode}:${body.vnp_RequestId}`;
  if (ctx.store.queryRequestIds.has(requestKey)) return answerFor(merchant, body, '94', 'Duplicate request');
  ctx.store.queryRequestIds.add(requestKey);
  const txn = ctx.store.byKey.get(`${merchant.tmnCode}:${body.vnp_TxnRef}`);
  // vnp_TransactionDate must be the payment's vnp_CreateDate [V3]; otherwise VNPAY does not find it.
  if (!txn || txn.createDate !== body.vnp_TransactionDate) return unsigned('91', 'Transaction not found');
  return answerFor(merchant, body, '00', 'QueryDR Success', txn);
}

/**
 * `vnp_Command=refund` [V3][V4] (payments.md §1.8), when enabled: checksum over the refund fields (97), the
 * payment by TmnCode + TxnRef + its create date (91), paid (95 otherwise), the amount within what is left
 * (03 otherwise [inf]), one refund per vnp_RequestId (94). The refund is "sent to the bank" (06) at once:
 * the simulator compresses VNPAY's asynchronous 05 → 06 [inf].
 */
function handleRefund(ctx: VnpayPeerContext, merchant: VnpayPeerMerchant, body: Record<string, string>): Record<string, string> {
  const expected = vnpayHmac(merchant.hashSecret, vnpayPipeData(VNPAY_REFUND_REQUEST_HASH_FIELDS, body));
  if (!hexSignatureEquals(expected, body.vnp_SecureHash)) return unsigned('97', 'Invalid Checksum');
  const txn = ctx.store.byKey.get(`${merchant.tmnCode}:${body.vnp_TxnRef}`);
  if (!txn || txn.createDate !== body.vnp_TransactionDate) return unsigned('91', 'Transaction not found');
  const answer = (code: string, message: string, extra: Record<string, string> = {}) => {
    const f: Record<string, string> = {
      vnp_ResponseId: randomBytes(8).toString('hex'),
      vnp_Command: 'refund',
      vnp_ResponseCode: code,
      vnp_Message: message,
      vnp_TmnCode: merchant.tmnCode,
      vnp_TxnRef: txn.txnRef,
      vnp_Amount: body.vnp_Amount ?? '',
      vnp_BankCode: txn.bankCode ?? 'NCB',
      vnp_PayDate: body.vnp_CreateDate ?? '',
      vnp_TransactionNo: '',
      vnp_TransactionType: body.vnp_TransactionType ?? '',
      vnp_TransactionStatus: '',
      vnp_OrderInfo: body.vnp_OrderInfo ?? '',
      ...extra,
    };
    return { ...f, vnp_SecureHash: vnpayHmac(merchant.hashSecret, vnpayPipeData(VNPAY_REFUND_RESPONSE_HASH_FIELDS, f)) };
  };
  if (txn.status !== 'paid') return answer('95', 'Original transaction is not successful');
  const refunds = (txn.refunds ??= []);
  if (refunds.some((r) => r.requestId === body.vnp_RequestId)) return answer('94', 'Duplicate request');
  const amount =
    /^\d{3,15}$/.test(body.vnp_Amount ?? '') && body.vnp_Amount!.endsWith('00') ? Number(body.vnp_Amount) / 100 : NaN;
  const left = txn.amountVnd - refunds.reduce((n, r) => n + r.amountVnd, 0);
  const type = body.vnp_TransactionType;
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > left || (type !== '02' && type !== '03'))
    return answer('03', 'Invalid amount or transaction type');
  const refund = {
    transactionNo: String(ctx.store.nextTransactionNo++),
    amountVnd: amount,
    type: type as '02' | '03',
    status: '06',
    requestId: body.vnp_RequestId ?? '',
  };
  refunds.push(refund);
  return answer('00', 'Refund success', { vnp_TransactionNo: refund.transactionNo, vnp_TransactionStatus: refund.status });
}
