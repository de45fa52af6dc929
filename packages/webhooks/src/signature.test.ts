import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './signature.js';

describe('webhook signature', () => {
  const body = '{"specversion":"1.0","id":"e1","subject":"000.00.01.H22-251123-0001","data":{"TenThuTuc":"Cấp phép"}}';

  it('matches an HMAC computed independently over `${t}.${body}`', () => {
    const header = signatureHeader(['whsec_a'], 1_780_000_000, body);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
    expect(m).not.toBeNull();
    const expected = createHmac('sha256', 'whsec_a')
      .update(Buffer.from(`${m![1]}.${body}`, 'utf8'))
      .digest('hex');
    expect(m![2]).toBe(expected);
  });

  it('verifies with either secret during a rotation, refuses stale timestamps and tampered bodies', () => {
    const header = signatureHeader(['new', 'old'], 1_000, body);
    expect(verifySignature(header, body, ['old'], { nowSeconds: 1_100 })).toEqual({ ok: true, timestamp: 1_000 });
    expect(verifySignature(header, body, ['new'], { nowSeconds: 1_100 }).ok).toBe(true);
    expect(verifySignature(header, body, ['other'], { nowSeconds: 1_100 })).toEqual({ ok: false, reason: 'no_match' });
    expect(verifySignature(header, body, ['new'], { nowSeconds: 1_301 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(header, body.replace('Cấp', 'Cap'), ['new'], { nowSeconds: 1_000 })).toEqual({
      ok: false,
      reason: 'no_match',
    });
    expect(verifySignature('garbage', body, ['new'], { nowSeconds: 1_000 })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(undefined, body, ['new'], { nowSeconds: 1_000 })).toEqual({ ok: false, reason: 'malformed' });
  });
});
