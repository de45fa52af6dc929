/**
 * Reads an untrusted query or JSON body as a flat record of strings, refusing what a genuine VNPAY call
 * never contains: nested values, repeated parameters (arrays — a parameter-smuggling trick), too many
 * keys, huge values. Bounding sizes here keeps hashing cost and log noise bounded for hostile input.
 */
export interface FlatRecordLimits {
  maxKeys: number;
  maxValueLength: number;
  /** Accept JSON numbers (querydr answers) and stringify them; query strings never have them. */
  allowNumbers: boolean;
}

export type FlatRecordResult = { ok: true; record: Record<string, string> } | { ok: false; reason: string };

export function readFlatRecord(input: unknown, limits: FlatRecordLimits): FlatRecordResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, reason: 'not an object' };
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > limits.maxKeys) return { ok: false, reason: `more than ${limits.maxKeys} parameters` };
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of entries) {
    if (k.length > 64) return { ok: false, reason: 'parameter name too long' };
    let s: string;
    if (typeof v === 'string') s = v;
    else if (limits.allowNumbers && typeof v === 'number' && Number.isSafeInteger(v)) s = String(v);
    else return { ok: false, reason: `parameter ${JSON.stringify(k.slice(0, 64))} is not a single string` };
    if (s.length > limits.maxValueLength) return { ok: false, reason: `parameter ${JSON.stringify(k)} too long` };
    record[k] = s;
  }
  return { ok: true, record };
}
