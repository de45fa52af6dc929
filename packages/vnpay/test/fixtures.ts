/**
 * Fixed inputs shared by this package's tests (not exported from index.ts). The secret is made up;
 * golden values in the tests are computed independently from the documented strings.
 */
export const TERMINAL = Object.freeze({ tmnCode: 'LTHUB001', hashSecret: 'SECRETSECRETSECRETSECRETSECRET12' });

/** 2025-03-04 05:06:07 UTC = 12:06:07 in Hanoi. */
export const CREATED_AT = new Date('2025-03-04T05:06:07Z');

export const PAY_REQUEST = Object.freeze({
  amountVnd: 150_000,
  txnRef: 'LT20250304-0001',
  orderInfo: 'Thanh toan le phi ho so H56.14-250304-0001',
  ipAddr: '203.0.113.7',
  returnUrl: 'https://hub.example.vn/v1/payments/return/vnpay',
  createdAt: CREATED_AT,
});
