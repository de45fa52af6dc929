/**
 * Code tables with their Vietnamese and English names, read from the schemas' `x-lt-labels` so the schema stays
 * the single source of truth (no twin table here). Agencies and procedures are not code tables: they are data
 * from the national catalogues (design, Contracts).
 */
import { schemaDocuments } from './generated/schemas.js';
import { LABELS_KEYWORD } from './schema-registry.js';

/** One code and its names. */
export interface CodeEntry {
  code: string;
  vi: string;
  en: string;
}

const TABLE_DOCS = ['dvcqg/code-tables.v1.json', 'csdl-dancu/code-tables.v1.json'];

function buildTables(): Map<string, CodeEntry[]> {
  const tables = new Map<string, CodeEntry[]>();
  for (const doc of schemaDocuments) {
    if (!TABLE_DOCS.some((f) => doc.$id.endsWith(f))) continue;
    for (const [name, def] of Object.entries((doc.$defs ?? {}) as Record<string, Record<string, unknown>>)) {
      const labels = def[LABELS_KEYWORD] as Record<string, { vi: string; en: string }> | undefined;
      if (labels)
        tables.set(
          name,
          Object.entries(labels).map(([code, l]) => ({ code, vi: l.vi, en: l.en })),
        );
    }
  }
  return tables;
}

const tables = buildTables();

/** Names of the code tables (trangThaiHoSo, kenhThucHien, loaiDoiTuong, nhomMau…). */
export function codeTableNames(): string[] {
  return [...tables.keys()];
}

/** The entries of a code table, or undefined for an unknown table. */
export function codeTable(name: string): readonly CodeEntry[] | undefined {
  return tables.get(name);
}

/** The names of one code, e.g. codeLabel('trangThaiHoSo', '9') → {vi: 'Đã xử lý xong', en: 'Processing finished'}. */
export function codeLabel(table: string, code: string): { vi: string; en: string } | undefined {
  const e = tables.get(table)?.find((x) => x.code === code);
  return e && { vi: e.vi, en: e.en };
}
