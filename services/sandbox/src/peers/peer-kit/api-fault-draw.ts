import type { Random } from './random.js';

/** What a protocol call's fault draw decided: a provider error, a hang, or nothing. */
export type ApiFault = 'error' | 'timeout' | undefined;

/**
 * One draw per protocol call, split between errors and timeouts, so errorRate 0.2 with timeoutRate 0.1
 * fails 30 % of calls, never more — the rates are shares of all calls. No draw is taken while both rates
 * are 0, so switching faults on later does not shift the seeded sequence.
 */
export function drawApiFault(rates: { errorRate: number; timeoutRate: number }, random: Random): ApiFault {
  const { errorRate, timeoutRate } = rates;
  if (errorRate === 0 && timeoutRate === 0) return undefined;
  const r = random();
  if (r < errorRate) return 'error';
  if (r < errorRate + timeoutRate) return 'timeout';
  return undefined;
}
