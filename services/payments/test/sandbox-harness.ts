/**
 * The sandbox gateways for payments tests, in process and over real HTTP: the helper's peer plugins
 * (services/sandbox/src/peers/<peer>) registered on a bare Fastify app listening on port 0, with the
 * test merchants' credentials and the IPN URLs pointing at the payments app under test.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { quietLogger } from '../../../tests/helpers/index.js';
import vnpayPeer from '../../sandbox/src/peers/vnpay/index.js';
import momoPeer from '../../sandbox/src/peers/momo/index.js';
import paygovPeer from '../../sandbox/src/peers/paygov/index.js';
import vnptpayPeer from '../../sandbox/src/peers/vnptpay/index.js';
import bankTransferPeer from '../../sandbox/src/peers/bank-transfer/index.js';
import { freePort, H22_MERCHANT, H56_MERCHANT } from './harness.js';

export interface TestSandbox {
  app: FastifyInstance;
  url: string;
  /** Environment for createTestPayments pointing the service at this sandbox. */
  env: Record<string, string>;
  /** POST/GET a sandbox admin route, e.g. admin('vnpay', 'POST', '/pay', {payUrl}). */
  admin(
    peer: 'vnpay' | 'momo' | 'paygov' | 'vnptpay' | 'banktransfer',
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startTestSandbox(opts: {
  paymentsUrl: string;
  ipnRetryIntervalMs?: number;
  timeoutHangMs?: number;
  /** VNPT Pay's IPN transport (default: a form field `data`, as the production integration [VP3] receives it). */
  vnptpayTransport?: 'json' | 'form';
}): Promise<TestSandbox> {
  const logger = quietLogger('sandbox');
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  // The peers build pay URLs from their public URL, so the port is reserved before they are registered.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const h22 = H22_MERCHANT;
  const h56 = H56_MERCHANT;
  await app.register(vnpayPeer, {
    prefix: '/vnpay',
    logger,
    merchants: [
      { tmnCode: h22.vnpay.tmnCode, hashSecret: h22.vnpay.hashSecret, ipnUrl: `${opts.paymentsUrl}/v1/ipn/vnpay` },
      { tmnCode: h56.vnpay.tmnCode, hashSecret: h56.vnpay.hashSecret, ipnUrl: `${opts.paymentsUrl}/v1/ipn/vnpay` },
    ],
    ipnRetryIntervalMs: opts.ipnRetryIntervalMs ?? 150,
    ipnMaxAttempts: 10,
    refundEnabled: true,
    notifyTimeoutMs: 3_000,
    timeoutHangMs: opts.timeoutHangMs ?? 5_000,
  });
  await app.register(momoPeer, {
    prefix: '/momo',
    logger,
    publicUrl: url,
    merchants: [{ partnerCode: h22.momo.partnerCode, accessKey: h22.momo.accessKey, secretKey: h22.momo.secretKey }],
    notifyTimeoutMs: 3_000,
    timeoutHangMs: opts.timeoutHangMs ?? 5_000,
  });
  await app.register(paygovPeer, {
    prefix: '/paygov',
    logger,
    publicUrl: url,
    merchants: [
      {
        maDoiTac: h22.paygov.maDoiTac,
        secret: h22.paygov.secretKey,
        confirmUrl: `${opts.paymentsUrl}/v1/ipn/paygov`,
        returnUrl: `${opts.paymentsUrl}/v1/return/paygov`,
      },
    ],
    confirmMaxAttempts: 3,
    confirmRetryIntervalMs: opts.ipnRetryIntervalMs ?? 150,
    notifyTimeoutMs: 3_000,
    timeoutHangMs: opts.timeoutHangMs ?? 5_000,
  });
  await app.register(vnptpayPeer, {
    prefix: '/vnptpay',
    logger,
    publicUrl: url,
    merchants: [
      {
        merchantServiceId: h22.vnptpay.merchantServiceId,
        secretKey: h22.vnptpay.secretKey,
        apiKey: h22.vnptpay.apiKey,
        ipnUrl: `${opts.paymentsUrl}/v1/ipn/vnptpay`,
        returnUrl: `${opts.paymentsUrl}/v1/return/vnptpay`,
        ipnTransport: opts.vnptpayTransport ?? 'form',
      },
    ],
    ipnMaxAttempts: 5,
    ipnRetryIntervalMs: opts.ipnRetryIntervalMs ?? 150,
    notifyTimeoutMs: 3_000,
    timeoutHangMs: opts.timeoutHangMs ?? 5_000,
  });
  await app.register(bankTransferPeer, {
    prefix: '/banktransfer',
    logger,
    accounts: [
      {
        bin: h22.vietqr.bin,
        accountNumber: h22.vietqr.accountNumber,
        payos: { checksumKey: h22.vietqr.payos.checksumKey, webhookUrl: `${opts.paymentsUrl}/v1/ipn/payos` },
        sepay: { apiKey: h22.vietqr.sepay.apiKey, webhookUrl: `${opts.paymentsUrl}/v1/ipn/sepay` },
      },
    ],
    maxAttempts: 3,
    retryIntervalMs: opts.ipnRetryIntervalMs ?? 150,
    notifyTimeoutMs: 3_000,
  });
  await app.listen({ host: '127.0.0.1', port });
  return {
    app,
    url,
    env: {
      VNPAY_PAYMENT_URL: `${url}/vnpay/paymentv2/vpcpay.html`,
      VNPAY_API_URL: `${url}/vnpay/merchant_webapi/api/transaction`,
      MOMO_API_URL: `${url}/momo`,
      PAYGOV_INIT_URL: `${url}/paygov/init`,
      PAYGOV_QUERY_URL: `${url}/paygov/query`,
      VNPTPAY_INIT_URL: `${url}/vnptpay/rest/payment/v1.0.5/init`,
      VNPTPAY_QUERY_URL: `${url}/vnptpay/rest/payment/v1.0.5/query_transaction`,
    },
    async admin(peer, method, path, body) {
      const res = await fetch(`${url}/${peer}/_admin${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => app.close(),
  };
}
