import { hexSignatureEquals } from '@lienthong/protocol-kit';
import type { VnpayRejectionCode } from './errors.js';
import { readFlatRecord } from './flat-record.js';
import { vnpayCanonicalString, vnpayHmac } from './canonical.js';
import { fromVnpayAmount } from './amount.js';
import { parseVnpayDate } from './gmt7-time.js';
import { VNPAY_IPN_REPLIES, type VnpayIpnReply } from './ipn-reply.js';

/** A verified Return URL or IPN call (§1.4, §1.5). Field names follow VNPAY's without the `vnp_` prefix. */
export interface VnpayCallback {
  tmnCode: string;
  txnRef: string;
  /** `vnp_Amount` / 100, integer VND. */
  amountVnd: number;
  responseCode: string;
  /** Absent on some calls; then `paid` is false. */
  transactionStatus: string | undefined;
  /** VNPAY's transaction number, part of the idempotency key (§0). */
  transactionNo: string | undefined;
  bankCode: string | undefined;
  bankTranNo: string | undefined;
  cardType: string | undefined;
  /** `vnp_PayDate` as sent (GMT+7 stamp) and as an instant. */
  payDate: string | undefined;
  paidAt: Date | undefined;
  orderInfo: string | undefined;
  /**
   * Paid iff `vnp_ResponseCode`=`00` **and** `vnp_TransactionStatus`=`00` — the C# demo's rule; the PHP demo
   * uses OR, which would accept a debit VNPAY itself did not complete [V1] (§1.5).
   */
  paid: boolean;
  /** The verified `vnp_*` parameters, for the ledger. */
  params: Readonly<Record<string, string>>;
}

export type VnpayCallbackResult =
  | { ok: true; callback: VnpayCallback }
  | {
      ok: false;
      code: VnpayRejectionCode;
      message: string;
      /** The IPN answer the documented order of checks implies (97 for signature problems, else 99) [V1]. */
      ipnReply: VnpayIpnReply;
    };

/** A genuine call has ~15 parameters; values are at most 255 characters [V1]. Generous, but bounded. */
const LIMITS = { maxKeys: 64, maxValueLength: 2048, allowNumbers: false };
const CODE = /^\d{2}$/;

const reject = (code: VnpayRejectionCode, message: string): VnpayCallbackResult => ({
  ok: false,
  code,
  message,
  ipnReply: code === 'LT_VNPAY_MALFORMED' ? VNPAY_IPN_REPLIES.unknownError : VNPAY_IPN_REPLIES.invalidSignature,
});

/**
 * Verifies a Return URL or IPN query (already parsed into an object, e.g. fastify's `request.query`)
 * for one terminal. Never throws on hostile input. Order, as in the demos [V1]: shape → terminal →
 * checksum (constant time) → fields. The caller then checks the order and the amount, in that order.
 */
export function verifyVnpayCallback(terminal: { tmnCode: string; hashSecret: string }, query: unknown): VnpayCallbackResult {
  const read = readFlatRecord(query, LIMITS);
  if (!read.ok) return reject('LT_VNPAY_MALFORMED', read.reason);
  const p = read.record;
  const given = p.vnp_SecureHash;
  if (given === undefined || given === '') return reject('LT_VNPAY_SIGNATURE_MISSING', 'vnp_SecureHash is missing');
  if (p.vnp_TmnCode !== terminal.tmnCode) {
    return reject('LT_VNPAY_TERMINAL_MISMATCH', 'vnp_TmnCode is not this terminal');
  }
  // Only vnp_-prefixed parameters are signed [V1]; canonical string filters them.
  const data = vnpayCanonicalString(p);
  if (data === undefined) return reject('LT_VNPAY_MALFORMED', 'parameters cannot be URL-encoded');
  if (!hexSignatureEquals(vnpayHmac(terminal.hashSecret, data), given)) {
    return reject('LT_VNPAY_SIGNATURE_MISMATCH', 'vnp_SecureHash does not match');
  }
  const amountVnd = fromVnpayAmount(p.vnp_Amount);
  if (!p.vnp_TxnRef) return reject('LT_VNPAY_MALFORMED', 'vnp_TxnRef is missing');
  if (amountVnd === undefined) return reject('LT_VNPAY_MALFORMED', 'vnp_Amount is not a whole VND amount × 100');
  if (!p.vnp_ResponseCode || !CODE.test(p.vnp_ResponseCode))
    return reject('LT_VNPAY_MALFORMED', 'vnp_ResponseCode is missing or malformed');
  const status = p.vnp_TransactionStatus || undefined;
  if (status !== undefined && !CODE.test(status)) return reject('LT_VNPAY_MALFORMED', 'vnp_TransactionStatus is malformed');
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (k.startsWith('vnp_')) params[k] = v;
  return {
    ok: true,
    callback: {
      tmnCode: p.vnp_TmnCode,
      txnRef: p.vnp_TxnRef,
      amountVnd,
      responseCode: p.vnp_ResponseCode,
      transactionStatus: status,
      transactionNo: p.vnp_TransactionNo || undefined,
      bankCode: p.vnp_BankCode || undefined,
      bankTranNo: p.vnp_BankTranNo || undefined,
      cardType: p.vnp_CardType || undefined,
      payDate: p.vnp_PayDate || undefined,
      paidAt: parseVnpayDate(p.vnp_PayDate),
      orderInfo: p.vnp_OrderInfo || undefined,
      paid: p.vnp_ResponseCode === '00' && status === '00',
      params: Object.freeze(params),
    },
  };
}

/**
 * Reads `vnp_TmnCode` from an untrusted query without trusting anything else, so a multi-tenant IPN
 * endpoint can pick the right terminal's secret before verifying (§0). Undefined when absent or odd.
 */
export function readVnpayTmnCode(query: unknown): string | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  const v = (query as Record<string, unknown>).vnp_TmnCode;
  return typeof v === 'string' && /^[A-Za-z0-9]{8}$/.test(v) ? v : undefined;
}
