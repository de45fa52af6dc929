import type { PeerConfigProperties } from '../../peer.js';
import { parseMerchantsJson, type PaymentPeerSettings } from '../payment-peer-kit/index.js';
import { peerConfigReader } from '../peer-kit/index.js';
import type { MomoPeerMerchant, MomoPeerOptions } from './options.js';

/**
 * Environment of the MoMo simulator. The demo partner has a default so `npm start` works without setup;
 * it guards a simulator and is therefore not marked `secret`. Never reuse it anywhere real.
 */
export const configProperties: PeerConfigProperties = {
  SANDBOX_MOMO_MERCHANTS: {
    type: 'string',
    minLength: 2,
    default: JSON.stringify([
      { partnerCode: 'MOMOLTDEMO', accessKey: 'lt-demo-access-key', secretKey: 'lt-demo-momo-secret-key-0001' },
    ]),
    description: 'MoMo sandbox: JSON array of partners {partnerCode, accessKey, secretKey} (simulator credentials)',
  },
  SANDBOX_MOMO_NOTIFY_TIMEOUT_MS: {
    type: 'integer',
    minimum: 100,
    default: 15_000,
    description: 'MoMo sandbox: timeout of the IPN call (MoMo: answer within 15 s [M1][M2])',
  },
  SANDBOX_MOMO_PAY_URL_TTL_MS: {
    type: 'integer',
    minimum: 1_000,
    default: 300_000,
    description: 'MoMo sandbox: payUrl lifetime (5 min per a third-party guide [M4])',
  },
  SANDBOX_MOMO_TIMEOUT_HANG_MS: {
    type: 'integer',
    minimum: 0,
    default: 35_000,
    description: 'MoMo sandbox: how long a simulated API timeout holds the request before answering 504',
  },
  SANDBOX_MOMO_SEED: { type: 'integer', minimum: 0, default: 20_250_305, description: 'MoMo sandbox: seed of the fault draws' },
  SANDBOX_MOMO_LOG_SIZE: {
    type: 'integer',
    minimum: 10,
    default: 5_000,
    description: 'MoMo sandbox: records kept for /_admin/notifications and /_admin/requests',
  },
};

export interface MomoPeerSettings extends PaymentPeerSettings<MomoPeerMerchant> {
  payUrlTtlMs: number;
  publicUrl: string;
}

function checkMerchant(m: unknown, i: number): MomoPeerMerchant {
  const o = (m ?? {}) as Record<string, unknown>;
  if (typeof o.partnerCode !== 'string' || !/^[A-Za-z0-9_-]{1,50}$/.test(o.partnerCode))
    throw new Error(`MoMo merchant ${i}: partnerCode must be 1-50 letters, digits, _ or -`);
  for (const k of ['accessKey', 'secretKey'] as const)
    if (typeof o[k] !== 'string' || (o[k] as string).length < 8)
      throw new Error(`MoMo merchant ${i}: ${k} must be at least 8 characters`);
  return Object.freeze({
    partnerCode: o.partnerCode,
    accessKey: o.accessKey as string,
    secretKey: o.secretKey as string,
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
  });
}

/** Options first (tests), then the sandbox config, then the declared defaults. Throws on a bad merchant. */
export function readMomoPeerSettings(opts: MomoPeerOptions): MomoPeerSettings {
  const read = peerConfigReader(configProperties, opts.config);
  return Object.freeze({
    merchants: Object.freeze(
      parseMerchantsJson(opts.merchants ?? read.raw('SANDBOX_MOMO_MERCHANTS'), 'SANDBOX_MOMO_MERCHANTS', checkMerchant),
    ),
    notifyTimeoutMs: opts.notifyTimeoutMs ?? read.number('SANDBOX_MOMO_NOTIFY_TIMEOUT_MS'),
    payUrlTtlMs: opts.payUrlTtlMs ?? read.number('SANDBOX_MOMO_PAY_URL_TTL_MS'),
    timeoutHangMs: opts.timeoutHangMs ?? read.number('SANDBOX_MOMO_TIMEOUT_HANG_MS'),
    seed: opts.seed ?? read.number('SANDBOX_MOMO_SEED'),
    logSize: read.number('SANDBOX_MOMO_LOG_SIZE'),
    publicUrl: (opts.publicUrl ?? 'http://127.0.0.1:8090').replace(/\/+$/, ''),
  });
}
