import { isIP } from 'node:net';
import { VnpayError } from './errors.js';
import { toVnpayAmount } from './amount.js';
import { formatVnpayDate } from './gmt7-time.js';
import { assertVnpayOrderInfo } from './order-info.js';
import { isHttpUrl } from './config.js';
import { vnpayCanonicalString, vnpayHmac } from './canonical.js';
import { formEncode } from './form-encode.js';
import { VNPAY_VERSION } from './endpoints.js';

/** What the hub knows when it asks for a payment URL. */
export interface VnpayPayRequest {
  /** Integer VND; sent as `vnp_Amount` × 100 [V1]. */
  amountVnd: number;
  /** `vnp_TxnRef`, unique within the day [V1]: use a new ref per attempt, not per dossier. */
  txnRef: string;
  /** `vnp_OrderInfo`; see toVnpayOrderInfo() for free text. */
  orderInfo: string;
  /** Customer IP (`vnp_IpAddr`, 7-45 chars [V1]). */
  ipAddr: string;
  /** Browser return URL (display only, §1.4). */
  returnUrl: string;
  /** Creation instant, formatted in GMT+7 whatever TZ says. Passed in (no hidden clock). */
  createdAt: Date;
  /** Expiry instant; default createdAt + 15 min, as the official demos do [V1]. */
  expiresAt?: Date;
  /** `vnp_OrderType`, default `other` [V4]. */
  orderType?: string;
  /** `vn` (default) or `en`. */
  locale?: 'vn' | 'en';
  /** `VNPAYQR`, `VNBANK`, `INTCARD`; omitted → the customer chooses at VNPAY [V1]. */
  bankCode?: string;
}

/** A signed payment URL and what went into it (for the ledger). */
export interface VnpayPayUrl {
  url: string;
  /** Every parameter sent, `vnp_SecureHash` included. */
  params: Readonly<Record<string, string>>;
  secureHash: string;
  /** `vnp_CreateDate` / `vnp_ExpireDate` (GMT+7 stamps); keep `createDate`: querydr needs it as `vnp_TransactionDate`. */
  createDate: string;
  expireDate: string;
}

const TXN_REF = /^[A-Za-z0-9_.-]{1,100}$/;
const ORDER_TYPE = /^[A-Za-z0-9_-]{1,100}$/;
const BANK_CODE = /^[A-Za-z0-9]{3,20}$/;
const DEFAULT_TTL_MS = 15 * 60 * 1000;

function bad(field: string, reason: string): never {
  throw new VnpayError('LT_VNPAY_INVALID_INPUT', `invalid ${field}: ${reason}`, [{ field, reason }]);
}

/** Checks a customer or server IP for `vnp_IpAddr` (Alphanumeric[7,45] [V1]). */
export function assertVnpayIp(ip: unknown, field = 'ipAddr'): asserts ip is string {
  if (typeof ip !== 'string' || ip.length < 7 || ip.length > 45 || isIP(ip) === 0) bad(field, 'must be an IPv4 or IPv6 address');
}

export function assertTxnRef(ref: unknown, field = 'txnRef'): asserts ref is string {
  if (typeof ref !== 'string' || !TXN_REF.test(ref)) bad(field, 'must be 1-100 characters of A-Z a-z 0-9 _ . -');
}

/** Builds and signs a `vnp_Command=pay` URL [V1] (§1.2, §1.3). Pure: no clock, no I/O. */
export function buildVnpayPayUrl(
  terminal: { tmnCode: string; hashSecret: string; paymentUrl: string },
  req: VnpayPayRequest,
): VnpayPayUrl {
  if (req === null || typeof req !== 'object') bad('request', 'must be an object');
  const amount = toVnpayAmount(req.amountVnd);
  assertTxnRef(req.txnRef);
  assertVnpayOrderInfo(req.orderInfo);
  assertVnpayIp(req.ipAddr);
  if (!isHttpUrl(req.returnUrl) || req.returnUrl.length < 10 || req.returnUrl.length > 255) {
    bad('returnUrl', 'must be an http(s) URL of 10-255 characters');
  }
  const orderType = req.orderType ?? 'other';
  if (!ORDER_TYPE.test(orderType)) bad('orderType', 'must be 1-100 letters, digits, _ or -');
  const locale = req.locale ?? 'vn';
  if (locale !== 'vn' && locale !== 'en') bad('locale', "must be 'vn' or 'en'");
  if (req.bankCode !== undefined && !BANK_CODE.test(req.bankCode)) bad('bankCode', 'must be 3-20 letters or digits');
  const createDate = formatVnpayDate(req.createdAt);
  const expiresAt = req.expiresAt ?? new Date(req.createdAt.getTime() + DEFAULT_TTL_MS);
  const expireDate = formatVnpayDate(expiresAt);
  if (expiresAt.getTime() <= req.createdAt.getTime()) bad('expiresAt', 'must be after createdAt');

  // vnp_SecureHashType is deliberately absent: required in 2.0.x, must not be sent in 2.1.0 [V2].
  const params: Record<string, string> = {
    vnp_Version: VNPAY_VERSION,
    vnp_Command: 'pay',
    vnp_TmnCode: terminal.tmnCode,
    vnp_Amount: amount,
    vnp_CreateDate: createDate,
    vnp_CurrCode: 'VND',
    vnp_IpAddr: req.ipAddr,
    vnp_Locale: locale,
    vnp_OrderInfo: req.orderInfo,
    vnp_OrderType: orderType,
    vnp_ReturnUrl: req.returnUrl,
    vnp_ExpireDate: expireDate,
    vnp_TxnRef: req.txnRef,
  };
  if (req.bankCode) params.vnp_BankCode = req.bankCode;
  const signed = vnpayCanonicalString(params);
  if (signed === undefined) bad('request', 'contains characters that cannot be URL-encoded');
  const secureHash = vnpayHmac(terminal.hashSecret, signed);
  // The URL's query is the signed string itself, so what VNPAY re-hashes is byte-for-byte what we signed.
  const url = `${terminal.paymentUrl}${terminal.paymentUrl.includes('?') ? '&' : '?'}${signed}&vnp_SecureHash=${formEncode(secureHash)}`;
  return { url, params: Object.freeze({ ...params, vnp_SecureHash: secureHash }), secureHash, createDate, expireDate };
}
