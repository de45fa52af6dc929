/**
 * MaHoSo = <agency code of the receiving unit>-<yyMMdd>-<daily sequence, at least 4 digits, zero-padded>, the
 * sequence restarting each day [code T3]. TD's fallback uses 5 random digits [code T2], which fits the same shape.
 *
 * Two levels (docs/standard.md, "Every rule and its level"):
 * - refused unless it has the three parts [code T3] with a prefix the hub can read an agency from (isMaHoSo): the
 *   MaHoSo is the Kafka key, the ledger's key and what every service's agency scope is checked on;
 * - warned (LT_STD_MAHOSO_UNUSUAL) when the prefix is not a QCVN agency code of the shapes seen or yyMMdd is not a
 *   real date (isUsualMaHoSo false): that DVCQG checks the prefix is [inf] from TD's pre-sync check [code T2], and
 *   nothing says it checks the day, so the portal decides.
 */
import { isAgencyCode, isAgencyCodeLike } from './agency-code.js';
import { isRealDate } from './date-time.js';

// The prefix has no '-' (agency codes are dot-separated), so the first '-' ends it.
const SHAPE = /^([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)-(\d{2})(\d{2})(\d{2})-(\d{4,})$/;

/** The parts of a MaHoSo the hub accepts. */
export interface MaHoSoParts {
  agencyCode: string;
  /** yyMMdd as written. */
  day: string;
  sequence: string;
}

/**
 * Splits a MaHoSo into <agency>-<yyMMdd>-<sequence>; undefined unless it has that shape with an agency-like prefix
 * (letters and digits in dot-separated groups). The prefix need not be a QCVN code nor the day a real date: see
 * isUsualMaHoSo.
 */
export function parseMaHoSo(value: string): MaHoSoParts | undefined {
  const m = SHAPE.exec(value);
  if (!m) return undefined;
  const [, agencyCode, yy, mm, dd, sequence] = m as unknown as [string, string, string, string, string, string];
  return isAgencyCodeLike(agencyCode) ? { agencyCode, day: yy + mm + dd, sequence } : undefined;
}

/** True for a MaHoSo the hub accepts (it may still warn: isUsualMaHoSo). */
export function isMaHoSo(value: string): boolean {
  return parseMaHoSo(value) !== undefined;
}

/** True for the usual shape: a QCVN agency code as prefix and a real yyMMdd (20yy) [code T3; prefix and day inf]. */
export function isUsualMaHoSo(value: string): boolean {
  const p = parseMaHoSo(value);
  if (!p || !isAgencyCode(p.agencyCode)) return false;
  const [yy, mm, dd] = [p.day.slice(0, 2), p.day.slice(2, 4), p.day.slice(4, 6)].map(Number) as [number, number, number];
  return isRealDate(2000 + yy, mm, dd);
}

/**
 * The receiving unit's agency code: the part of a MaHoSo before "-yyMMdd-NNNN", e.g. "000.00.01.H22" for
 * "000.00.01.H22-250115-0001". Undefined when the MaHoSo is malformed, so callers never authorise on a guess. The
 * prefix is returned as written (an unusual "000.00.001.H22" too): agency scopes match it exactly as the sender wrote it.
 */
export function agencyCodeOfMaHoSo(maHoSo: string): string | undefined {
  return parseMaHoSo(maHoSo)?.agencyCode;
}
