import { hexSignatureEquals } from '@lienthong/protocol-kit';
import { vnpayHmac } from './canonical.js';
import { formatVnpayDate, parseVnpayDate } from './gmt7-time.js';
import { fromVnpayAmount } from './amount.js';
import { readFlatRecord } from './flat-record.js';
import { VNPAY_VERSION } from './endpoints.js';
import { vnpayPipeData } from './querydr.js';

/**
 * VNPAY refund (`vnp_Command=refund` on the transaction API) [V3][V4] (payments.md §1.8): `vnp_TransactionType`
 * `02` full / `03` partial, `vnp_Amount` × 100 at most the original, `vnp_TransactionDate` = the payment's
 * `vnp_CreateDate`, `vnp_CreateBy` the operator. Hash: HMAC-SHA512 over these values joined by `|`, in this order.
 */
export const VNPAY_REFUND_REQUEST_HASH_FIELDS = Object.freeze([
  'vnp_RequestId',
  'vnp_Version',
  'vnp_Command',
  'vnp_TmnCode',
  'vnp_TransactionType',
  'vnp_TxnRef',
  'vnp_Amount',
  'vnp_TransactionNo',
  'vnp_TransactionDate',
  'vnp_CreateBy',
  'vnp_CreateDate',
  'vnp_IpAddr',
  'vnp_OrderInfo',
] as const);

/** The refund answer's hash: the querydr answer's fields without the promotion ones [V4]. */
export const VNPAY_REFUND_RESPONSE_HASH_FIELDS = Object.freeze([
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
] as const);

export interface VnpayRefundRequest {
  requestId: string;
  txnRef: string;
  amountVnd: number;
  /** `02` when the whole payment is refunded, `03` otherwise. */
  full: boolean;
  transactionNo?: string;
  /** The payment's `vnp_CreateDate`. */
  transactionDate: string;
  /** Who asks (the operator's id), `vnp_CreateBy`. */
  createBy: string;
  createdAt: Date;
  ipAddr: string;
  orderInfo: string;
}

const ASCII_INFO = /^[A-Za-z0-9 .,:_-]{1,255}$/;

/** Builds and signs a refund body. Throws RangeError on bad input (the adapter turns it into a failed refund). */
export function buildVnpayRefund(
  terminal: { tmnCode: string; hashSecret: string },
  r: VnpayRefundRequest,
): Readonly<Record<string, string>> {
  if (!/^[A-Za-z0-9_-]{1,50}$/.test(r.requestId)) throw new RangeError('requestId: 1-50 of [A-Za-z0-9_-]');
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(r.txnRef)) throw new RangeError('txnRef');
  if (!Number.isSafeInteger(r.amountVnd) || r.amountVnd < 1 || r.amountVnd * 100 > Number.MAX_SAFE_INTEGER)
    throw new RangeError('amountVnd');
  if (!parseVnpayDate(r.transactionDate)) throw new RangeError('transactionDate must be yyyyMMddHHmmss');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(r.createBy)) throw new RangeError('createBy');
  if (!ASCII_INFO.test(r.orderInfo)) throw new RangeError('orderInfo: letters, digits, space and .,:_- only');
  if (r.transactionNo !== undefined && !/^\d{1,15}$/.test(r.transactionNo)) throw new RangeError('transactionNo');
  const f: Record<string, string> = {
    vnp_RequestId: r.requestId,
    vnp_Version: VNPAY_VERSION,
    vnp_Command: 'refund',
    vnp_TmnCode: terminal.tmnCode,
    vnp_TransactionType: r.full ? '02' : '03',
    vnp_TxnRef: r.txnRef,
    vnp_Amount: `${r.amountVnd}00`,
    vnp_TransactionNo: r.transactionNo ?? '',
    vnp_TransactionDate: r.transactionDate,
    vnp_CreateBy: r.createBy,
    vnp_CreateDate: formatVnpayDate(r.createdAt),
    vnp_IpAddr: r.ipAddr,
    vnp_OrderInfo: r.orderInfo,
  };
  return Object.freeze({
    ...f,
    vnp_SecureHash: vnpayHmac(terminal.hashSecret, vnpayPipeData(VNPAY_REFUND_REQUEST_HASH_FIELDS, f)),
  });
}

export type VnpayRefundOutcome =
  /** `00`: accepted; `transactionStatus` `05` processing, `06` sent to the bank, `09` rejected (§1.6). */
  | { kind: 'accepted'; transactionStatus: string; transactionNo?: string; amountVnd?: number }
  /** A documented refusal: 91 not found, 95 original not successful, 02/03/97/99… */
  | { kind: 'refused'; responseCode: string; message: string }
  /** 94 (a refund of this payment in progress), unsigned or unreadable answers: nothing verifiable. */
  | { kind: 'no_answer'; message: string; responseCode?: string };

/** Verifies a refund answer (signature over the refund response fields, our terminal, our TxnRef). */
export function readVnpayRefundResponse(
  terminal: { tmnCode: string; hashSecret: string },
  body: unknown,
  expect: { txnRef: string },
): VnpayRefundOutcome {
  const read = readFlatRecord(body, { maxKeys: 64, maxValueLength: 2048, allowNumbers: true });
  if (!read.ok) return { kind: 'no_answer', message: read.reason };
  const p = read.record;
  const rc = /^\d{2}$/.test(p.vnp_ResponseCode ?? '') ? (p.vnp_ResponseCode as string) : undefined;
  if (rc === '94') return { kind: 'no_answer', message: 'a refund of this payment is already in progress', responseCode: rc };
  // VNPAY leaves some refusals unsigned [V6a]: a refusal changes nothing here (the amount is freed and the
  // operator sees why), so it is read without a signature; an acceptance must be signed.
  if (rc && rc !== '00' && !p.vnp_SecureHash) return { kind: 'refused', responseCode: rc, message: p.vnp_Message ?? '' };
  if (
    !p.vnp_SecureHash ||
    !hexSignatureEquals(vnpayHmac(terminal.hashSecret, vnpayPipeData(VNPAY_REFUND_RESPONSE_HASH_FIELDS, p)), p.vnp_SecureHash)
  )
    return { kind: 'no_answer', message: 'answer signature missing or wrong', ...(rc ? { responseCode: rc } : {}) };
  if (p.vnp_TmnCode !== terminal.tmnCode || p.vnp_TxnRef !== expect.txnRef)
    return { kind: 'no_answer', message: 'answer is for another terminal or order' };
  if (rc !== '00')
    return rc
      ? { kind: 'refused', responseCode: rc, message: p.vnp_Message ?? '' }
      : { kind: 'no_answer', message: 'vnp_ResponseCode missing' };
  const amountVnd = fromVnpayAmount(p.vnp_Amount);
  return {
    kind: 'accepted',
    transactionStatus: p.vnp_TransactionStatus ?? '',
    ...(p.vnp_TransactionNo ? { transactionNo: p.vnp_TransactionNo } : {}),
    ...(amountVnd !== undefined ? { amountVnd } : {}),
  };
}
