/**
 * Reads fields of an untrusted JSON body for MoMo's signed strings. MoMo sends numbers (amount, resultCode,
 * transId, responseTime) and strings; anything else — objects, arrays, fractions, huge strings — makes the
 * body malformed, so hostile input is refused before any hashing or lookup.
 */
export type FieldSpec = 'string' | 'integer';

export type ReadBody = { ok: true; values: Record<string, string | number> } | { ok: false; reason: string };

const MAX_STRING = 4096;

export function readMomoBody(
  body: unknown,
  required: Readonly<Record<string, FieldSpec>>,
  optional: Readonly<Record<string, FieldSpec>> = {},
): ReadBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'body is not a JSON object' };
  const src = body as Record<string, unknown>;
  const values: Record<string, string | number> = {};
  const read = (key: string, spec: FieldSpec, mandatory: boolean): string | undefined => {
    const v = Object.prototype.hasOwnProperty.call(src, key) ? src[key] : undefined;
    if (v === undefined || v === null) return mandatory ? `${key} is missing` : undefined;
    if (spec === 'integer') {
      // MoMo sends Longs as JSON numbers; tolerate a digit string (some proxies stringify) but nothing else.
      if (typeof v === 'number' && Number.isSafeInteger(v)) values[key] = v;
      else if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) values[key] = Number(v);
      else return `${key} is not an integer`;
    } else {
      if (typeof v !== 'string') return `${key} is not a string`;
      if (v.length > MAX_STRING) return `${key} is too long`;
      values[key] = v;
    }
    return undefined;
  };
  for (const [k, spec] of Object.entries(required)) {
    const problem = read(k, spec, true);
    if (problem) return { ok: false, reason: problem };
  }
  for (const [k, spec] of Object.entries(optional)) {
    const problem = read(k, spec, false);
    if (problem) return { ok: false, reason: problem };
  }
  return { ok: true, values };
}
