import { canonicalJson } from '../ledger/step-key.js';

export type PortalComparison = { kind: 'same' } | { kind: 'unknown' } | { kind: 'different'; fields: string[] };

/**
 * Compares what TraCuuHoSo returned with the DongBoHoSoMC item the ledger says the portal holds.
 * `[]` = the portal does not know the dossier [code S1]. Otherwise every field of our item that the
 * portal echoes must be equal (canonical JSON, so key order does not matter); fields the portal does
 * not echo cannot be checked and are skipped, except MaHoSo and TrangThaiHoSo, which any answer about a
 * dossier has. Only field names are returned: values may be personal data and end up in logs.
 */
export function comparePortalRecord(expected: Record<string, unknown>, records: readonly object[]): PortalComparison {
  const record = records.find((r) => (r as { MaHoSo?: unknown }).MaHoSo === expected.MaHoSo) ?? records[0];
  if (!record) return { kind: 'unknown' };
  const got = record as Record<string, unknown>;
  const fields: string[] = [];
  for (const [k, v] of Object.entries(expected)) {
    if (v === undefined) continue;
    if (!(k in got)) {
      if (k === 'MaHoSo' || k === 'TrangThaiHoSo') fields.push(k);
      continue;
    }
    if (canonicalJson(v) !== canonicalJson(got[k])) fields.push(k);
  }
  return fields.length ? { kind: 'different', fields } : { kind: 'same' };
}
