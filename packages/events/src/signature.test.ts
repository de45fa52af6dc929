import { describe, expect, it } from 'vitest';
import {
  createEvent,
  encodeEvent,
  parseSigningKeys,
  signingKeysForStart,
  signRecordValue,
  verifyRecordSignature,
} from './index.js';

const secret = (b: number) => Buffer.alloc(32, b).toString('base64');
const oldKey = `old:${secret(1)}`;
const newKey = `new:${secret(2)}`;
const value = encodeEvent(
  createEvent({
    source: 'urn:lienthong:payments',
    type: 'vn.lienthong.payment.settled',
    subject: 'p1',
    dataschema: 'x',
    data: { amount: 50000 },
  }),
);

describe('record signatures (HMAC-SHA256, rotating keys)', () => {
  it('verifies what the first key signed, with any list that holds that key id', () => {
    const header = signRecordValue(value, parseSigningKeys(`${newKey},${oldKey}`));
    expect(header).toMatch(/^v1;kid=new;sig=[A-Za-z0-9_-]{43}$/);
    expect(() =>
      verifyRecordSignature({ value, headers: { 'lt-signature': header } }, parseSigningKeys(`${oldKey},${newKey}`)),
    ).not.toThrow();
    // Rotation: a record signed with the old key is still accepted while consumers list it.
    const old = signRecordValue(value, parseSigningKeys(oldKey));
    expect(() =>
      verifyRecordSignature({ value, headers: { 'lt-signature': Buffer.from(old) } }, parseSigningKeys(`${newKey},${oldKey}`)),
    ).not.toThrow();
  });

  it.each([
    ['no header', {}, /no lt-signature header/],
    ['a malformed header', { 'lt-signature': 'sha256=abc' }, /malformed/],
    [
      'an unknown key id',
      { 'lt-signature': signRecordValue(value, parseSigningKeys(`other:${secret(3)}`)) },
      /unknown key id other/,
    ],
    [
      'a key with the right id and the wrong secret',
      { 'lt-signature': signRecordValue(value, parseSigningKeys(`new:${secret(9)}`)) },
      /does not match/,
    ],
  ])('refuses %s with LT_EVENT_SIGNATURE_INVALID, not retriable', (_what, headers, reason) => {
    let err: unknown;
    try {
      verifyRecordSignature({ value, headers }, parseSigningKeys(newKey));
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'LT_EVENT_SIGNATURE_INVALID', retriable: false });
    expect((err as Error).message).toMatch(reason);
  });

  it('refuses a value changed after signing (amount raised) and everything when no key is configured', () => {
    const header = signRecordValue(value, parseSigningKeys(newKey));
    const tampered = Buffer.from(value.toString().replace('50000', '5000000'));
    expect(() =>
      verifyRecordSignature({ value: tampered, headers: { 'lt-signature': header } }, parseSigningKeys(newKey)),
    ).toThrow(/does not match/);
    expect(() => verifyRecordSignature({ value, headers: { 'lt-signature': header } }, undefined)).toThrow(
      /no EVENT_SIGNING_KEYS/,
    );
  });

  it('refuses short or malformed key specs without echoing the secret', () => {
    expect(() => parseSigningKeys(`k:${Buffer.alloc(16).toString('base64')}`)).toThrow(/entry 1/);
    expect(() => parseSigningKeys(`${newKey},no-colon-here`)).toThrow(/entry 2 is not/);
    try {
      parseSigningKeys(`k:${Buffer.alloc(16, 5).toString('base64')}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(Buffer.alloc(16, 5).toString('base64'));
    }
  });
});

describe('signingKeysForStart: unsigned settlements are a pilot state, never production', () => {
  const warnings: unknown[][] = [];
  const logger = { warn: (...args: unknown[]) => void warnings.push(args) };
  const consequence = 'payment events are published UNSIGNED';

  it('parses the keys when set, in any environment, without a warning', () => {
    warnings.length = 0;
    const keys = signingKeysForStart({ spec: `${newKey},${oldKey}`, nodeEnv: 'production', logger, consequence });
    expect(keys?.map((k) => k.id)).toEqual(['new', 'old']);
    expect(warnings).toEqual([]);
  });

  it('unset outside production: starts, with a warning naming the setting and the consequence', () => {
    warnings.length = 0;
    expect(signingKeysForStart({ spec: undefined, nodeEnv: undefined, logger, consequence })).toBeUndefined();
    expect(warnings).toEqual([[{ setting: 'EVENT_SIGNING_KEYS' }, consequence]]);
  });

  it('unset in production: refused at start with LT_CONFIG_INVALID naming the setting, in English and Vietnamese', () => {
    let err: { code?: string; message?: string; messageVi?: string } = {};
    try {
      signingKeysForStart({ spec: undefined, nodeEnv: 'production', logger, consequence });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('LT_CONFIG_INVALID');
    expect(err.message).toMatch(
      /EVENT_SIGNING_KEYS is required when NODE_ENV is production: payment events are published UNSIGNED/,
    );
    expect(err.messageVi).toMatch(/EVENT_SIGNING_KEYS/);
  });

  it('a malformed value is refused whatever the environment', () => {
    expect(() => signingKeysForStart({ spec: 'nokey', nodeEnv: undefined, logger, consequence })).toThrow(/entry 1/);
  });
});
