import { describe, expect, it } from 'vitest';
import { expiryOf } from './session.js';

const now = Date.parse('2025-07-02T01:00:00Z');
const ttl = 20 * 60_000;

describe('expiryOf', () => {
  it('reads ISO 8601, yyyyMMddHHmmss in UTC+7, epoch ms and expires_in', () => {
    expect(expiryOf({ expires: '2025-07-02T01:30:00Z' }, now, ttl)).toBe(Date.parse('2025-07-02T01:30:00Z'));
    expect(expiryOf({ expires: '20250702083000' }, now, ttl)).toBe(Date.parse('2025-07-02T01:30:00Z'));
    expect(expiryOf({ expires: now + 60_000 }, now, ttl)).toBe(now + 60_000);
    expect(expiryOf({ expires_in: 90 }, now, ttl)).toBe(now + 90_000);
  });

  it('falls back to the default TTL for absent, garbled or past expiries, and caps at 24 h', () => {
    for (const body of [{}, { expires: 'soon' }, { expires: '2020-01-01T00:00:00Z' }, { expires: 1234 }, { expires_in: -5 }]) {
      expect(expiryOf(body, now, ttl)).toBe(now + ttl);
    }
    expect(expiryOf({ expires: '2099-01-01T00:00:00Z' }, now, ttl)).toBe(now + 24 * 3_600_000);
  });
});
