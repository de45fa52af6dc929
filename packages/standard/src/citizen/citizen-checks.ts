/** A citizen record or look-up names the person by SoDinhDanh (12 digits) or SoCMND (9 digits) [code T4]. */
import { StandardErrorCode as C, issue, type ValidationIssue } from '../errors.js';

/** At least one of SoDinhDanh and SoCMND is present and non-empty; reported at /SoDinhDanh. */
export function checkPersonIdentified(item: unknown): ValidationIssue[] {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return [];
  const it = item as Record<string, unknown>;
  const present = (k: string) => typeof it[k] === 'string' && it[k] !== '';
  if (present('SoDinhDanh') || present('SoCMND')) return [];
  return [
    issue(
      '/SoDinhDanh',
      C.REQUIRED,
      'Cần SoDinhDanh (12 chữ số) hoặc SoCMND (9 chữ số).',
      'SoDinhDanh (12 digits) or SoCMND (9 digits) is required.',
    ),
  ];
}
