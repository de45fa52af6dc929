/** CapNhatTienDoHoSoMC batches. Several steps of one dossier in one batch are normal, so MaHoSo may repeat. */
import { validateBatch, type BatchOptions } from '../batch.js';
import type { ValidationResult } from '../errors.js';
import type { CapNhatTienDoHoSoMCItem } from '../generated/types.js';
import { schemaIds } from '../schema-ids.js';
import { checkProgressItem } from './progress-checks.js';

/**
 * Validates a CapNhatTienDoHoSoMC body: one step object or an array of 1..maxItems (default 500). The portal's
 * limit of 10 per call [code S1, T2] is applied by national-sync when it batches, not here.
 */
export function validateProgressBatch(input: unknown, opts?: BatchOptions): ValidationResult<CapNhatTienDoHoSoMCItem[]> {
  return validateBatch<CapNhatTienDoHoSoMCItem>(input, { schemaId: schemaIds.progressItem, check: checkProgressItem }, opts);
}
