import type { PeerConfigProperties } from '../../peer.js';
import { parseMerchantsJson, type PaymentPeerSettings } from '../payment-peer-kit/index.js';
import { peerConfigReader } from '../peer-kit/index.js';
import type { VnpayPeerMerchant, VnpayPeerOptions } from './options.js';

/**
 * Environment of the VNPAY simulator, merged into the sandbox's one config schema. The demo terminal has a
 * default on purpose: it guards a simulator, and `npm start` must work without setup; it is therefore not
 * marked `secret` (the platform forbids defaults on secrets). Never reuse it anywhere real.
 */
export const configProperties: PeerConfigProperties = {
  SANDBOX_VNPAY_MERCHANTS: {
    type: 'string',
    minLength: 2,
    default: JSON.stringify([
      { tmnCode: 'LTDEMO01', hashSecret: 'LIENTHONGSANDBOXVNPAYDEMOSECRET1', ipnUrl: 'http://127.0.0.1:8082/v1/ipn/vnpay' },
    ]),
    description:
      'VNPAY sandbox: JSON array of terminals {tmnCode, hashSecret, ipnUrl} (simulator credentials); the IPN URL is per terminal [V1][V4]',
  },
  SANDBOX_VNPAY_IPN_RETRY_INTERVAL_MS: {
    type: 'integer',
    minimum: 1,
    default: 300_000,
    description: 'VNPAY sandbox: interval between IPN attempts (VNPAY: 5 minutes [V1]); compress for tests',
  },
  SANDBOX_VNPAY_IPN_MAX_ATTEMPTS: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'VNPAY sandbox: IPN calls per notification (VNPAY: 10 [V1])',
  },
  SANDBOX_VNPAY_NOTIFY_TIMEOUT_MS: {
    type: 'integer',
    minimum: 100,
    default: 10_000,
    description: 'VNPAY sandbox: timeout of one IPN call [inf: VNPAY’s own timeout is not documented]',
  },
  SANDBOX_VNPAY_TIMEOUT_HANG_MS: {
    type: 'integer',
    minimum: 0,
    default: 30_000,
    description: 'VNPAY sandbox: how long a simulated API timeout holds the request before answering 504',
  },
  SANDBOX_VNPAY_REFUND_ENABLED: {
    type: 'boolean',
    default: false,
    description:
      "VNPAY sandbox: answer refund commands; false (default) answers 99 to every refund, as VNPAY's own sandbox does unless VNPAY enables refunds for the terminal [V5 #12]",
  },
  SANDBOX_VNPAY_SEED: { type: 'integer', minimum: 0, default: 20_250_304, description: 'VNPAY sandbox: seed of the fault draws' },
  SANDBOX_VNPAY_LOG_SIZE: {
    type: 'integer',
    minimum: 10,
    default: 5_000,
    description: 'VNPAY sandbox: records kept for /_admin/notifications and /_admin/requests',
  },
};

export interface VnpayPeerSettings extends PaymentPeerSettings<VnpayPeerMerchant> {
  ipnRetryIntervalMs: number;
  ipnMaxAttempts: number;
  refundEnabled: boolean;
}

function checkMerchant(m: unknown, i: number): VnpayPeerMerchant {
  const o = (m ?? {}) as Record<string, unknown>;
  if (typeof o.tmnCode !== 'string' || !/^[A-Za-z0-9]{8}$/.test(o.tmnCode))
    throw new Error(`VNPAY merchant ${i}: tmnCode must be 8 letters or digits`);
  if (typeof o.hashSecret !== 'string' || o.hashSecret.length < 8)
    throw new Error(`VNPAY merchant ${i}: hashSecret must be at least 8 characters`);
  if (typeof o.ipnUrl !== 'string' || !/^https?:\/\//.test(o.ipnUrl))
    throw new Error(`VNPAY merchant ${i}: ipnUrl must be an http(s) URL`);
  return Object.freeze({
    tmnCode: o.tmnCode,
    hashSecret: o.hashSecret,
    ipnUrl: o.ipnUrl,
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
  });
}

/** Options first (tests), then the sandbox config, then the declared defaults. Throws on a bad merchant. */
export function readVnpayPeerSettings(opts: VnpayPeerOptions): VnpayPeerSettings {
  const read = peerConfigReader(configProperties, opts.config);
  return Object.freeze({
    merchants: Object.freeze(
      parseMerchantsJson(opts.merchants ?? read.raw('SANDBOX_VNPAY_MERCHANTS'), 'SANDBOX_VNPAY_MERCHANTS', checkMerchant),
    ),
    ipnRetryIntervalMs: opts.ipnRetryIntervalMs ?? read.number('SANDBOX_VNPAY_IPN_RETRY_INTERVAL_MS'),
    ipnMaxAttempts: opts.ipnMaxAttempts ?? read.number('SANDBOX_VNPAY_IPN_MAX_ATTEMPTS'),
    refundEnabled: opts.refundEnabled ?? read.raw('SANDBOX_VNPAY_REFUND_ENABLED') === true,
    notifyTimeoutMs: opts.notifyTimeoutMs ?? read.number('SANDBOX_VNPAY_NOTIFY_TIMEOUT_MS'),
    timeoutHangMs: opts.timeoutHangMs ?? read.number('SANDBOX_VNPAY_TIMEOUT_HANG_MS'),
    seed: opts.seed ?? read.number('SANDBOX_VNPAY_SEED'),
    logSize: read.number('SANDBOX_VNPAY_LOG_SIZE'),
  });
}
