/** Normalize-then-validate against one packet schema, plus optional cross-field checks. */
import { issuesFromAjv } from './ajv-issues.js';
import type { ValidationIssue, ValidationResult } from './errors.js';
import { normalizeAgainst } from './normalize.js';
import { validatorFor } from './schema-registry.js';

/** Extra checks a packet needs beyond its schema; paths relative to the packet. */
export type PacketCheck = (normalized: unknown) => ValidationIssue[];

/** Validates one packet (not a batch) against `schemaId`; `value` is the normalized packet when ok. */
export function validateAgainst<T>(schemaId: string, input: unknown, check?: PacketCheck): ValidationResult<T> {
  const normalized = normalizeAgainst(schemaId, input);
  const validate = validatorFor(schemaId);
  const errors = validate(normalized) ? [] : issuesFromAjv(validate.errors);
  if (check) errors.push(...check(normalized));
  return errors.length === 0 ? { ok: true, value: normalized as T, errors } : { ok: false, value: undefined, errors };
}
