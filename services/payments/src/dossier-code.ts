/**
 * MaHoSo = <agency code of the receiving unit>-<yyMMdd>-<daily sequence ≥ 4 digits> [code T3]. The payment
 * is made to the receiving agency's merchant, so the agency is read from the code unless the caller
 * names it. The shape check is deliberately loose on the agency part (codes are data, design.md); the
 * full check lives in @lienthong/standard (formats/ma-ho-so.ts), which had no public entry point yet
 * when this service was written — switch to its agencyCodeOfMaHoSo once it is exported.
 */
const SHAPE = /^([A-Za-z0-9]+(?:\.[A-Za-z0-9]+){1,5})-(\d{2})(\d{2})(\d{2})-(\d{4,12})$/;

export function agencyOfMaHoSo(maHoSo: string): string | undefined {
  const m = SHAPE.exec(maHoSo);
  if (!m) return undefined;
  const mm = Number(m[3]);
  const dd = Number(m[4]);
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return undefined;
  return m[1];
}
