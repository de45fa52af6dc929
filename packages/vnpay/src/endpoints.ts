/** VNPAY sandbox endpoints [V1]. Production hosts are issued at go-live (third-party code uses pay.vnpay.vn / merchant.vnpay.vn [V6c], unconfirmed). */
export const VNPAY_SANDBOX_ENDPOINTS = Object.freeze({
  paymentUrl: 'https://sandbox.vnpayment.vn/paymentv2/vpcpay.html',
  apiUrl: 'https://sandbox.vnpayment.vn/merchant_webapi/api/transaction',
});

/** Path suffixes of the two endpoints, used by the sandbox peer to serve the same URLs under its prefix. */
export const VNPAY_PATHS = Object.freeze({
  payment: '/paymentv2/vpcpay.html',
  api: '/merchant_webapi/api/transaction',
});

export const VNPAY_VERSION = '2.1.0';
