import type { PeerConfigProperties } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';

/** Environment of the simulated business registry; simulator credentials with defaults (not `secret`). */
export const configProperties: PeerConfigProperties = {
  SANDBOX_DKKD_CONSUMER_KEY: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-ngsp',
    description: 'business registry sandbox: NGSP consumer key (simulator credential)',
  },
  SANDBOX_DKKD_CONSUMER_SECRET: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-ngsp-sandbox',
    description: 'business registry sandbox: NGSP consumer secret (simulator credential, not a real secret)',
  },
  SANDBOX_DKKD_ESB_ACCESS_KEY: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-esb',
    description: 'business registry sandbox: TP.HCM ESB AccessKey (simulator credential)',
  },
  SANDBOX_DKKD_ESB_SECRET_KEY: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-esb-sandbox',
    description: 'business registry sandbox: TP.HCM ESB SecretKey (simulator credential)',
  },
  SANDBOX_DKKD_TOKEN_TTL_S: {
    type: 'integer',
    minimum: 5,
    default: 3_600,
    description: 'business registry sandbox: announced NGSP token lifetime [inf]',
  },
  SANDBOX_DKKD_SEED: {
    type: 'integer',
    minimum: 0,
    default: 20_251_206,
    description: 'business registry sandbox: seed of the synthetic registry and of the fault draws',
  },
  SANDBOX_DKKD_BUSINESSES: {
    type: 'integer',
    minimum: 100,
    maximum: 100_000,
    default: 110,
    description: 'business registry sandbox: parent businesses (branches come on top)',
  },
  SANDBOX_DKKD_TIMEOUT_HANG_MS: {
    type: 'integer',
    minimum: 0,
    maximum: 120_000,
    default: 20_000,
    description: 'business registry sandbox: how long a simulated timeout holds the request',
  },
  SANDBOX_DKKD_HUGE_BYTES: {
    type: 'integer',
    minimum: 1_024,
    default: 50 * 1024 * 1024,
    description: 'business registry sandbox: size of the malformed=huge reply',
  },
};

export interface DkkdPeerConfig {
  consumerKey: string;
  consumerSecret: string;
  esbAccessKey: string;
  esbSecretKey: string;
  tokenTtlS: number;
  seed: number;
  businesses: number;
  timeoutHangMs: number;
  hugeBytes: number;
}

export function readPeerConfig(config: Readonly<Record<string, unknown>>): DkkdPeerConfig {
  const { raw, number } = peerConfigReader(configProperties, config);
  return Object.freeze({
    consumerKey: String(raw('SANDBOX_DKKD_CONSUMER_KEY')),
    consumerSecret: String(raw('SANDBOX_DKKD_CONSUMER_SECRET')),
    esbAccessKey: String(raw('SANDBOX_DKKD_ESB_ACCESS_KEY')),
    esbSecretKey: String(raw('SANDBOX_DKKD_ESB_SECRET_KEY')),
    tokenTtlS: number('SANDBOX_DKKD_TOKEN_TTL_S'),
    seed: number('SANDBOX_DKKD_SEED'),
    businesses: number('SANDBOX_DKKD_BUSINESSES'),
    timeoutHangMs: number('SANDBOX_DKKD_TIMEOUT_HANG_MS'),
    hugeBytes: number('SANDBOX_DKKD_HUGE_BYTES'),
  });
}
