/**
 * VNPAY code tables [V1] (the querydr ones from [V3] via [V4][V6a]). Messages are English renderings of
 * the official Vietnamese texts; codes are what the hub decides on.
 */

/** `vnp_ResponseCode` on the Return URL / IPN [V1]. */
export const VNPAY_RESPONSE_CODES: Readonly<Record<string, string>> = Object.freeze({
  '00': 'transaction successful',
  '07': 'debited, transaction suspicious (fraud check)',
  '09': 'card/account not registered for Internet Banking',
  '10': 'card/account authentication failed more than 3 times',
  '11': 'payment window expired',
  '12': 'card/account locked',
  '13': 'wrong OTP',
  '24': 'customer cancelled',
  '51': 'insufficient funds',
  '65': 'daily transaction limit exceeded',
  '75': 'bank under maintenance',
  '79': 'wrong payment password too many times',
  '99': 'other error',
});

/**
 * `vnp_TransactionStatus` [V1]. `08` and `11` come only from a third-party citation of the Techspec PDF
 * §2.5.7.2 [V6d] — inferred, not confirmed.
 */
export const VNPAY_TRANSACTION_STATUSES: Readonly<Record<string, string>> = Object.freeze({
  '00': 'successful',
  '01': 'not completed',
  '02': 'error',
  '04': 'reversed (debited at the bank, not successful at VNPAY)',
  '05': 'refund being processed',
  '06': 'refund sent to the bank',
  '07': 'suspected fraud',
  '08': 'timed out (inferred [V6d])',
  '09': 'refund rejected',
  '11': 'cancelled (inferred [V6d])',
});

/** querydr `vnp_ResponseCode` [V3][V4][V6a]. */
export const VNPAY_QUERYDR_RESPONSE_CODES: Readonly<Record<string, string>> = Object.freeze({
  '00': 'request successful',
  '02': 'invalid TmnCode',
  '03': 'invalid data format',
  '91': 'transaction not found',
  '94': 'duplicate request within the API window',
  '97': 'invalid checksum',
  '99': 'other error',
});

/** querydr `vnp_TransactionType`: only `01` (payment) settles an order [V6a]; `02`/`03` are full/partial refunds. */
export const VNPAY_TRANSACTION_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '01': 'payment',
  '02': 'full refund',
  '03': 'partial refund',
});
