import { CircuitOpenError } from './errors.js';

export interface CircuitBreakerOptions {
  name: string;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  openMs: number;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  readonly name: string;
  state(): CircuitState;
  /** Runs fn unless the circuit is open; counts `isFailure(err)` errors (default: all). */
  run<T>(fn: () => Promise<T>, isFailure?: (err: unknown) => boolean): Promise<T>;
}

/**
 * A consecutive-failure breaker: closed → open after `failureThreshold` failures in a row; after `openMs`
 * one caller is let through (half-open); its success closes the circuit, its failure opens it again.
 * Stops a dead peer from being hammered while a consumer keeps other work moving.
 */
export function createCircuitBreaker(opts: CircuitBreakerOptions): CircuitBreaker {
  const now = opts.now ?? Date.now;
  let failures = 0;
  let openedAt = 0;
  let st: CircuitState = 'closed';
  let trialInFlight = false;

  return {
    name: opts.name,
    state() {
      if (st === 'open' && now() - openedAt >= opts.openMs) return 'half-open';
      return st;
    },
    async run(fn, isFailure = () => true) {
      const current = this.state();
      if (current === 'open' || (current === 'half-open' && trialInFlight)) {
        throw new CircuitOpenError(opts.name, openedAt + opts.openMs);
      }
      const trial = current === 'half-open';
      if (trial) trialInFlight = true;
      try {
        const result = await fn();
        failures = 0;
        st = 'closed';
        return result;
      } catch (err) {
        if (isFailure(err)) {
          failures++;
          if (trial || failures >= opts.failureThreshold) {
            st = 'open';
            openedAt = now();
          }
        }
        throw err;
      } finally {
        if (trial) trialInFlight = false;
      }
    },
  };
}
