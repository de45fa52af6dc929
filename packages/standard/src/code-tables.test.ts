import { describe, expect, it } from 'vitest';
import { codeLabel, codeTable, codeTableNames } from './code-tables.js';
import { schemaDocument } from './schema-registry.js';

describe('code tables', () => {
  it('labels every TrangThaiHoSo in both languages', () => {
    expect(codeTable('trangThaiHoSo')?.map((e) => e.code)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(codeLabel('trangThaiHoSo', '9')).toEqual({ vi: 'Đã xử lý xong', en: 'Processing finished' });
    expect(codeLabel('nhomMau', '04')?.en).toBe('Blood group O');
    expect(codeLabel('trangThaiHoSo', '11')).toBeUndefined();
  });
  it('labels exactly the values an enum allows', () => {
    for (const doc of ['dvcqg', 'csdl-dancu'].map((a) =>
      schemaDocument(`https://lienthong.gov.vn/schemas/${a}/code-tables.v1.json`)!,
    )) {
      for (const [name, def] of Object.entries(doc.$defs as Record<string, { enum?: string[] }>)) {
        if (def.enum)
          expect(
            codeTable(name)?.map((e) => e.code),
            name,
          ).toEqual(def.enum);
      }
    }
    expect(codeTableNames()).toContain('kenhThucHien');
  });
});
