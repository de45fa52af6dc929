import { createHmac } from 'node:crypto';
import { formEncode } from './form-encode.js';

/** Parameters that carry the signature and are never part of the signed data [V1][V2]. */
const SIGNATURE_KEYS = new Set(['vnp_SecureHash', 'vnp_SecureHashType']);

/**
 * The string VNPAY signs for the pay URL, the Return URL and the IPN [V1]: every `vnp_*` parameter except
 * the signature ones, **empty values dropped**, sorted ascending by name, `name=formEncode(value)` joined
 * by `&` — i.e. the query string before `&vnp_SecureHash=`. Parameters without the `vnp_` prefix are
 * ignored, as in the official demos: a merchant's own parameter on the IPN URL must not break the check
 * (the `vnpay` library hashes every key and fails there, payments.md §5 defect 2).
 *
 * Returns undefined when a name or value cannot be encoded (lone surrogate).
 */
export function vnpayCanonicalString(params: Readonly<Record<string, string>>): string | undefined {
  const keys = Object.keys(params)
    .filter((k) => k.startsWith('vnp_') && !SIGNATURE_KEYS.has(k) && params[k] !== '')
    // Default sort compares UTF-16 code units; for the ASCII names VNPAY uses that is PHP ksort / Java sort order.
    .sort();
  const parts: string[] = [];
  for (const k of keys) {
    const name = formEncode(k);
    const value = formEncode(params[k] as string);
    if (name === undefined || value === undefined) return undefined;
    parts.push(`${name}=${value}`);
  }
  return parts.join('&');
}

/** HMAC-SHA512 with the terminal's hash secret, lowercase hex [V1][V2] (2.1.0 signs with SHA512 only). */
export function vnpayHmac(hashSecret: string, data: string): string {
  return createHmac('sha512', hashSecret).update(data, 'utf8').digest('hex');
}

/**
 * Signs a parameter set the way VNPAY signs its Return URL and IPN calls (the sandbox peer's side of §1.3),
 * returning the parameters plus `vnp_SecureHash`. Throws on parameters that cannot be URL-encoded.
 */
export function signVnpayParams(hashSecret: string, params: Readonly<Record<string, string>>): Record<string, string> {
  const data = vnpayCanonicalString(params);
  if (data === undefined) throw new TypeError('VNPAY parameters contain a lone surrogate');
  return { ...params, vnp_SecureHash: vnpayHmac(hashSecret, data) };
}
