/**
 * MaHoSo = <agency code of the receiving unit>-<yyMMdd>-<daily sequence, at least 4 digits, zero-padded>, the
 * sequence restarting each day [code T3]. TD's fallback uses 5 random digits [code T2], which fits the same shape.
 */
import { isAgencyCode } from './agency-code.js';
import { isRealDate } from './date-time.js';

const SHAPE = /^(.+)-(\d{2})(\d{2})(\d{2})-(\d{4,12})$/;

/** The parts of a well-formed MaHoSo. */
export interface MaHoSoParts {
  agencyCode: string;
  /** yyMMdd as written. */
  day: string;
  sequence: string;
}

/** Splits a MaHoSo; undefined unless the prefix is an agency code and yyMMdd a real date (20yy [inf]). */
export function parseMaHoSo(value: string): MaHoSoParts | undefined {
  const m = SHAPE.exec(value);
  if (!m) return undefined;
  const [, agencyCode, yy, mm, dd, sequence] = m as unknown as [string, string, string, string, string, string];
  if (!isAgencyCode(agencyCode) || !isRealDate(2000 + Number(yy), Number(mm), Number(dd))) return undefined;
  return { agencyCode, day: yy + mm + dd, sequence };
}

/** True for a well-formed MaHoSo. */
export function isMaHoSo(value: string): boolean {
  return parseMaHoSo(value) !== undefined;
}

/**
 * The receiving unit's agency code: the part of a MaHoSo before "-yyMMdd-NNNN", e.g. "000.00.01.H22" for
 * "000.00.01.H22-250115-0001". Undefined when the MaHoSo is malformed, so callers never authorise on a guess.
 */
export function agencyCodeOfMaHoSo(maHoSo: string): string | undefined {
  return parseMaHoSo(maHoSo)?.agencyCode;
}
