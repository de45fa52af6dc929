import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature scheme of the hub's webhooks, modelled on Stripe's `Stripe-Signature` (documented in
 * docs/notifications.md, "Webhook signatures"):
 *
 *   Lienthong-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>[,v1=<hex>…]
 *
 * - `body` is the exact bytes of the request body (UTF-8 JSON of the CloudEvent); receivers must hash the raw
 *   bytes, not a re-serialisation.
 * - During a secret rotation the header carries one `v1` per valid secret (new first); a receiver accepts the
 *   request if any `v1` matches any secret it holds.
 * - Receivers should refuse a `t` further than the tolerance (default 300 s) from their clock: that bounds
 *   replays of a captured request. Each retry is signed anew with a fresh `t`.
 */
export const SIGNATURE_HEADER = 'lienthong-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

/** The header value for `body` signed at `timestampSeconds` with every secret in `secrets` (current first). */
export function signatureHeader(secrets: readonly string[], timestampSeconds: number, body: string): string {
  return [`t=${timestampSeconds}`, ...secrets.map((s) => `v1=${signPayload(s, timestampSeconds, body)}`)].join(',');
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'no_match' | 'stale' };

/**
 * Receiver side (also used by our own tests and the sandbox): parses the header, checks the timestamp is within
 * `toleranceSeconds` of `nowSeconds` and that some `v1` matches some secret, in constant time per comparison.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secrets: readonly string[],
  opts: { nowSeconds: number; toleranceSeconds?: number },
): VerifyResult {
  if (!header || header.length > 4096) return { ok: false, reason: 'malformed' };
  let t: number | undefined;
  const sigs: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) sigs.push(Buffer.from(v, 'hex'));
  }
  if (t === undefined || sigs.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(opts.nowSeconds - t) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  for (const secret of secrets) {
    const expected = Buffer.from(signPayload(secret, t, body), 'hex');
    for (const s of sigs) if (timingSafeEqual(expected, s)) return { ok: true, timestamp: t };
  }
  return { ok: false, reason: 'no_match' };
}
