/**
 * VNPT Pay codes (reference vnptpay-vietqr.md). API `RESPONSE_CODE` values [VP3] (§1.7) and the IPN reply
 * codes [VP3] (§1.5, VNPAY's shape [inf]).
 */
export const VNPTPAY_API_CODES = Object.freeze({
  '00': 'ok',
  '01': 'failed',
  '02': 'bad format',
  '03': 'order id already exists',
  '04': 'timeout',
  '05': 'not found',
  '06': 'system error',
  '07': 'bad signature',
  '08': 'merchant service locked',
  '09': 'merchant service does not exist',
  '96': 'maintenance',
  '99': 'unknown',
} as const);

/** What we answer an IPN with; `00` and `02` end VNPT Pay's interest in it [VP3][inf]. */
export const VNPTPAY_IPN_REPLY_CODES = Object.freeze({
  ok: { code: '00', description: 'Confirm Success' },
  orderNotFound: { code: '01', description: 'Order not found' },
  alreadyConfirmed: { code: '02', description: 'Order already confirmed' },
  busy: { code: '08', description: 'Busy, retry later' },
  badSignature: { code: '97', description: 'Invalid signature' },
  other: { code: '99', description: 'Unknown error' },
} as const);

export type VnptpayIpnReplyKind = keyof typeof VNPTPAY_IPN_REPLY_CODES;

/**
 * QUERY `TRANSACTION_STATUS` values were NOT found in any source (§1.6, §7). The sandbox and this table use
 * `1` paid, `0` pending, `2` failed [inf: our assumption, to confirm against the onboarding pack]; any other
 * value is read as "unknown" and never settles or fails a payment.
 */
export const VNPTPAY_TRANSACTION_STATUS = Object.freeze({ paid: '1', pending: '0', failed: '2' } as const);
