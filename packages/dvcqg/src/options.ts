import { Ajv } from 'ajv';
import { systemClock, type Clock, type Logger, type RetryPolicy } from '@lienthong/platform';
import { DvcqgError, DvcqgErrorCodes } from './errors.js';
import { SESSION_EXPIRED_PORTAL_CODE } from './portal-codes.js';
import { defaultDvcqgPaths } from './services.js';

export interface DvcqgClientOptions {
  /** Base URL of the portal (or the LGSP in front of it), e.g. http://127.0.0.1:8090/dvcqg. */
  baseUrl: string;
  /** Adapter-style login [code S1 §1.1]. */
  username: string;
  password: string;
  /** The province's unit code put in every envelope [code S1]. */
  madonvi: string;
  /** Whole-request timeout; default 6000, the read timeout OpenCPS uses [code S1]. */
  timeoutMs?: number;
  /** Per-call transport retries; default a small policy (the caller has its own outer retry). */
  retry?: RetryPolicy;
  logger: Logger;
  clock?: Clock;
  /** Defaults '/auth', '/integration', '/share' — our names, the real URLs are unknown (reference §12) [inf]. */
  paths?: { auth?: string; integration?: string; share?: string };
  /** Largest response body accepted; larger answers are LT_DVCQG_BAD_RESPONSE. Default 8 MiB. */
  maxResponseBytes?: number;
  /** Optional `dstcode` header OpenCPS sends on every call [code S1]; its meaning is unknown. */
  dstcode?: string;
  /** Session lifetime when the login answer carries no expiry; default 20 min [inf]. */
  sessionTtlMs?: number;
  /** Renew this long before the announced expiry; default 30 s. */
  sessionRenewMarginMs?: number;
  /** error_code values meaning "session expired"; default ['-2'] (our sandbox's choice [inf]). */
  sessionExpiredCodes?: string[];
  /** Optional circuit breaker around the transport (national-sync may prefer its own). */
  breaker?: { failureThreshold: number; openMs: number };
}

/** Options with every default applied. */
export interface ResolvedDvcqgOptions {
  baseUrl: string;
  username: string;
  password: string;
  madonvi: string;
  timeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  clock: Clock;
  paths: { auth: string; integration: string; share: string };
  maxResponseBytes: number;
  dstcode: string | undefined;
  sessionTtlMs: number;
  sessionRenewMarginMs: number;
  sessionExpiredCodes: readonly string[];
  breaker: { failureThreshold: number; openMs: number } | undefined;
}

/**
 * One quick transport retry: a dropped keep-alive socket or a 502 from a proxy is common and cheap to
 * retry here; anything longer is the caller's outer retry with its own backoff (design flow 2).
 */
export const defaultDvcqgRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 2,
  minDelayMs: 100,
  maxDelayMs: 1_000,
  factor: 2,
  jitter: 0.5,
});

const pathSchema = { type: 'string', pattern: '^/[\\w./-]*$', maxLength: 200 } as const;
const optionsSchema = {
  type: 'object',
  required: ['baseUrl', 'username', 'password', 'madonvi'],
  properties: {
    baseUrl: { type: 'string', pattern: '^https?://', maxLength: 2000 },
    username: { type: 'string', minLength: 1, maxLength: 200 },
    password: { type: 'string', minLength: 1, maxLength: 500 },
    madonvi: { type: 'string', minLength: 1, maxLength: 64 },
    timeoutMs: { type: 'integer', minimum: 1, maximum: 300_000 },
    retry: {
      type: 'object',
      required: ['maxAttempts', 'minDelayMs', 'maxDelayMs', 'factor', 'jitter'],
      properties: {
        maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
        minDelayMs: { type: 'number', minimum: 0 },
        maxDelayMs: { type: 'number', minimum: 0 },
        factor: { type: 'number', minimum: 1 },
        jitter: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    paths: {
      type: 'object',
      properties: { auth: pathSchema, integration: pathSchema, share: pathSchema },
      additionalProperties: false,
    },
    maxResponseBytes: { type: 'integer', minimum: 1024 },
    dstcode: { type: 'string', maxLength: 200 },
    sessionTtlMs: { type: 'integer', minimum: 1 },
    sessionRenewMarginMs: { type: 'integer', minimum: 0 },
    sessionExpiredCodes: { type: 'array', items: { type: 'string', maxLength: 16 } },
    breaker: {
      type: 'object',
      required: ['failureThreshold', 'openMs'],
      properties: { failureThreshold: { type: 'integer', minimum: 1 }, openMs: { type: 'integer', minimum: 1 } },
    },
  },
} as const;

// One ajv instance per package, compiled at module load (conventions §6). Unknown option keys
// (logger, clock) are objects ajv need not see; they are checked by hand below.
const ajv = new Ajv({ allErrors: true, strict: false });
const validateOptions = ajv.compile(optionsSchema);

/** Validates createDvcqgClient's options and applies the defaults; throws LT_DVCQG_OPTIONS_INVALID listing every problem. */
export function resolveDvcqgOptions(opts: DvcqgClientOptions): ResolvedDvcqgOptions {
  const { logger, clock, ...plain } = opts;
  const problems: string[] = [];
  if (!validateOptions(plain)) {
    for (const e of validateOptions.errors ?? []) problems.push(`${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
  }
  if (!logger || typeof logger.info !== 'function') problems.push('/logger must be a pino logger');
  if (clock !== undefined && typeof clock.now !== 'function') problems.push('/clock must have now()');
  if (problems.length) {
    throw new DvcqgError(DvcqgErrorCodes.OPTIONS_INVALID, `invalid DVCQG client options: ${problems.join('; ')}`, {
      retriable: false,
      kind: 'internal',
      messageVi: `cấu hình kết nối DVCQG không hợp lệ: ${problems.join('; ')}`,
    });
  }
  return {
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    username: opts.username,
    password: opts.password,
    madonvi: opts.madonvi,
    timeoutMs: opts.timeoutMs ?? 6_000,
    retry: opts.retry ?? defaultDvcqgRetryPolicy,
    logger,
    clock: clock ?? systemClock,
    paths: { ...defaultDvcqgPaths, ...opts.paths },
    maxResponseBytes: opts.maxResponseBytes ?? 8 * 1024 * 1024,
    dstcode: opts.dstcode,
    sessionTtlMs: opts.sessionTtlMs ?? 20 * 60_000,
    sessionRenewMarginMs: opts.sessionRenewMarginMs ?? 30_000,
    sessionExpiredCodes: Object.freeze([...(opts.sessionExpiredCodes ?? [SESSION_EXPIRED_PORTAL_CODE])]),
    breaker: opts.breaker,
  };
}
