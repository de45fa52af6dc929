import { describe, expect, it } from 'vitest';
import { formEncode } from './form-encode.js';

describe('formEncode', () => {
  it('matches URLSearchParams (the WHATWG form serializer, = Java URLEncoder) on awkward characters', () => {
    const samples = ['a b', "!'()*~", 'Thanh toán lệ phí', 'https://x.vn/a?b=c&d=e', '%+/=:,;@#$', '中文 😀'];
    for (const s of samples) {
      const viaSearchParams = new URLSearchParams({ k: s }).toString().slice(2);
      expect(formEncode(s)).toBe(viaSearchParams);
    }
  });

  it('refuses a lone surrogate', () => {
    expect(formEncode('a\uD800b')).toBeUndefined();
  });
});
