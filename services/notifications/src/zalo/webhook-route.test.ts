import { describe, expect, it } from 'vitest';
import { notificationsConfigSchema } from '../config.js';
import { DEFAULT_ZALO_WEBHOOK_WINDOW_MS, zaloTimestampProblem } from './webhook-route.js';

describe('zaloTimestampProblem', () => {
  const now = 1_766_000_000_000;
  const w = DEFAULT_ZALO_WEBHOOK_WINDOW_MS;

  it('accepts a timestamp within the window either way, its edges included', () => {
    for (const t of [now, now - w, now + w, now - 1, now + 1]) expect(zaloTimestampProblem(String(t), now, w)).toBeUndefined();
  });

  it('refuses one beyond the window: a replay of an old webhook, or one stamped ahead', () => {
    expect(zaloTimestampProblem(String(now - w - 1), now, w)?.en).toMatch(/older than 900000 ms/);
    expect(zaloTimestampProblem(String(now + w + 1), now, w)?.en).toMatch(/ahead/);
    expect(zaloTimestampProblem('0', now, w)?.en).toMatch(/older/);
    // Epoch seconds (not what Zalo sends, §1.5) read as 1970: refused rather than guessed.
    expect(zaloTimestampProblem(String(Math.floor(now / 1000)), now, w)).toBeDefined();
  });

  it('refuses what is not epoch milliseconds as decimal digits', () => {
    for (const t of ['', ' 1766000000000', '1766000000000 ', '-1', '1.766e12', '0x19a', 'NaN', '1e309', '9'.repeat(16), '１２３'])
      expect(zaloTimestampProblem(t, now, w)?.en, JSON.stringify(t)).toMatch(/not epoch milliseconds/);
  });

  it("the window is configurable; the setting's default is the route's", () => {
    expect(notificationsConfigSchema.properties.NOTIFICATIONS_ZALO_WEBHOOK_WINDOW_MS.default).toBe(w);
    expect(zaloTimestampProblem(String(now - 2_000), now, 1_000)).toBeDefined();
    expect(zaloTimestampProblem(String(now - 2_000), now, 3_000)).toBeUndefined();
  });
});
