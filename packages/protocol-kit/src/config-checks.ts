/** True for an http: or https: URL of at most 2048 characters (return, IPN and payment page URLs). */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * What is wrong with a signing secret or access key, if anything: 8-256 characters, no surrounding
 * whitespace. A pasted secret with a trailing newline signs everything wrong and fails as "invalid
 * signature" far away, so it is refused at start.
 */
export function secretProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 8 || value.length > 256) return 'must be a string of 8-256 characters';
  if (value.trim() !== value) return 'has leading or trailing whitespace';
  return undefined;
}
