/** Made-up partner credentials shared by this package's tests. */
export const PARTNER = Object.freeze({
  partnerCode: 'MOMOLT2025',
  accessKey: 'F8BBA842ECF85',
  secretKey: 'K951B6PE1waDMi640xX08PD3vg6EkVlz',
});

export const CREATE = Object.freeze({
  orderId: 'LT-H56-250304-0001-1',
  requestId: 'req-250304-0001-1',
  amountVnd: 50_000,
  orderInfo: 'Lệ phí hồ sơ H56.14-250304-0001',
  redirectUrl: 'https://hub.example.vn/v1/payments/return/momo',
  ipnUrl: 'https://hub.example.vn/v1/payments/ipn/momo',
});
