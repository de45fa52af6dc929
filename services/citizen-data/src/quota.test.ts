import { describe, expect, it } from 'vitest';
import { createAgencyQuota } from './quota.js';

describe('per-agency quota', () => {
  it('refills per minute, counts per Vietnam day, and keeps agencies apart', () => {
    let t = Date.parse('2026-12-05T16:58:00Z'); // 23:58 in Vietnam
    const q = createAgencyQuota({
      perMinute: 2,
      perDay: 3,
      overrides: (a) => (a === 'big' ? { perMinute: 100 } : {}),
      now: () => t,
    });
    q.take('a');
    q.take('a');
    expect(() => q.take('a')).toThrow(expect.objectContaining({ code: 'LT_CITIZEN_RATE_LIMITED', retryAfterS: 30 }));
    q.take('b');
    t += 30_000;
    q.take('a');
    t += 30_000;
    expect(() => q.take('a')).toThrow(expect.objectContaining({ code: 'LT_CITIZEN_QUOTA_EXHAUSTED', retryAfterS: 60 }));
    t += 60_000; // 00:00 in Vietnam: a new day
    q.take('a');
    for (let i = 0; i < 3; i++) q.take('big');
    expect(() => q.take('big')).toThrow(expect.objectContaining({ code: 'LT_CITIZEN_QUOTA_EXHAUSTED' }));
  });
});
