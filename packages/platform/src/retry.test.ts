import { describe, expect, it } from 'vitest';
import { backoffDelay, retry, type RetryPolicy } from './retry.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { HubError, RetryExhaustedError } from './errors.js';
import { fixedClock } from './clock.js';

const policy: RetryPolicy = { maxAttempts: 4, minDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0 };
const transient = () => new HubError('LT_X', 'transient', { retriable: true });
const sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);

describe('retry', () => {
  it('backs off exponentially up to the cap, with jitter within bounds', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 400, 800, 1000]);
    const j = { ...policy, jitter: 1 };
    for (let i = 0; i < 50; i++) expect(backoffDelay(j, 3)).toBeLessThanOrEqual(400);
    expect(backoffDelay(j, 3, () => 0)).toBe(0);
  });
  it('retries retriable errors and keeps every cause when it gives up', async () => {
    sleeps.length = 0;
    let n = 0;
    const err = await retry(
      'peer',
      policy,
      async () => {
        n++;
        throw transient();
      },
      { sleep },
    ).catch((e) => e);
    expect(n).toBe(4);
    expect(err).toBeInstanceOf(RetryExhaustedError);
    expect((err as RetryExhaustedError).attempts).toHaveLength(4);
    expect(sleeps).toEqual([100, 200, 400]);
  });
  it('never retries permanent or programming errors', async () => {
    let n = 0;
    await expect(
      retry(
        'p',
        policy,
        async () => {
          n++;
          throw new TypeError('bug');
        },
        { sleep },
      ),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(
      retry(
        'p',
        policy,
        async () => {
          n++;
          throw new HubError('LT_P', 'permanent');
        },
        { sleep },
      ),
    ).rejects.toMatchObject({ code: 'LT_P' });
    expect(n).toBe(2);
  });
  it('returns the first success', async () => {
    let n = 0;
    await expect(retry('p', policy, async () => (++n < 3 ? Promise.reject(transient()) : 'ok'), { sleep })).resolves.toBe('ok');
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one trial through after the open period, closes on success', async () => {
    const clock = fixedClock('2025-01-01T00:00:00Z');
    const b = createCircuitBreaker({ name: 'dvcqg', failureThreshold: 3, openMs: 10_000, now: () => clock.now().getTime() });
    const fail = () => b.run(async () => Promise.reject(new Error('x')));
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow('x');
    expect(b.state()).toBe('open');
    await expect(b.run(async () => 'never')).rejects.toMatchObject({ code: 'LT_CIRCUIT_OPEN', retriable: true });
    clock.advance(10_000);
    expect(b.state()).toBe('half-open');
    await expect(fail()).rejects.toThrow('x');
    expect(b.state()).toBe('open');
    clock.advance(10_000);
    await expect(b.run(async () => 'ok')).resolves.toBe('ok');
    expect(b.state()).toBe('closed');
  });
});
