/** DongBoHoSoMC batches: schema, cross-field checks and one MaHoSo at most once per batch. */
import { validateBatch, type BatchOptions } from '../batch.js';
import { StandardErrorCode as C, issue, type ValidationIssue, type ValidationResult } from '../errors.js';
import type { DongBoHoSoMCItem } from '../generated/types.js';
import { schemaIds } from '../schema-ids.js';
import { checkDossierItem } from './dossier-checks.js';

/**
 * Two snapshots of one dossier in one request would race on the portal (which wins is undefined), so a batch may
 * name a MaHoSo once; the sender merges them first. Reported at every repeat, pointing at the first.
 */
export function duplicateMaHoSoIssues(items: readonly unknown[], paths: readonly string[]): ValidationIssue[] {
  const firstAt = new Map<string, number>();
  const out: ValidationIssue[] = [];
  items.forEach((item, i) => {
    const ma = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).MaHoSo : undefined;
    if (typeof ma !== 'string' || ma === '') return;
    const first = firstAt.get(ma);
    if (first === undefined) {
      firstAt.set(ma, i);
      return;
    }
    out.push(
      issue(
        `${paths[i]}/MaHoSo`,
        C.MAHOSO_DUPLICATE,
        `MaHoSo trùng với phần tử ${first}: mỗi hồ sơ chỉ được gửi một lần trong một lô.`,
        `MaHoSo repeats item ${first}: a dossier may appear only once per batch.`,
      ),
    );
  });
  return out;
}

/**
 * Validates a DongBoHoSoMC body: one dossier object or an array of 1..maxItems (default 500). Reports every error
 * of every item; `value` is the array of normalized dossiers when ok.
 */
export function validateDossierBatch(input: unknown, opts?: BatchOptions): ValidationResult<DongBoHoSoMCItem[]> {
  return validateBatch<DongBoHoSoMCItem>(
    input,
    { schemaId: schemaIds.dossierItem, check: checkDossierItem, checkBatch: duplicateMaHoSoIssues },
    opts,
  );
}
