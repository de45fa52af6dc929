import { createHmac } from 'node:crypto';

/**
 * The fields of each signed MoMo string, in MoMo's fixed (alphabetical) order [M1][M3][M4] (payments.md §2.2).
 * `accessKey` is part of the string but not of the body.
 */
export const MOMO_SIGNATURE_FIELDS = Object.freeze({
  create: Object.freeze([
    'accessKey',
    'amount',
    'extraData',
    'ipnUrl',
    'orderId',
    'orderInfo',
    'partnerCode',
    'redirectUrl',
    'requestId',
    'requestType',
  ] as const),
  createResponse: Object.freeze([
    'accessKey',
    'amount',
    'orderId',
    'partnerCode',
    'payUrl',
    'requestId',
    'responseTime',
    'resultCode',
  ] as const),
  /** IPN and redirect share this string [M1][M2]. */
  ipn: Object.freeze([
    'accessKey',
    'amount',
    'extraData',
    'message',
    'orderId',
    'orderInfo',
    'orderType',
    'partnerCode',
    'payType',
    'requestId',
    'responseTime',
    'resultCode',
    'transId',
  ] as const),
  query: Object.freeze(['accessKey', 'orderId', 'partnerCode', 'requestId'] as const),
  refund: Object.freeze(['accessKey', 'amount', 'description', 'orderId', 'partnerCode', 'requestId', 'transId'] as const),
});

export type MomoSignatureKind = keyof typeof MOMO_SIGNATURE_FIELDS;

/** A value as it appears in the raw string: strings verbatim (no URL-encoding), integers in decimal, absent → "". */
export type MomoRawValue = string | number | undefined;

/** `k=v&k=v…` over the kind's fields, no encoding, empty values kept as `k=` [M1]. */
export function momoRawString(kind: MomoSignatureKind, values: Readonly<Record<string, MomoRawValue>>): string {
  return MOMO_SIGNATURE_FIELDS[kind].map((k) => `${k}=${values[k] ?? ''}`).join('&');
}

/** HMAC-SHA256 with the partner's secretKey, lowercase hex [M1]. */
export function momoHmac(secretKey: string, raw: string): string {
  return createHmac('sha256', secretKey).update(raw, 'utf8').digest('hex');
}
