import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so two equal items always serialize the same way. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Identity of a progress step: the SHA-256 of its canonical JSON. Content, not the event id, because
 * the same step may come back under a new event id (a provincial system re-posting it after a timeout);
 * keyed this way it is recorded once and pushed until acknowledged once (idempotent effect).
 */
export function stepKeyOf(item: unknown): string {
  return createHash('sha256').update(canonicalJson(item)).digest('hex');
}
