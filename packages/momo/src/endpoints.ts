/** MoMo AIO v2 hosts [M4] and paths [M1][M3]. All calls are POST JSON; clients should allow ≥ 30 s [M1][M3]. */
export const MOMO_HOSTS = Object.freeze({
  sandbox: 'https://test-payment.momo.vn',
  production: 'https://payment.momo.vn',
});

export const MOMO_PATHS = Object.freeze({
  create: '/v2/gateway/api/create',
  query: '/v2/gateway/api/query',
  refund: '/v2/gateway/api/refund',
});

/** MoMo expects the IPN to be answered with HTTP 204 and an empty body, within 15 s (another page says 30 s) [M1][M2]. */
export const MOMO_IPN_ACK_STATUS = 204;
