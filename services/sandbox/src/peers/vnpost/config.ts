import type { PeerConfigProperties } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';

/** Environment of the VNPost simulator (MyVNPost customer-partner API and the HCC/LGSP order route). */
export const configProperties: PeerConfigProperties = {
  SANDBOX_VNPOST_USERNAME: {
    type: 'string',
    minLength: 1,
    default: 'lienthong',
    description: 'VNPost sandbox: MyVNPost username (simulator credential)',
  },
  SANDBOX_VNPOST_PASSWORD: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-sandbox',
    description: 'VNPost sandbox: MyVNPost password (simulator credential, not a real secret)',
  },
  SANDBOX_VNPOST_CUSTOMER_CODE: {
    type: 'string',
    minLength: 1,
    default: 'C000000001',
    description: 'VNPost sandbox: the CMS customer code accepted',
  },
  SANDBOX_VNPOST_HCC_KEY: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-hcc',
    description: 'VNPost sandbox: HCC consumer key (simulator credential)',
  },
  SANDBOX_VNPOST_HCC_SECRET: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-hcc-sandbox',
    description: 'VNPost sandbox: HCC consumer secret (simulator credential)',
  },
  SANDBOX_VNPOST_TOKEN_TTL_MS: {
    type: 'integer',
    minimum: 1_000,
    default: 3_600_000,
    description: 'VNPost sandbox: token lifetime [inf: the real one is unknown]',
  },
  SANDBOX_VNPOST_STEP_MS: {
    type: 'integer',
    minimum: 0,
    default: 3_000,
    description: 'VNPost sandbox: compressed clock, one status step per order every this many ms (0 = only on /_admin/advance)',
  },
  SANDBOX_VNPOST_PATH: {
    type: 'string',
    pattern: '^-?\\d+(,-?\\d+)*$',
    default: '1,6,10,11,12,14',
    description: 'VNPost sandbox: the MyVNPost status codes every new order goes through',
  },
  SANDBOX_VNPOST_WEBHOOK_URL: {
    type: 'string',
    pattern: '^https?://',
    description: 'VNPost sandbox: where status changes are pushed (the hub’s webhook)',
  },
  SANDBOX_VNPOST_PRIVATE_KEY_FILE: {
    type: 'string',
    minLength: 1,
    description:
      'VNPost sandbox: PEM RSA key that signs webhooks (a fresh key is made when unset; GET /vnpost/_admin/public-key shows it)',
  },
};

export interface VnpostPeerConfig {
  username: string;
  password: string;
  customerCode: string;
  hccKey: string;
  hccSecret: string;
  tokenTtlMs: number;
  stepMs: number;
  path: number[];
  webhookUrl: string | undefined;
  privateKeyFile: string | undefined;
}

export function readPeerConfig(config: Readonly<Record<string, unknown>>): VnpostPeerConfig {
  const { raw, number } = peerConfigReader(configProperties, config);
  const opt = (k: string) => (raw(k) === undefined ? undefined : String(raw(k)));
  return Object.freeze({
    username: String(raw('SANDBOX_VNPOST_USERNAME')),
    password: String(raw('SANDBOX_VNPOST_PASSWORD')),
    customerCode: String(raw('SANDBOX_VNPOST_CUSTOMER_CODE')),
    hccKey: String(raw('SANDBOX_VNPOST_HCC_KEY')),
    hccSecret: String(raw('SANDBOX_VNPOST_HCC_SECRET')),
    tokenTtlMs: number('SANDBOX_VNPOST_TOKEN_TTL_MS'),
    stepMs: number('SANDBOX_VNPOST_STEP_MS'),
    path: String(raw('SANDBOX_VNPOST_PATH')).split(',').map(Number),
    webhookUrl: opt('SANDBOX_VNPOST_WEBHOOK_URL'),
    privateKeyFile: opt('SANDBOX_VNPOST_PRIVATE_KEY_FILE'),
  });
}
