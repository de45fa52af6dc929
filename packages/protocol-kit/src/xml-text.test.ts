import { describe, expect, it } from 'vitest';
import { cdata, xmlEscape } from './xml-text.js';

describe('XML text', () => {
  it('escapes the five entities and drops control characters XML 1.0 forbids', () => {
    expect(xmlEscape(`<a href="x">Tôi & 'bạn'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tôi &amp; &apos;bạn&apos;&lt;/a&gt;');
    expect(xmlEscape('a\u0000b\u0007c\u000bd\ttab\nline')).toBe('abcd\ttab\nline');
    expect(xmlEscape(']]><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;')).not.toMatch(/[<>]|&e;/);
  });
  it('keeps a CDATA section whole when the text holds its terminator', () => {
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
  });
});
