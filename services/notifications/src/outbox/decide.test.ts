import { describe, expect, it } from 'vitest';
import { decideSms, decideZns } from './decide.js';

describe('channel policy', () => {
  it('phone-side ZNS failures fall back to SMS; platform-side ones never do', () => {
    expect(decideZns({ ok: false, code: -118, message: 'Zalo account not existed' }).action).toBe('fallback-sms');
    expect(decideZns({ ok: false, code: -108, message: 'Phone number is invalid' }).action).toBe('fallback-sms');
    expect(decideZns({ ok: false, code: -124, message: 'Access token is invalid' }).action).toBe('retry');
    expect(decideZns({ ok: false, code: -115, message: 'Out of quota' }).action).toBe('next-day');
    expect(decideZns({ ok: false, code: -100, message: 'Unknown' }).action).toBe('retry');
    expect(decideZns({ ok: false, code: -109, message: 'Template ID is invalid' }).action).toBe('failed');
    expect(decideZns({ ok: true, msgId: 'm1' })).toEqual({ action: 'sent', providerMsgId: 'm1' });
    expect(decideSms({ ok: false, reason: 'viettel: Check template: CONTENT_NOT_MATCH_TEMPLATE' })).toEqual({
      action: 'failed',
      reason: 'viettel: Check template: CONTENT_NOT_MATCH_TEMPLATE',
    });
  });
});
