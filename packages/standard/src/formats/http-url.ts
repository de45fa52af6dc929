/**
 * Links the portal fetches (DuongDanTaiTepTin, DuongDanTepTinKetQua…) must be absolute http(s) URLs: DVCQG
 * downloads them [inf], so file:, ftp:, data: or javascript: links are useless or dangerous. User-info
 * (user:pass@host) is refused because credentials in a link end up in logs and on the portal [inf].
 */

/** True for an absolute http: or https: URL with a host, no whitespace and no credentials. */
export function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === ''
  );
}
