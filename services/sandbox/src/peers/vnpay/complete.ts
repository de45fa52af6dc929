import { formatVnpayDate, isFinalVnpayIpnReply, parseVnpayDate, signVnpayParams, vnpayCanonicalString } from '@lienthong/vnpay';
import type { DeliveryPlan, NotificationAnswer } from '../payment-peer-kit/index.js';
import type { VnpayPeerMerchant } from './options.js';
import type { VnpayStore, VnpayTxn } from './store.js';

/** How the customer ended the payment (page buttons, or the programmatic endpoint). */
export type VnpayOutcome = { kind: 'pay' } | { kind: 'cancel' } | { kind: 'fail'; responseCode: string };

/**
 * Settles a pending transaction at the simulated VNPAY. Codes [V1]: paid = ResponseCode 00 + Status 00;
 * cancelled = 24 + 02; failed = the given code + 02; paying after vnp_ExpireDate = 11 + 02. Returns false
 * when the transaction was already final (the page then only shows it; nothing is sent twice).
 */
export function settleTxn(store: VnpayStore, txn: VnpayTxn, outcome: VnpayOutcome, now: Date): boolean {
  if (txn.status !== 'pending') return false;
  const expired = now.getTime() > (parseVnpayDate(txn.expireDate)?.getTime() ?? Number.POSITIVE_INFINITY);
  txn.payDate = formatVnpayDate(now);
  if (expired) {
    Object.assign(txn, { status: 'expired', responseCode: '11', transactionStatus: '02', transactionNo: '0' });
  } else if (outcome.kind === 'pay') {
    const no = String(store.nextTransactionNo++);
    Object.assign(txn, {
      status: 'paid',
      responseCode: '00',
      transactionStatus: '00',
      transactionNo: no,
      bankTranNo: `VNP${no}`,
      cardType: 'ATM',
    });
  } else if (outcome.kind === 'cancel') {
    Object.assign(txn, { status: 'cancelled', responseCode: '24', transactionStatus: '02', transactionNo: '0' });
  } else {
    Object.assign(txn, { status: 'failed', responseCode: outcome.responseCode, transactionStatus: '02', transactionNo: '0' });
  }
  return true;
}

/** The IPN / Return URL parameters of a settled transaction, signed as VNPAY signs them [V1]. */
export function callbackParams(merchant: VnpayPeerMerchant, txn: VnpayTxn): Record<string, string> {
  const p: Record<string, string> = {
    vnp_Amount: `${txn.amountVnd}00`,
    vnp_BankCode: txn.bankCode ?? 'NCB',
    vnp_OrderInfo: txn.orderInfo,
    vnp_PayDate: txn.payDate ?? '',
    vnp_ResponseCode: txn.responseCode ?? '99',
    vnp_TmnCode: txn.tmnCode,
    vnp_TransactionNo: txn.transactionNo ?? '0',
    vnp_TransactionStatus: txn.transactionStatus ?? '02',
    vnp_TxnRef: txn.txnRef,
  };
  if (txn.bankTranNo) p.vnp_BankTranNo = txn.bankTranNo;
  if (txn.cardType) p.vnp_CardType = txn.cardType;
  return signVnpayParams(merchant.hashSecret, p);
}

/** `base` + the signed parameters as a form-encoded query (the signed string itself, then the hash). */
export function withCallbackQuery(base: string, signed: Readonly<Record<string, string>>): string {
  const { vnp_SecureHash: hash, ...rest } = signed;
  const query = `${vnpayCanonicalString(rest) ?? ''}&vnp_SecureHash=${hash ?? ''}`;
  return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}

function rspCode(answer: NotificationAnswer): unknown {
  let body = answer.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>).RspCode : undefined;
}

/**
 * The IPN of a settled transaction: GET to the terminal's IPN URL; `00`/`02` end it, anything else (other
 * codes, non-200, timeout) is retried up to `maxAttempts`, `intervalMs` apart — 10 × 5 min at VNPAY [V1].
 * Tampering raises vnp_Amount tenfold after signing.
 */
export function ipnPlan(
  merchant: VnpayPeerMerchant,
  txn: VnpayTxn,
  s: { maxAttempts: number; intervalMs: number; timeoutMs: number },
): DeliveryPlan {
  return {
    key: txn.key,
    build: () => ({
      method: 'GET',
      url: withCallbackQuery(merchant.ipnUrl, callbackParams(merchant, txn)),
      timeoutMs: s.timeoutMs,
    }),
    tamper: (n) => ({ ...n, url: n.url.replace(/([?&]vnp_Amount=)(\d+)/, (_m, k: string, v: string) => `${k}${v}0`) }),
    isFinal: (a) => a.status === 200 && isFinalVnpayIpnReply(rspCode(a)),
    maxAttempts: s.maxAttempts,
    intervalMs: s.intervalMs,
  };
}
