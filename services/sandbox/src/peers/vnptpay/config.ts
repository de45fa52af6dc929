import type { SandboxPeerOptions, PeerConfigProperties } from '../../peer.js';
import { parseMerchantsJson, type PaymentPeerCommonOptions, type PaymentPeerSettings } from '../payment-peer-kit/index.js';
import { peerConfigReader } from '../peer-kit/index.js';

/** One simulated VNPT Pay merchant service. The IPN URL is held by VNPT Pay from onboarding [inf]. */
export interface VnptpayPeerMerchant {
  merchantServiceId: string;
  secretKey: string;
  apiKey: string;
  ipnUrl: string;
  /** Browser return after paying (display only); `?MERCHANT_ORDER_ID=` is appended [inf: names unknown, §1.4]. */
  returnUrl?: string;
  /** The IPN transport seen in practice: plain JSON [VP4] or a form field `data` holding the JSON [VP3]. */
  ipnTransport?: 'json' | 'form';
  name?: string;
}

export interface VnptpayPeerOptions extends Partial<SandboxPeerOptions>, PaymentPeerCommonOptions {
  merchants?: VnptpayPeerMerchant[];
  ipnMaxAttempts?: number;
  ipnRetryIntervalMs?: number;
  notifyTimeoutMs?: number;
  payUrlTtlMs?: number;
  timeoutHangMs?: number;
  seed?: number;
}

/**
 * Environment of the VNPT Pay simulator. No official specification is reachable (vnptpay-vietqr.md §1):
 * paths follow the public integrations, timings are inferences [inf]. The demo merchant guards a
 * simulator only; never reuse it anywhere real.
 */
export const configProperties: PeerConfigProperties = {
  SANDBOX_VNPTPAY_MERCHANTS: {
    type: 'string',
    minLength: 2,
    default: JSON.stringify([
      {
        merchantServiceId: '470',
        secretKey: 'lt-demo-vnptpay-secret-0001',
        apiKey: 'lt-demo-vnptpay-api-key',
        ipnUrl: 'http://127.0.0.1:8082/v1/ipn/vnptpay',
        returnUrl: 'http://127.0.0.1:8082/v1/return/vnptpay',
      },
    ]),
    description:
      'VNPT Pay sandbox: JSON array of merchant services {merchantServiceId, secretKey, apiKey, ipnUrl, returnUrl?, ipnTransport?: json|form} (simulator credentials)',
  },
  SANDBOX_VNPTPAY_IPN_MAX_ATTEMPTS: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 5,
    description: 'VNPT Pay sandbox: IPN calls per payment until 00/02 [inf: no retry policy found]',
  },
  SANDBOX_VNPTPAY_IPN_RETRY_INTERVAL_MS: {
    type: 'integer',
    minimum: 1,
    default: 60_000,
    description: 'VNPT Pay sandbox: interval between IPN calls [inf]',
  },
  SANDBOX_VNPTPAY_NOTIFY_TIMEOUT_MS: {
    type: 'integer',
    minimum: 100,
    default: 30_000,
    description: 'VNPT Pay sandbox: timeout of one IPN call [inf]',
  },
  SANDBOX_VNPTPAY_PAY_URL_TTL_MS: {
    type: 'integer',
    minimum: 1_000,
    default: 900_000,
    description: 'VNPT Pay sandbox: REDIRECT_URL lifetime [inf]',
  },
  SANDBOX_VNPTPAY_TIMEOUT_HANG_MS: {
    type: 'integer',
    minimum: 0,
    default: 60_000,
    description: 'VNPT Pay sandbox: how long a simulated API timeout holds the request',
  },
  SANDBOX_VNPTPAY_SEED: {
    type: 'integer',
    minimum: 0,
    default: 20_251_205,
    description: 'VNPT Pay sandbox: seed of the fault draws',
  },
  SANDBOX_VNPTPAY_LOG_SIZE: {
    type: 'integer',
    minimum: 10,
    default: 5_000,
    description: 'VNPT Pay sandbox: records kept for /_admin/notifications and /_admin/requests',
  },
};

export interface VnptpayPeerSettings extends PaymentPeerSettings<VnptpayPeerMerchant> {
  ipnMaxAttempts: number;
  ipnRetryIntervalMs: number;
  payUrlTtlMs: number;
  publicUrl: string;
}

const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\//.test(v);

function checkMerchant(m: unknown, i: number): VnptpayPeerMerchant {
  const o = (m ?? {}) as Record<string, unknown>;
  if (typeof o.merchantServiceId !== 'string' || !/^[A-Za-z0-9_-]{1,30}$/.test(o.merchantServiceId))
    throw new Error(`VNPT Pay merchant ${i}: merchantServiceId must be 1-30 letters or digits`);
  if (typeof o.secretKey !== 'string' || o.secretKey.length < 8 || o.secretKey.includes('|'))
    throw new Error(`VNPT Pay merchant ${i}: secretKey must be at least 8 characters without '|'`);
  if (typeof o.apiKey !== 'string' || o.apiKey.length < 8)
    throw new Error(`VNPT Pay merchant ${i}: apiKey must be at least 8 characters`);
  if (!isUrl(o.ipnUrl)) throw new Error(`VNPT Pay merchant ${i}: ipnUrl must be an http(s) URL`);
  if (o.returnUrl !== undefined && !isUrl(o.returnUrl))
    throw new Error(`VNPT Pay merchant ${i}: returnUrl must be an http(s) URL`);
  if (o.ipnTransport !== undefined && o.ipnTransport !== 'json' && o.ipnTransport !== 'form')
    throw new Error(`VNPT Pay merchant ${i}: ipnTransport must be json or form`);
  return Object.freeze({
    merchantServiceId: o.merchantServiceId,
    secretKey: o.secretKey,
    apiKey: o.apiKey,
    ipnUrl: o.ipnUrl as string,
    ipnTransport: (o.ipnTransport as 'json' | 'form' | undefined) ?? 'json',
    ...(o.returnUrl ? { returnUrl: o.returnUrl as string } : {}),
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
  });
}

export function readVnptpayPeerSettings(opts: VnptpayPeerOptions): VnptpayPeerSettings {
  const read = peerConfigReader(configProperties, opts.config);
  return Object.freeze({
    merchants: Object.freeze(
      parseMerchantsJson(opts.merchants ?? read.raw('SANDBOX_VNPTPAY_MERCHANTS'), 'SANDBOX_VNPTPAY_MERCHANTS', checkMerchant),
    ),
    ipnMaxAttempts: opts.ipnMaxAttempts ?? read.number('SANDBOX_VNPTPAY_IPN_MAX_ATTEMPTS'),
    ipnRetryIntervalMs: opts.ipnRetryIntervalMs ?? read.number('SANDBOX_VNPTPAY_IPN_RETRY_INTERVAL_MS'),
    notifyTimeoutMs: opts.notifyTimeoutMs ?? read.number('SANDBOX_VNPTPAY_NOTIFY_TIMEOUT_MS'),
    payUrlTtlMs: opts.payUrlTtlMs ?? read.number('SANDBOX_VNPTPAY_PAY_URL_TTL_MS'),
    timeoutHangMs: opts.timeoutHangMs ?? read.number('SANDBOX_VNPTPAY_TIMEOUT_HANG_MS'),
    seed: opts.seed ?? read.number('SANDBOX_VNPTPAY_SEED'),
    logSize: read.number('SANDBOX_VNPTPAY_LOG_SIZE'),
    publicUrl: (opts.publicUrl ?? 'http://127.0.0.1:8090').replace(/\/+$/, ''),
  });
}
