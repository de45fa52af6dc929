import type { PeerConfigProperties } from '../../peer.js';
import { parseMerchantsJson, type PaymentPeerSettings } from '../payment-peer-kit/index.js';
import { peerConfigReader } from '../peer-kit/index.js';
import type { PaygovPeerMerchant, PaygovPeerOptions } from './options.js';

/**
 * Environment of the PayGov simulator. No public specification exists (payments.md §4): every timing here
 * is an inference, marked [inf]. The demo partner has a default so `npm start` works; it guards a
 * simulator and is therefore not marked `secret`. Never reuse it anywhere real.
 */
export const configProperties: PeerConfigProperties = {
  SANDBOX_PAYGOV_MERCHANTS: {
    type: 'string',
    minLength: 2,
    default: JSON.stringify([
      {
        maDoiTac: '000.00.00.H56',
        secret: 'lt-demo-paygov-secret-0001',
        confirmUrl: 'http://127.0.0.1:8082/v1/ipn/paygov',
        returnUrl: 'http://127.0.0.1:8082/v1/return/paygov',
      },
    ]),
    description: 'PayGov sandbox: JSON array of partners {maDoiTac, secret, confirmUrl, returnUrl?} (simulator credentials)',
  },
  SANDBOX_PAYGOV_CONFIRM_MAX_ATTEMPTS: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 1,
    description: 'PayGov sandbox: confirm calls per payment [inf: no retry policy is documented]',
  },
  SANDBOX_PAYGOV_CONFIRM_RETRY_INTERVAL_MS: {
    type: 'integer',
    minimum: 1,
    default: 60_000,
    description: 'PayGov sandbox: interval between confirm calls [inf]',
  },
  SANDBOX_PAYGOV_NOTIFY_TIMEOUT_MS: {
    type: 'integer',
    minimum: 100,
    default: 30_000,
    description: 'PayGov sandbox: timeout of one confirm call [inf]',
  },
  SANDBOX_PAYGOV_PAY_URL_TTL_MS: {
    type: 'integer',
    minimum: 1_000,
    default: 900_000,
    description: 'PayGov sandbox: UrlThanhToan lifetime [inf]',
  },
  SANDBOX_PAYGOV_TIMEOUT_HANG_MS: {
    type: 'integer',
    minimum: 0,
    default: 60_000,
    description: 'PayGov sandbox: how long a simulated API timeout holds the request before answering 504',
  },
  SANDBOX_PAYGOV_SEED: {
    type: 'integer',
    minimum: 0,
    default: 20_250_306,
    description: 'PayGov sandbox: seed of the fault draws',
  },
  SANDBOX_PAYGOV_LOG_SIZE: {
    type: 'integer',
    minimum: 10,
    default: 5_000,
    description: 'PayGov sandbox: records kept for /_admin/notifications and /_admin/requests',
  },
};

export interface PaygovPeerSettings extends PaymentPeerSettings<PaygovPeerMerchant> {
  confirmMaxAttempts: number;
  confirmRetryIntervalMs: number;
  payUrlTtlMs: number;
  publicUrl: string;
}

const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\//.test(v);

function checkMerchant(m: unknown, i: number): PaygovPeerMerchant {
  const o = (m ?? {}) as Record<string, unknown>;
  if (typeof o.maDoiTac !== 'string' || !/^[A-Za-z0-9._-]{1,50}$/.test(o.maDoiTac))
    throw new Error(`PayGov merchant ${i}: maDoiTac must be 1-50 letters, digits, . _ or -`);
  if (typeof o.secret !== 'string' || o.secret.length < 8 || o.secret.includes('|'))
    throw new Error(`PayGov merchant ${i}: secret must be at least 8 characters without '|'`);
  if (!isUrl(o.confirmUrl)) throw new Error(`PayGov merchant ${i}: confirmUrl must be an http(s) URL`);
  if (o.returnUrl !== undefined && !isUrl(o.returnUrl)) throw new Error(`PayGov merchant ${i}: returnUrl must be an http(s) URL`);
  return Object.freeze({
    maDoiTac: o.maDoiTac,
    secret: o.secret,
    confirmUrl: o.confirmUrl as string,
    ...(o.returnUrl ? { returnUrl: o.returnUrl as string } : {}),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
  });
}

/** Options first (tests), then the sandbox config, then the declared defaults. Throws on a bad merchant. */
export function readPaygovPeerSettings(opts: PaygovPeerOptions): PaygovPeerSettings {
  const read = peerConfigReader(configProperties, opts.config);
  return Object.freeze({
    merchants: Object.freeze(
      parseMerchantsJson(opts.merchants ?? read.raw('SANDBOX_PAYGOV_MERCHANTS'), 'SANDBOX_PAYGOV_MERCHANTS', checkMerchant),
    ),
    confirmMaxAttempts: opts.confirmMaxAttempts ?? read.number('SANDBOX_PAYGOV_CONFIRM_MAX_ATTEMPTS'),
    confirmRetryIntervalMs: opts.confirmRetryIntervalMs ?? read.number('SANDBOX_PAYGOV_CONFIRM_RETRY_INTERVAL_MS'),
    notifyTimeoutMs: opts.notifyTimeoutMs ?? read.number('SANDBOX_PAYGOV_NOTIFY_TIMEOUT_MS'),
    payUrlTtlMs: opts.payUrlTtlMs ?? read.number('SANDBOX_PAYGOV_PAY_URL_TTL_MS'),
    timeoutHangMs: opts.timeoutHangMs ?? read.number('SANDBOX_PAYGOV_TIMEOUT_HANG_MS'),
    seed: opts.seed ?? read.number('SANDBOX_PAYGOV_SEED'),
    logSize: read.number('SANDBOX_PAYGOV_LOG_SIZE'),
    publicUrl: (opts.publicUrl ?? 'http://127.0.0.1:8090').replace(/\/+$/, ''),
  });
}
