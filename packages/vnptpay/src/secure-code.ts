import { createHash } from 'node:crypto';

/**
 * `SECURE_CODE` = lowercase hex SHA-256 of the message's values joined by `|` with the secret as the last
 * element (`v1|v2|…|vn|SECRET_KEY`): a plain hash, not an HMAC, raw values, in a fixed order per message
 * and version that is NOT alphabetical [VP1–VP4] (reference vnptpay-vietqr.md §1.3). The orders below are
 * the ones the public integrations agree on; each is pinned by a golden vector in messages.test.ts ("SECURE_CODE
 * golden vectors", computed outside the code with sha256sum), so a version the onboarding pack orders differently
 * gets its own list, never an edit of these.
 */
export const VNPTPAY_HASH_FIELDS = Object.freeze({
  /** INIT v1.0.5 [VP1][VP2] (the Java client builds this exact string). */
  'init-1.0.5': Object.freeze([
    'ACTION',
    'VERSION',
    'MERCHANT_SERVICE_ID',
    'MERCHANT_ORDER_ID',
    'AMOUNT',
    'AMOUNT_DETAIL',
    'SERVICE_ID',
    'DEVICE',
    'LOCALE',
    'CURRENCY_CODE',
    'PAYMENT_METHOD',
    'DESCRIPTION',
    'CREATE_DATE',
    'CLIENT_IP',
  ] as const),
  /** pay_qrcode v1.0.6 [VP4]; MERCHANT_DATA is sent but not hashed. */
  'pay-qrcode-1.0.6': Object.freeze([
    'ACTION',
    'VERSION',
    'MERCHANT_SERVICE_ID',
    'MERCHANT_ORDER_ID',
    'AMOUNT',
    'PAYMENT_ACTION',
    'SERVICE_CATEGORY',
    'CHANNEL_ID',
    'DEVICE',
    'LOCALE',
    'CURRENCY_CODE',
    'PAYMENT_METHOD',
    'DESCRIPTION',
    'CREATE_DATE',
    'CLIENT_IP',
  ] as const),
  /** QUERY (1.0.5 query_transaction and 1.0.6 query) [VP1][VP4]. */
  query: Object.freeze(['ACTION', 'VERSION', 'MERCHANT_SERVICE_ID', 'MERCHANT_ORDER_ID', 'CREATE_DATE'] as const),
  /** IPN: these 10 values in this order; absent optional values hash as "" [VP3][VP4]. */
  ipn: Object.freeze([
    'ACTION',
    'RESPONSE_CODE',
    'MERCHANT_SERVICE_ID',
    'MERCHANT_ORDER_ID',
    'AMOUNT',
    'CURRENCY_CODE',
    'VNPTPAY_TRANSACTION_ID',
    'PAYMENT_METHOD',
    'PAY_DATE',
    'ADDITIONAL_INFO',
  ] as const),
  /** Our signed IPN reply [VP4] (not [VP3]'s buggy extra empty element). */
  'ipn-reply': Object.freeze([
    'RESPONSE_CODE',
    'DESCRIPTION',
    'MERCHANT_SERVICE_ID',
    'MERCHANT_ORDER_ID',
    'CREATE_DATE',
  ] as const),
});

export type VnptpayHashKind = keyof typeof VNPTPAY_HASH_FIELDS;

const scalar = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The exact string hashed for `kind`: the values in field order (absent → ""), then the secret. */
export function vnptpayHashInput(kind: VnptpayHashKind, values: Readonly<Record<string, unknown>>, secret: string): string {
  return [...VNPTPAY_HASH_FIELDS[kind].map((f) => scalar(values[f])), secret].join('|');
}

export function computeSecureCode(kind: VnptpayHashKind, values: Readonly<Record<string, unknown>>, secret: string): string {
  return sha256Hex(vnptpayHashInput(kind, values, secret));
}

/**
 * SECURE_CODE of an API *response* (INIT, QUERY): "all fields but SECURE_CODE in received order, then
 * |SECRET" [VP3] — depends on the JSON key order as received, which JSON.parse keeps for string keys.
 * Inferred from one integration [inf]; see readers for what a mismatch means.
 */
export function computeResponseSecureCode(body: Readonly<Record<string, unknown>>, secret: string): string {
  const values = Object.entries(body)
    .filter(([k]) => k !== 'SECURE_CODE')
    .map(([, v]) => scalar(v));
  return sha256Hex([...values, secret].join('|'));
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
