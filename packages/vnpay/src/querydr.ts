import { hexSignatureEquals } from '@lienthong/protocol-kit';
import { VnpayError, type VnpayRejectionCode } from './errors.js';
import { vnpayHmac } from './canonical.js';
import { formatVnpayDate, parseVnpayDate } from './gmt7-time.js';
import { fromVnpayAmount } from './amount.js';
import { readFlatRecord } from './flat-record.js';
import { assertVnpayOrderInfo } from './order-info.js';
import { assertTxnRef, assertVnpayIp } from './pay-url.js';
import { VNPAY_VERSION } from './endpoints.js';

/** A querydr (transaction status) request [V3][V4][V6a] (§1.7). */
export interface VnpayQueryDrRequest {
  /** `vnp_RequestId`, unique per day. */
  requestId: string;
  txnRef: string;
  orderInfo: string;
  /** The original payment's `vnp_CreateDate` (keep VnpayPayUrl.createDate) or its instant. */
  transactionDate: string | Date;
  /** Now; formatted GMT+7 as `vnp_CreateDate`. */
  createdAt: Date;
  /** IP of the calling server. */
  ipAddr: string;
  /** VNPAY's transaction number when known (optional). */
  transactionNo?: string;
}

/** The JSON body POSTed to the transaction API. */
export type VnpayQueryDrBody = Readonly<Record<string, string>>;

/**
 * Fields of the request hash, in order, joined by `|` (not the sorted query string) [V3][V4][V6a].
 * Exported for golden tests and the sandbox.
 */
export const VNPAY_QUERYDR_REQUEST_HASH_FIELDS = Object.freeze([
  'vnp_RequestId',
  'vnp_Version',
  'vnp_Command',
  'vnp_TmnCode',
  'vnp_TxnRef',
  'vnp_TransactionDate',
  'vnp_CreateDate',
  'vnp_IpAddr',
  'vnp_OrderInfo',
] as const);

/** Fields of the response hash, in order, absent → "" [V4], checked against the live sandbox by [V6a]. */
export const VNPAY_QUERYDR_RESPONSE_HASH_FIELDS = Object.freeze([
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
] as const);

const REQUEST_ID = /^[A-Za-z0-9_-]{1,50}$/;
const TRANSACTION_NO = /^\d{1,15}$/;

/** The pipe-joined data of a querydr request or response: values in field order, absent → "". */
export function vnpayPipeData(fields: readonly string[], values: Readonly<Record<string, string | undefined>>): string {
  return fields.map((f) => values[f] ?? '').join('|');
}

/** Builds and signs a querydr body. Pure; the caller POSTs it (see createVnpayQueryClient). */
export function buildVnpayQueryDr(terminal: { tmnCode: string; hashSecret: string }, req: VnpayQueryDrRequest): VnpayQueryDrBody {
  const bad = (field: string, reason: string): never => {
    throw new VnpayError('LT_VNPAY_INVALID_INPUT', `invalid ${field}: ${reason}`, [{ field, reason }]);
  };
  if (req === null || typeof req !== 'object') bad('request', 'must be an object');
  if (typeof req.requestId !== 'string' || !REQUEST_ID.test(req.requestId)) bad('requestId', 'must be 1-50 of A-Z a-z 0-9 _ -');
  assertTxnRef(req.txnRef);
  assertVnpayOrderInfo(req.orderInfo);
  assertVnpayIp(req.ipAddr);
  const transactionDate = req.transactionDate instanceof Date ? formatVnpayDate(req.transactionDate) : req.transactionDate;
  if (parseVnpayDate(transactionDate) === undefined) bad('transactionDate', 'must be a Date or a yyyyMMddHHmmss GMT+7 stamp');
  if (req.transactionNo !== undefined && !TRANSACTION_NO.test(req.transactionNo)) bad('transactionNo', 'must be 1-15 digits');
  const body: Record<string, string> = {
    vnp_RequestId: req.requestId,
    vnp_Version: VNPAY_VERSION,
    vnp_Command: 'querydr',
    vnp_TmnCode: terminal.tmnCode,
    vnp_TxnRef: req.txnRef,
    vnp_OrderInfo: req.orderInfo,
    vnp_TransactionDate: transactionDate,
    vnp_CreateDate: formatVnpayDate(req.createdAt),
    vnp_IpAddr: req.ipAddr,
  };
  if (req.transactionNo !== undefined) body.vnp_TransactionNo = req.transactionNo;
  body.vnp_SecureHash = vnpayHmac(terminal.hashSecret, vnpayPipeData(VNPAY_QUERYDR_REQUEST_HASH_FIELDS, body));
  return Object.freeze(body);
}

/**
 * What a querydr answer says about the payment. Anything we cannot verify is `no_answer` — never "unpaid":
 * VNPAY's sandbox answers `91`/`97` unsigned [V6a], and an unsigned "not paid" is exactly what an attacker
 * or a broken proxy would send (§1.7).
 */
