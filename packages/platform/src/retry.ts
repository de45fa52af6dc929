import { RetryExhaustedError, isRetriable } from './errors.js';

/**
 * Retry policy as data (conventions §5): one per client, kept beside the client's config.
 * Delay of attempt n (1-based) = min(maxDelayMs, minDelayMs * factor^(n-1)), then "full jitter"
 * scaled by `jitter` (0 = none, 1 = uniform in [0, delay]).
 */
export interface RetryPolicy {
  /** Total attempts, the first included. 1 = no retry. */
  maxAttempts: number;
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  jitter: number;
}

export const defaultRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  minDelayMs: 200,
  maxDelayMs: 5_000,
  factor: 2,
  jitter: 0.5,
});

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** Math.max(0, attempt - 1));
  const j = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(base * (1 - j) + base * j * random());
}

export interface RetryOptions {
  /** Which errors to retry; default: those flagged `retriable`. Programming errors are never retried. */
  shouldRetry?: (err: unknown, attempt: number) => boolean;
  onRetry?: (info: { attempt: number; delayMs: number; err: unknown }) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  signal?: AbortSignal;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` under `policy`. Gives up with a RetryExhaustedError carrying every attempt's cause. */
export async function retry<T>(
  what: string,
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const causes: unknown[] = [];
  const shouldRetry = opts.shouldRetry ?? ((err) => isRetriable(err));
  const sleep = opts.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      causes.push(err);
      const programming = err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError;
      if (programming || !shouldRetry(err, attempt)) {
        if (causes.length === 1) throw err;
        throw new RetryExhaustedError(what, causes);
      }
      if (attempt >= policy.maxAttempts || opts.signal?.aborted) throw new RetryExhaustedError(what, causes);
      const delayMs = backoffDelay(policy, attempt, opts.random);
      opts.onRetry?.({ attempt, delayMs, err });
      await sleep(delayMs);
    }
  }
}
