/** Querystring pieces shared by the read routes (strings: the server does not coerce types). */
export const agencyParam = { type: 'string', pattern: '^[A-Za-z0-9.]{1,64}$' } as const;
export const dateParam = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
export const pageParam = { type: 'string', pattern: '^[1-9]\\d{0,5}$' } as const;
export const pageSizeParam = { type: 'string', pattern: '^[1-9]\\d{0,2}$' } as const;
export const maHoSoParam = { type: 'string', pattern: '^[A-Za-z0-9.]{1,80}-\\d{6}-\\d{4,12}$' } as const;
export const maTTHCParam = { type: 'string', pattern: '^\\d\\.\\d{6}$' } as const;

export const READ_ROLES = ['viewer', 'operator', 'auditor'] as const;

export function paging(q: { page?: string; pageSize?: string }): { page: number; pageSize: number } {
  return { page: Number(q.page ?? '1'), pageSize: Math.min(500, Number(q.pageSize ?? '50')) };
}

/**
 * SQL of "`column` within these API-client agency patterns" (exact codes, `*.<suffix>`, `*`), the rule of platform
 * clientMayActFor, so a LIMIT counts only the caller's rows. Patterns hold only [A-Za-z0-9.] (the clients file's
 * schema): no LIKE wildcard can come from them. Callers still check each row with clientMayActFor.
 */
export function agencyScopeSql(
  column: string,
  agencies: readonly string[],
  firstParam: number,
): { sql: string; params: unknown[] } {
  if (agencies.includes('*')) return { sql: 'TRUE', params: [] };
  const exact = agencies.filter((a) => !a.startsWith('*.'));
  const suffixes = agencies.filter((a) => a.startsWith('*.')).map((a) => `%${a.slice(1)}`);
  return {
    sql: `(${column} = ANY($${firstParam}::text[]) OR ${column} LIKE ANY($${firstParam + 1}::text[]))`,
    params: [exact, suffixes],
  };
}
