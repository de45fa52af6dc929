/**
 * SQL of "agency_code within these API-client agency patterns" (exact codes, `*.<suffix>`, `*`), the same
 * rule as platform clientMayActFor. Patterns hold only [A-Za-z0-9.] (the clients file schema), so no LIKE
 * wildcard can come from the file. Its own file so that the store and the operators' reads (payment-reads.ts,
 * which the store includes) share it without importing each other.
 */
export function agencyFilter(agencies: readonly string[] | undefined, firstParam: number): { sql: string; params: unknown[] } {
  if (!agencies || agencies.includes('*')) return { sql: 'TRUE', params: [] };
  const exact = agencies.filter((a) => !a.startsWith('*.'));
  const suffixes = agencies.filter((a) => a.startsWith('*.')).map((a) => `%${a.slice(1)}`);
  return {
    sql: `(agency_code = ANY($${firstParam}::text[]) OR agency_code LIKE ANY($${firstParam + 1}::text[]))`,
    params: [exact, suffixes],
  };
}
