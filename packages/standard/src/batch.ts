/**
 * Batches as the gateway receives them: one item object or an array of 1..maxItems items. Every item is validated
 * and every issue reported with the item's index in its path, because a request is all-or-nothing and the sender
 * must be able to fix everything in one round trip (design, flow 1).
 */
import { StandardErrorCode as C, issue, prefixIssues, type ValidationIssue, type ValidationResult } from './errors.js';
import { validateAgainst, type PacketCheck } from './validate-schema.js';

/** Options of the batch validators. */
export interface BatchOptions {
  /** Largest accepted array; default 500. */
  maxItems?: number;
}

/** What a batch is made of. */
export interface BatchSpec {
  schemaId: string;
  check?: PacketCheck;
  /** Whole-batch checks over the normalized items (e.g. duplicate MaHoSo); `paths` are each item's prefix. */
  checkBatch?: (items: readonly unknown[], paths: readonly string[]) => ValidationIssue[];
}

export const DEFAULT_MAX_ITEMS = 500;

/** Validates a single item or an array of items; `value` is always an array of normalized items when ok. */
export function validateBatch<T>(input: unknown, spec: BatchSpec, opts: BatchOptions = {}): ValidationResult<T[]> {
  const maxItems = opts.maxItems ?? DEFAULT_MAX_ITEMS;
  const single = typeof input === 'object' && input !== null && !Array.isArray(input);
  if (!single && !Array.isArray(input)) {
    return fail([
      issue(
        '',
        C.NOT_OBJECT,
        'Nội dung phải là một đối tượng JSON hoặc một mảng đối tượng.',
        'The body must be a JSON object or an array of objects.',
      ),
    ]);
  }
  const items: unknown[] = single ? [input] : (input as unknown[]);
  if (items.length === 0) {
    return fail([issue('', C.BATCH_EMPTY, 'Mảng không có phần tử nào.', 'The array is empty.')]);
  }
  if (items.length > maxItems) {
    return fail([
      issue(
        '',
        C.BATCH_TOO_LARGE,
        `Mỗi lần gửi tối đa ${maxItems} phần tử, nhận được ${items.length}.`,
        `At most ${maxItems} items per request, got ${items.length}.`,
      ),
    ]);
  }
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const values: unknown[] = [];
  const paths = items.map((_, i) => (single ? '' : `/${i}`));
  items.forEach((item, i) => {
    const prefix = paths[i]!;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push(issue(prefix, C.NOT_OBJECT, `Phần tử ${i} phải là một đối tượng JSON.`, `Item ${i} must be a JSON object.`));
      values.push(item);
      return;
    }
    const r = validateAgainst<T>(spec.schemaId, item, spec.check);
    errors.push(...prefixIssues(prefix, r.errors));
    warnings.push(...prefixIssues(prefix, r.warnings));
    values.push(r.ok ? r.value : item);
  });
  if (spec.checkBatch) errors.push(...spec.checkBatch(values, paths));
  return errors.length === 0 ? { ok: true, value: values as T[], errors, warnings } : fail(errors, warnings);
}

function fail<T>(errors: ValidationIssue[], warnings: ValidationIssue[] = []): ValidationResult<T> {
  return { ok: false, value: undefined, errors, warnings };
}
