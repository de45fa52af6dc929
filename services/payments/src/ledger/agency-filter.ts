import { agencyScopeSql } from '@lienthong/platform';

/**
 * SQL of "agency_code within these API-client agency patterns" (exact codes, `*.<suffix>`, `*`): the platform's
 * agencyScopeSql (the SQL twin of clientMayActFor, LIKE metacharacters escaped; a NULL agency — an unmatched bank
 * transfer — passes for `*` only) on payments' `agency_code`. `undefined` means every agency: reconciliation and
 * the review lists run for the whole province when no operator asked. The operators' reads (payment-reads.ts)
 * call agencyScopeSql themselves, with no "undefined means all".
 */
export function agencyFilter(agencies: readonly string[] | undefined, firstParam: number): { sql: string; params: unknown[] } {
  if (!agencies) return { sql: 'TRUE', params: [] };
  return agencyScopeSql({ agencies: [...agencies] }, 'agency_code', firstParam);
}
