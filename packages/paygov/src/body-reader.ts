/**
 * Reads scalar fields of an untrusted JSON message. The platform's scalars are strings, `SoTien` an int
 * in the confirm (§8); anything else — objects, arrays, fractions, huge strings — makes it malformed, so
 * hostile input is refused before any hashing or lookup.
 */
export type ReadPaygov = { ok: true; values: Record<string, string | number> } | { ok: false; reason: string };

const MAX_STRING = 4096;

export function readPaygovBody(body: unknown, fields: readonly string[], required: readonly string[]): ReadPaygov {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'body is not a JSON object' };
  const src = body as Record<string, unknown>;
  const values: Record<string, string | number> = {};
  for (const f of fields) {
    const v = Object.prototype.hasOwnProperty.call(src, f) ? src[f] : undefined;
    if (v === undefined || v === null) {
      if (required.includes(f)) return { ok: false, reason: `${f} is missing` };
      continue;
    }
    if (typeof v === 'string') {
      if (v.length > MAX_STRING) return { ok: false, reason: `${f} is too long` };
      values[f] = v;
    } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
      values[f] = v;
    } else {
      return { ok: false, reason: `${f} is not a string or an integer` };
    }
  }
  return { ok: true, values };
}
