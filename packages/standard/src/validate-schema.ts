/** Normalize-then-validate against one packet schema, plus optional cross-field checks. */
import { issuesFromAjv } from './ajv-issues.js';
import { StandardErrorCode as C, type ValidationIssue, type ValidationResult } from './errors.js';
import { splitByLevel } from './rule-levels.js';
import { normalizeWithIssues } from './normalize.js';
import { validatorFor } from './schema-registry.js';

/** Extra checks a packet needs beyond its schema; paths relative to the packet. */
export type PacketCheck = (normalized: unknown) => ValidationIssue[];

/**
 * Validates one packet (not a batch) against `schemaId`; `value` is the normalized packet when ok. Findings of
 * inferred rules are `warnings` (rule-levels.ts) and do not make the packet invalid.
 */
export function validateAgainst<T>(schemaId: string, input: unknown, check?: PacketCheck): ValidationResult<T> {
  const { value: normalized, issues } = normalizeWithIssues(schemaId, input);
  const validate = validatorFor(schemaId);
  // An identifier sent as a number is reported once, by the normalizer, not again as ajv's "must be string".
  const numberAt = new Set(issues.filter((i) => i.code === C.IDENTIFIER_NUMBER).map((i) => i.path));
  if (!validate(normalized))
    issues.push(...issuesFromAjv(validate.errors).filter((i) => !(i.code === C.TYPE && numberAt.has(i.path))));
  if (check) issues.push(...check(normalized));
  const { errors, warnings } = splitByLevel(schemaId, issues);
  return errors.length === 0
    ? { ok: true, value: normalized as T, errors, warnings }
    : { ok: false, value: undefined, errors, warnings };
}
