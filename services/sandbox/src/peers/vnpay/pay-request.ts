import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import {
  VNPAY_AMOUNT_LIMITS,
  VNPAY_ORDER_INFO_PATTERN,
  fromVnpayAmount,
  hexSignatureEquals,
  parseVnpayDate,
  vnpayCanonicalString,
  vnpayHmac,
} from '@lienthong/vnpay';
import type { VnpayPeerMerchant } from './options.js';
import type { VnpayTxn } from './store.js';

/** Why a pay URL is refused, with the code VNPAY's error page would show (codes from the §1.6/§1.7 tables; the page's own list is not public). */
export interface PayUrlRefusal {
  code: string;
  message: string;
}

export type PayUrlCheck = { ok: true; txn: VnpayTxn; merchant: VnpayPeerMerchant } | { ok: false; refusal: PayUrlRefusal };

const REQUIRED = [
  'vnp_Version',
  'vnp_Command',
  'vnp_TmnCode',
  'vnp_Amount',
  'vnp_CreateDate',
  'vnp_CurrCode',
  'vnp_IpAddr',
  'vnp_Locale',
  'vnp_OrderInfo',
  'vnp_OrderType',
  'vnp_ReturnUrl',
  'vnp_ExpireDate',
  'vnp_TxnRef',
];

/**
 * Checks a pay URL as VNPAY would: terminal, signature (sorted, form-encoded `vnp_*`, empty dropped,
 * HMAC-SHA512 [V1]), then the §1.2 fields. Returns a new pending transaction (not yet stored).
 */
export function checkPayUrl(query: unknown, merchants: ReadonlyMap<string, VnpayPeerMerchant>, now: Date): PayUrlCheck {
  const refuse = (code: string, message: string): PayUrlCheck => ({ ok: false, refusal: { code, message } });
  if (query === null || typeof query !== 'object') return refuse('03', 'Dữ liệu gửi sang không đúng định dạng');
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (typeof v !== 'string' || v.length > 2048) return refuse('03', `Tham số ${k.slice(0, 64)} không hợp lệ`);
    p[k] = v;
  }
  const merchant = merchants.get(p.vnp_TmnCode ?? '');
  if (!merchant) return refuse('02', 'Merchant không hợp lệ (vnp_TmnCode)');
  const data = vnpayCanonicalString(p);
  if (!p.vnp_SecureHash || data === undefined || !hexSignatureEquals(vnpayHmac(merchant.hashSecret, data), p.vnp_SecureHash)) {
    return refuse('97', 'Chữ ký không hợp lệ');
  }
  // 2.0.x sent vnp_SecureHashType; 2.1.0 must not [V2].
  if ('vnp_SecureHashType' in p) return refuse('03', 'vnp_SecureHashType không được gửi ở phiên bản 2.1.0');
  const missing = REQUIRED.filter((k) => !p[k]);
  if (missing.length) return refuse('03', `Thiếu tham số: ${missing.join(', ')}`);
  if (p.vnp_Version !== '2.1.0' || p.vnp_Command !== 'pay' || p.vnp_CurrCode !== 'VND')
    return refuse('03', 'Sai vnp_Version, vnp_Command hoặc vnp_CurrCode');
  const amountVnd = fromVnpayAmount(p.vnp_Amount);
  if (amountVnd === undefined || (p.vnp_Amount as string).length > 12) return refuse('03', 'vnp_Amount không hợp lệ');
  if (amountVnd < VNPAY_AMOUNT_LIMITS.minVnd || amountVnd >= VNPAY_AMOUNT_LIMITS.maxVndExclusive) {
    // The gateway's own wording [V6e].
    return refuse('03', 'Số tiền không hợp lệ. Số tiền hợp lệ từ 5,000 đến dưới 1 tỷ đồng');
  }
  const created = parseVnpayDate(p.vnp_CreateDate);
  const expires = parseVnpayDate(p.vnp_ExpireDate);
  if (!created || !expires || expires <= created) return refuse('03', 'vnp_CreateDate / vnp_ExpireDate không hợp lệ');
  if (!VNPAY_ORDER_INFO_PATTERN.test(p.vnp_OrderInfo as string))
    return refuse('03', 'vnp_OrderInfo không được có dấu hoặc ký tự đặc biệt');
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(p.vnp_TxnRef as string)) return refuse('03', 'vnp_TxnRef không hợp lệ');
  if (isIP(p.vnp_IpAddr as string) === 0) return refuse('03', 'vnp_IpAddr không hợp lệ');
  if (!/^https?:\/\//.test(p.vnp_ReturnUrl as string)) return refuse('03', 'vnp_ReturnUrl không hợp lệ');
  if (expires.getTime() < now.getTime()) return refuse('11', 'Giao dịch đã quá thời gian chờ thanh toán');
  const tmnCode = p.vnp_TmnCode as string;
  const txnRef = p.vnp_TxnRef as string;
  return {
    ok: true,
    merchant,
    txn: {
      id: randomUUID(),
      key: `${tmnCode}:${txnRef}`,
      tmnCode,
      txnRef,
      amountVnd,
      orderInfo: p.vnp_OrderInfo as string,
      returnUrl: p.vnp_ReturnUrl as string,
      createDate: p.vnp_CreateDate as string,
      expireDate: p.vnp_ExpireDate as string,
      bankCode: p.vnp_BankCode || undefined,
      received: Object.freeze({ ...p }),
      status: 'pending',
      createdAt: now.toISOString(),
    },
  };
}

/** Same order re-opened (browser refresh): identical signed parameters. */
export function samePayRequest(a: VnpayTxn, b: VnpayTxn): boolean {
  return JSON.stringify(a.received) === JSON.stringify(b.received);
}
