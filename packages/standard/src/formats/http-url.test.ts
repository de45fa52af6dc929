import { describe, expect, it } from 'vitest';
import { isHttpUrl } from './http-url.js';

describe('http(s) URLs', () => {
  it.each(['https://dichvucong.gov.vn/files/a.pdf', 'http://10.0.0.5:8080/f?id=1', 'https://x.vn/t%E1%BB%87p.pdf'])(
    'accepts %s',
    (u) => expect(isHttpUrl(u)).toBe(true),
  );
  it.each([
    'ftp://x.vn/a.pdf',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/plain,hi',
    '/files/a.pdf',
    'x.vn/a.pdf',
    'https://u:p@x.vn/a',
    'https://x.vn/a b.pdf',
    '',
  ])('refuses %s', (u) => expect(isHttpUrl(u)).toBe(false));
});
