import type { PeerConfigProperties } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';

/**
 * Environment of the simulated population database (CSDLQGDC behind a VNPT-style LGSP). The LGSP keys have
 * defaults on purpose: they guard a simulator, and `npm start` must work without setup (not `secret`).
 */
export const configProperties: PeerConfigProperties = {
  SANDBOX_CSDL_ACCESS_KEY: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-lgsp',
    description: 'population DB sandbox: LGSP AccessKey (simulator credential)',
  },
  SANDBOX_CSDL_SECRET_KEY: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-lgsp-sandbox',
    description: 'population DB sandbox: LGSP SecretKey (simulator credential, not a real secret)',
  },
  SANDBOX_CSDL_TOKEN_TTL_S: {
    type: 'integer',
    minimum: 5,
    default: 3_600,
    description: 'population DB sandbox: announced token lifetime (expires_in) [inf]',
  },
  SANDBOX_CSDL_SEED: {
    type: 'integer',
    minimum: 0,
    default: 20_251_205,
    description: 'population DB sandbox: seed of the synthetic population and of the fault draws',
  },
  SANDBOX_CSDL_POPULATION: {
    type: 'integer',
    minimum: 200,
    maximum: 100_000,
    default: 240,
    description: 'population DB sandbox: at least this many synthetic citizens',
  },
  SANDBOX_CSDL_CALL_LOG_SIZE: {
    type: 'integer',
    minimum: 10,
    maximum: 1_000_000,
    default: 5_000,
    description: 'population DB sandbox: recent calls kept for /_admin/calls',
  },
  SANDBOX_CSDL_TIMEOUT_HANG_MS: {
    type: 'integer',
    minimum: 0,
    maximum: 120_000,
    default: 20_000,
    description: 'population DB sandbox: how long a simulated timeout holds the request',
  },
  SANDBOX_CSDL_HUGE_BYTES: {
    type: 'integer',
    minimum: 1_024,
    default: 50 * 1024 * 1024,
    description: 'population DB sandbox: size of the malformed=huge reply',
  },
};

export interface CsdlPeerConfig {
  accessKey: string;
  secretKey: string;
  tokenTtlS: number;
  seed: number;
  population: number;
  callLogSize: number;
  timeoutHangMs: number;
  hugeBytes: number;
}

export function readPeerConfig(config: Readonly<Record<string, unknown>>): CsdlPeerConfig {
  const { raw, number } = peerConfigReader(configProperties, config);
  return Object.freeze({
    accessKey: String(raw('SANDBOX_CSDL_ACCESS_KEY')),
    secretKey: String(raw('SANDBOX_CSDL_SECRET_KEY')),
    tokenTtlS: number('SANDBOX_CSDL_TOKEN_TTL_S'),
    seed: number('SANDBOX_CSDL_SEED'),
    population: number('SANDBOX_CSDL_POPULATION'),
    callLogSize: number('SANDBOX_CSDL_CALL_LOG_SIZE'),
    timeoutHangMs: number('SANDBOX_CSDL_TIMEOUT_HANG_MS'),
    hugeBytes: number('SANDBOX_CSDL_HUGE_BYTES'),
  });
}
