import type { Pool } from '@lienthong/platform';
import { agencyOfMaHoSo, nationalMaTTHC } from '../read-model/facts.js';

/** A warning for the gateway's 202 and /v1/validate (issue 9 §6): never a refusal by itself. */
export interface CatalogueWarning {
  index: number;
  /** `warning` by default; `error` for an agency configured to refuse (OPERATIONS_CATALOGUE_REFUSE_AGENCIES). */
  level: 'warning' | 'error';
  path: string;
  code: 'LT_CATALOGUE_UNKNOWN_MATTHC' | 'LT_CATALOGUE_FEE_NOT_LISTED';
  message: string;
  message_en: string;
}

export interface CatalogueProcedure {
  maTTHC: string;
  fees: { MAPHILEPHI: string; SOTIEN: number }[];
}

/**
 * Pure check of one dossier item against its procedure (undefined = not in the synced catalogue):
 * - an unknown national MaTTHC (provincial variants are reduced to their national code, reference §2);
 * - a DanhSachLePhi line with Gia > 0 matching neither a MAPHILEPHI nor an amount of the procedure's fees.
 * Zero-amount lines are never flagged (the 766 document treats Gia 0 as no fee).
 */
export function catalogueWarnings(
  index: number,
  item: Record<string, unknown>,
  proc: CatalogueProcedure | undefined,
): CatalogueWarning[] {
  const out: CatalogueWarning[] = [];
  const ma = typeof item.MaTTHC === 'string' ? item.MaTTHC : '';
  if (!proc) {
    out.push({
      index,
      level: 'warning',
      path: `/${index}/MaTTHC`,
      code: 'LT_CATALOGUE_UNKNOWN_MATTHC',
      message: `Mã thủ tục ${ma.slice(0, 60)} không có trong danh mục TTHC đã đồng bộ`,
      message_en: `MaTTHC ${ma.slice(0, 60)} is not in the synced procedure catalogue`,
    });
    return out;
  }
  const fees = Array.isArray(item.DanhSachLePhi) ? (item.DanhSachLePhi as unknown[]) : [];
  const codes = new Set(proc.fees.map((f) => f.MAPHILEPHI).filter(Boolean));
  const amounts = new Set(proc.fees.map((f) => f.SOTIEN));
  fees.forEach((f, i) => {
    if (!f || typeof f !== 'object') return;
    const line = f as Record<string, unknown>;
    const gia = Number(typeof line.Gia === 'string' || typeof line.Gia === 'number' ? line.Gia : NaN);
    if (!Number.isFinite(gia) || gia <= 0) return;
    const code = typeof line.MaPhiLePhi === 'string' ? line.MaPhiLePhi : '';
    if ((code && codes.has(code)) || amounts.has(gia)) return;
    out.push({
      index,
      level: 'warning',
      path: `/${index}/DanhSachLePhi/${i}`,
      code: 'LT_CATALOGUE_FEE_NOT_LISTED',
      message: `Khoản phí ${gia} đồng không có trong danh sách phí, lệ phí của thủ tục ${proc.maTTHC}`,
      message_en: `fee of ${gia} VND is not in procedure ${proc.maTTHC}'s fee list`,
    });
  });
  return out;
}

/** Whether an agency is configured to refuse on catalogue findings: exact codes, `*.<suffix>` or `*`. */
export function refusesOnCatalogue(agency: string, refuseAgencies: readonly string[]): boolean {
  return refuseAgencies.some((a) => a === '*' || a === agency || (a.startsWith('*.') && agency.endsWith(a.slice(1))));
}

/**
 * The lookup the gateway calls (POST /v1/catalogue/check, or this function in-process). A finding is a
 * warning unless the dossier's agency (its MaHoSo prefix) is configured to refuse: then its level is
 * `error`, and the gateway should refuse the item as it does a schema error.
 */
export async function checkAgainstCatalogue(
  pool: Pool,
  items: Record<string, unknown>[],
  refuseAgencies: readonly string[] = [],
): Promise<CatalogueWarning[]> {
  const codes = [
    ...new Set(
      items.map((i) => nationalMaTTHC(typeof i.MaTTHC === 'string' ? i.MaTTHC : undefined)).filter((c): c is string => !!c),
    ),
  ];
  const rows = codes.length
    ? ((await pool.query('SELECT ma_tthc, fees FROM ops_procedure WHERE ma_tthc = ANY($1::text[])', [codes])).rows as {
        ma_tthc: string;
        fees: CatalogueProcedure['fees'];
      }[])
    : [];
  const byCode = new Map(rows.map((r) => [r.ma_tthc, { maTTHC: r.ma_tthc, fees: r.fees }]));
  return items.flatMap((item, i) => {
    const n = nationalMaTTHC(typeof item.MaTTHC === 'string' ? item.MaTTHC : undefined);
    const found = catalogueWarnings(i, item, n ? byCode.get(n) : undefined);
    const ma = typeof item.MaHoSo === 'string' ? item.MaHoSo : '';
    const refuse = ma !== '' && refuseAgencies.length > 0 && refusesOnCatalogue(agencyOfMaHoSo(ma), refuseAgencies);
    return refuse ? found.map((w) => ({ ...w, level: 'error' as const })) : found;
  });
}
