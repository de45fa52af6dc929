/**
 * Merchants of a payment peer come from the plugin options (tests) or, failing that, from one JSON
 * environment variable (`npm start`), e.g. SANDBOX_VNPAY_MERCHANTS='[{"tmnCode":"…","hashSecret":"…","ipnUrl":"…"}]'.
 * The parse is strict: a sandbox that silently drops a merchant is a debugging trap.
 */
export function parseMerchantsJson<T>(raw: unknown, name: string, check: (m: unknown, i: number) => T): T[] {
  if (Array.isArray(raw)) return raw.map(check);
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error(`${name}: expected a JSON array of merchants`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`${name}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`${name}: expected a non-empty JSON array`);
  return parsed.map(check);
}
