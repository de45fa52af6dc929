/**
 * Checks a CloudEvent's `data` against the schema its `dataschema` names. The design makes the schema's $id the
 * event's `dataschema` (design.md, Contracts), so a consumer — or a contract test of a producer — needs nothing but
 * the envelope to know what `data` must look like.
 *
 * Strict on purpose: unlike validatePacket, no tolerance normalization runs first. Events are what the hub itself
 * emits, and producers publish the canonical form (the gateway publishes the normalized item); a producer writing
 * `"150000"` where the schema says integer is a bug to catch, not a vendor variant to absorb.
 */
import { issuesFromAjv } from './ajv-issues.js';
import { StandardErrorCode as C, issue, type ValidationIssue, type ValidationResult } from './errors.js';
import { splitByLevel } from './rule-levels.js';
import { checkOfSchema } from './packet-kinds.js';
import { isPacketSchemaId, validatorFor } from './schema-registry.js';

/** Longest part of an unknown `dataschema` quoted in a message: the value comes from a record, untrusted. */
const QUOTE_MAX = 200;

/**
 * Validates `data` against the packet schema whose $id is `dataschema`, plus the checks JSON Schema cannot express
 * for that packet (a dossier item's date order, a progress step's dates…). Paths are JSON pointers relative to
 * `data` (prefix `/data` to point into the envelope). `value` is `data` itself, unchanged, when ok.
 *
 * A `dataschema` that names no packet schema (another version, a typo, a shared-definitions file) is reported as
 * LT_STD_UNKNOWN_SCHEMA at path "", never thrown; data that is not a JSON object as LT_STD_NOT_OBJECT.
 */
export function validateEventData(dataschema: string, data: unknown): ValidationResult<unknown> {
  if (typeof dataschema !== 'string' || !isPacketSchemaId(dataschema)) {
    const quoted = JSON.stringify(String(dataschema).slice(0, QUOTE_MAX));
    return fail([
      issue(
        '',
        C.UNKNOWN_SCHEMA,
        `Không có lược đồ nào có $id ${quoted} (dataschema của sự kiện).`,
        `No schema has the $id ${quoted} (the event's dataschema).`,
      ),
    ]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail([
      issue('', C.NOT_OBJECT, 'Dữ liệu sự kiện phải là một đối tượng JSON.', 'The event data must be a JSON object.'),
    ]);
  }
  const validate = validatorFor(dataschema);
  const issues = validate(data) ? [] : issuesFromAjv(validate.errors);
  const check = checkOfSchema(dataschema);
  if (check) issues.push(...check(data));
  // Inferred rules warn here too: an event carries what the gateway accepted, warnings included.
  const { errors, warnings } = splitByLevel(dataschema, issues);
  return errors.length === 0 ? { ok: true, value: data, errors, warnings } : fail(errors, warnings);
}

function fail(errors: ValidationIssue[], warnings: ValidationIssue[] = []): ValidationResult<unknown> {
  return { ok: false, value: undefined, errors, warnings };
}
