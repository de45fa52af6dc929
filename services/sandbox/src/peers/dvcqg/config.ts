import type { PeerConfigProperties } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';

/**
 * Environment of the DVCQG simulator, merged into the sandbox's one config schema. The credential has
 * a default on purpose: it guards a simulator, not a real portal, and a newcomer's `npm start` must work
 * without setup; it is therefore not marked `secret` (the platform forbids defaults on secrets).
 */
export const configProperties: PeerConfigProperties = {
  SANDBOX_DVCQG_USERNAME: {
    type: 'string',
    minLength: 1,
    default: 'lienthong',
    description: 'DVCQG sandbox: login username (simulator credential)',
  },
  SANDBOX_DVCQG_PASSWORD: {
    type: 'string',
    minLength: 1,
    default: 'lienthong-sandbox',
    description: 'DVCQG sandbox: login password (simulator credential, not a real secret)',
  },
  SANDBOX_DVCQG_SESSION_TTL_MS: {
    type: 'integer',
    minimum: 1_000,
    default: 1_800_000,
    description: 'DVCQG sandbox: announced session lifetime [inf: the portal’s is unknown]',
  },
  SANDBOX_DVCQG_SEED: {
    type: 'integer',
    minimum: 0,
    default: 20_250_701,
    description: 'DVCQG sandbox: seed of the random draws behind errorRate/timeoutRate',
  },
  SANDBOX_DVCQG_CALL_LOG_SIZE: {
    type: 'integer',
    minimum: 10,
    maximum: 1_000_000,
    default: 5_000,
    description: 'DVCQG sandbox: recent calls kept for /_admin/calls',
  },
  SANDBOX_DVCQG_MAX_DOSSIERS_PER_CALL: {
    type: 'integer',
    minimum: 1,
    maximum: 10_000,
    default: 200,
    description: 'DVCQG sandbox: largest DongBoHoSoMC batch accepted [inf: the portal’s limit is unknown]',
  },
  SANDBOX_DVCQG_UPDATE_MISSING: {
    type: 'string',
    enum: ['create', 'reject'],
    default: 'create',
    description: 'DVCQG sandbox: isUpdating "True" for a dossier the portal lacks creates it, or is refused [inf]',
  },
  SANDBOX_DVCQG_PROGRESS_UNKNOWN: {
    type: 'string',
    enum: ['reject', 'accept'],
    default: 'reject',
    description: 'DVCQG sandbox: CapNhatTienDoHoSoMC for a dossier the portal lacks is refused, or stored [inf]',
  },
  SANDBOX_DVCQG_VALIDATE: {
    type: 'boolean',
    default: true,
    description: 'DVCQG sandbox: validate received dossiers and progress with the national schemas',
  },
  SANDBOX_DVCQG_TIMEOUT_HANG_MS: {
    type: 'integer',
    minimum: 0,
    maximum: 120_000,
    default: 20_000,
    description:
      'DVCQG sandbox: how long a simulated timeout holds the request before answering 504 (keep it under the server’s request timeout, 30 s)',
  },
  SANDBOX_DVCQG_HUGE_BODY_BYTES: {
    type: 'integer',
    minimum: 1_024,
    default: 12 * 1024 * 1024,
    description: 'DVCQG sandbox: size of the answer of the malformed=huge fault',
  },
  SANDBOX_DVCQG_INBOUND_URL: {
    type: 'string',
    pattern: '^https?://',
    description: 'DVCQG sandbox: the hub’s inbound base URL the simulated portal calls (POST /dvcqg/_admin/originate)',
  },
  SANDBOX_DVCQG_INBOUND_TOKEN: {
    type: 'string',
    minLength: 16,
    description: 'DVCQG sandbox: the token it sends on those calls (simulator credential)',
  },
  SANDBOX_DVCQG_BODY_LIMIT_BYTES: {
    type: 'integer',
    minimum: 1_024,
    default: 10 * 1024 * 1024,
    description: 'DVCQG sandbox: largest request body accepted',
  },
};

/** The peer's settings, typed. */
export interface DvcqgPeerConfig {
  username: string;
  password: string;
  sessionTtlMs: number;
  seed: number;
  callLogSize: number;
  maxDossiersPerCall: number;
  updateMissing: 'create' | 'reject';
  progressUnknown: 'reject' | 'accept';
  validate: boolean;
  timeoutHangMs: number;
  hugeBodyBytes: number;
  bodyLimitBytes: number;
}

const bool = (v: unknown): boolean => v === true || v === 'true' || v === '1';

/**
 * Reads this peer's keys from the sandbox's validated config, falling back to the declared defaults so a
 * test can register the peer with `config: {}`.
 */
export function readPeerConfig(config: Readonly<Record<string, unknown>>): DvcqgPeerConfig {
  const { raw, number } = peerConfigReader(configProperties, config);
  return Object.freeze({
    username: String(raw('SANDBOX_DVCQG_USERNAME')),
    password: String(raw('SANDBOX_DVCQG_PASSWORD')),
    sessionTtlMs: number('SANDBOX_DVCQG_SESSION_TTL_MS'),
    seed: number('SANDBOX_DVCQG_SEED'),
    callLogSize: number('SANDBOX_DVCQG_CALL_LOG_SIZE'),
    maxDossiersPerCall: number('SANDBOX_DVCQG_MAX_DOSSIERS_PER_CALL'),
    updateMissing: raw('SANDBOX_DVCQG_UPDATE_MISSING') === 'reject' ? 'reject' : 'create',
    progressUnknown: raw('SANDBOX_DVCQG_PROGRESS_UNKNOWN') === 'accept' ? 'accept' : 'reject',
    validate: bool(raw('SANDBOX_DVCQG_VALIDATE')),
    timeoutHangMs: number('SANDBOX_DVCQG_TIMEOUT_HANG_MS'),
    hugeBodyBytes: number('SANDBOX_DVCQG_HUGE_BODY_BYTES'),
    bodyLimitBytes: number('SANDBOX_DVCQG_BODY_LIMIT_BYTES'),
  });
}
