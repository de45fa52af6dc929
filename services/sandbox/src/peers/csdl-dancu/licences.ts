import type { CsdlOperation } from '@lienthong/csdl-dancu';

/**
 * Which service codes (MaDVC) may call which operation, and which officers (MaCanBo) are barred: what makes
 * the database answer 004 (procedure not licensed) and 005 (officer lacks permission) [code X4]. How C06
 * really grants rights is not in the sources [inf]; this table is the simulator's stand-in, replaceable
 * at run time with PUT /_admin/licences.
 */
export interface LicenceTable {
  licences: { MaDVC: string; operations: CsdlOperation[] }[];
  deniedOfficers: string[];
}

export const defaultLicences = (): LicenceTable => ({
  licences: [
    { MaDVC: '1.001612', operations: ['TraCuuThongTinCongDan', 'XacThucThongTinCongDan', 'CungCapThongTinHoGiaDinh'] },
    { MaDVC: '1.004227', operations: ['TraCuuThongTinCongDan', 'XacThucThongTinCongDan'] },
    { MaDVC: '2.000488', operations: ['XacThucThongTinCongDan'] },
    { MaDVC: '1.000656', operations: ['TraCuuThongTinCongDan', 'XacThucThongTinCongDan', 'CungCapThongTinHoGiaDinh'] },
  ],
  deniedOfficers: ['cb.dinhchi'],
});

export const licenceTableSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['licences', 'deniedOfficers'],
  properties: {
    licences: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['MaDVC', 'operations'],
        properties: {
          MaDVC: { type: 'string', minLength: 1, maxLength: 100 },
          operations: {
            type: 'array',
            items: { enum: ['TraCuuThongTinCongDan', 'XacThucThongTinCongDan', 'CungCapThongTinHoGiaDinh'] },
          },
        },
      },
    },
    deniedOfficers: { type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1, maxLength: 100 } },
  },
} as const;

/** '004', '005' or undefined (allowed). */
export function licenceRefusal(t: LicenceTable, maDVC: string, maCanBo: string, op: CsdlOperation): '004' | '005' | undefined {
  if (!t.licences.some((l) => l.MaDVC === maDVC && l.operations.includes(op))) return '004';
  if (t.deniedOfficers.includes(maCanBo)) return '005';
  return undefined;
}
