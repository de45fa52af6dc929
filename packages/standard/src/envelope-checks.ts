/**
 * Adapter-style envelopes carry items in `data` [code S1]; the items' cross-field checks apply there too, with
 * paths under /data, so a vendor testing a full request gets the same report as one testing bare items.
 */
import { duplicateMaHoSoIssues } from './dossier/validate-dossier-batch.js';
import { checkDossierItem } from './dossier/dossier-checks.js';
import { prefixIssues, type ValidationIssue } from './errors.js';
import { checkProgressItem } from './progress/progress-checks.js';

function dataItems(envelope: unknown): unknown[] {
  const data = typeof envelope === 'object' && envelope !== null ? (envelope as Record<string, unknown>).data : undefined;
  return Array.isArray(data) ? data : [];
}

/** Cross-field checks of a DongBoHoSoMC request's data[], including one MaHoSo per call. */
export function checkDossierRequest(envelope: unknown): ValidationIssue[] {
  const items = dataItems(envelope);
  const paths = items.map((_, i) => `/data/${i}`);
  const out = items.flatMap((item, i) => prefixIssues(paths[i]!, checkDossierItem(item)));
  return out.concat(duplicateMaHoSoIssues(items, paths));
}

/** Cross-field checks of a CapNhatTienDoHoSoMC request's data[]. */
export function checkProgressRequest(envelope: unknown): ValidationIssue[] {
  return dataItems(envelope).flatMap((item, i) => prefixIssues(`/data/${i}`, checkProgressItem(item)));
}