export type VnpayQueryDrOutcome =
  | {
      kind: 'paid';
      amountVnd: number;
      transactionNo: string | undefined;
      payDate: string | undefined;
      response: VnpayQueryDrResponse;
    }
  /** `vnp_TransactionStatus` `01`: not completed yet; query again until the payment expires. */
  | { kind: 'pending'; response: VnpayQueryDrResponse }
  /** A final failure (`02` error; `08` timed out and `11` cancelled are inferred [V6d]). */
  | { kind: 'failed'; transactionStatus: string; response: VnpayQueryDrResponse }
  /** Signed `91`: VNPAY has no such transaction. */
  | { kind: 'not_found'; response: VnpayQueryDrResponse }
  /** Verified, but neither paid nor a plain failure (reversed `04`, refunds, fraud `07`, refund-type rows): an operator decides. */
  | { kind: 'needs_review'; reason: string; response: VnpayQueryDrResponse }
  /** Unsigned, badly signed, malformed, not for our request, or a request-level error (`02`,`03`,`94`,`97`,`99`). */
  | { kind: 'no_answer'; code: VnpayRejectionCode | 'LT_VNPAY_QUERY_REFUSED'; message: string; responseCode?: string };

/** The verified answer's fields, without the `vnp_` prefix. */
export interface VnpayQueryDrResponse {
  responseCode: string;
  message: string;
  tmnCode: string;
  txnRef: string;
  amountVnd: number | undefined;
  transactionNo: string | undefined;
  transactionType: string | undefined;
  transactionStatus: string | undefined;
  payDate: string | undefined;
  bankCode: string | undefined;
  params: Readonly<Record<string, string>>;
}

const LIMITS = { maxKeys: 64, maxValueLength: 2048, allowNumbers: true };
const FAILED = new Set(['02', '08', '11']);

/**
 * Verifies a querydr answer and says what it means for the payment. `expect.txnRef` binds the answer to
 * the question asked. The hash covers the TmnCode VNPAY *returned*, checked to be ours (the `vnpay`
 * library hashes the configured one and skips the check when the hash is absent — fail-open, §5 defect 4).
 */
export function verifyVnpayQueryDrResponse(
  terminal: { tmnCode: string; hashSecret: string },
  body: unknown,
  expect?: { txnRef?: string },
): VnpayQueryDrOutcome {
  const none = (
    code: VnpayRejectionCode | 'LT_VNPAY_QUERY_REFUSED',
    message: string,
    responseCode?: string,
  ): VnpayQueryDrOutcome =>
    responseCode === undefined ? { kind: 'no_answer', code, message } : { kind: 'no_answer', code, message, responseCode };
  const read = readFlatRecord(body, LIMITS);
  if (!read.ok) return none('LT_VNPAY_MALFORMED', read.reason);
  const p = read.record;
  const rc = /^\d{2}$/.test(p.vnp_ResponseCode ?? '') ? p.vnp_ResponseCode : undefined;
  if (!p.vnp_SecureHash) return none('LT_VNPAY_SIGNATURE_MISSING', 'answer is not signed', rc);
  const expected = vnpayHmac(terminal.hashSecret, vnpayPipeData(VNPAY_QUERYDR_RESPONSE_HASH_FIELDS, p));
  if (!hexSignatureEquals(expected, p.vnp_SecureHash))
    return none('LT_VNPAY_SIGNATURE_MISMATCH', 'answer signature does not match', rc);
  if (p.vnp_TmnCode !== terminal.tmnCode) return none('LT_VNPAY_TERMINAL_MISMATCH', 'answer is for another terminal', rc);
  if (rc === undefined) return none('LT_VNPAY_MALFORMED', 'vnp_ResponseCode missing or malformed');
  if (expect?.txnRef !== undefined && p.vnp_TxnRef !== expect.txnRef) {
    return none('LT_VNPAY_TXNREF_MISMATCH', 'answer is for another vnp_TxnRef', rc);
  }
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) params[k] = v;
  // The querydr answer's vnp_Amount is taken to be × 100 like every other VNPAY amount (inferred; the
  // querydr page itself was not readable, §7).
  const response: VnpayQueryDrResponse = {
    responseCode: rc,
    message: p.vnp_Message ?? '',
    tmnCode: p.vnp_TmnCode,
    txnRef: p.vnp_TxnRef ?? '',
    amountVnd: fromVnpayAmount(p.vnp_Amount),
    transactionNo: p.vnp_TransactionNo || undefined,
    transactionType: p.vnp_TransactionType || undefined,
    transactionStatus: p.vnp_TransactionStatus || undefined,
    payDate: p.vnp_PayDate || undefined,
    bankCode: p.vnp_BankCode || undefined,
    params: Object.freeze(params),
  };
  if (rc === '91') return { kind: 'not_found', response };
  if (rc !== '00') return none('LT_VNPAY_QUERY_REFUSED', `querydr refused with ${rc}`, rc);
  const status = response.transactionStatus;
  const type = response.transactionType;
  if (type !== undefined && type !== '01') return { kind: 'needs_review', reason: `transaction type ${type} (refund)`, response };
  if (status === '00') {
    if (response.amountVnd === undefined) return none('LT_VNPAY_MALFORMED', 'paid answer without a valid vnp_Amount', rc);
    return {
      kind: 'paid',
      amountVnd: response.amountVnd,
      transactionNo: response.transactionNo,
      payDate: response.payDate,
      response,
    };
  }
  if (status === '01') return { kind: 'pending', response };
  if (status !== undefined && FAILED.has(status)) return { kind: 'failed', transactionStatus: status, response };
  return { kind: 'needs_review', reason: `transaction status ${status ?? '(none)'}`, response };
}
