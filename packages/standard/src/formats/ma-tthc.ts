/**
 * MaTTHC, the procedure code. National form: one digit, a dot, six digits (1.005129) [code T2, X3]. Provincial
 * variants append an agency code, full (1.003560.000.00.00.H56) or short (2.002621.H56) [code T2 ketnoi.json, X3].
 * Which form DongBoHoSoMC requires is [inf]; Hà Giang sent both [code X3], so both are accepted as sent. The short
 * variant's suffix may be the bare level-1 unit (H56), which is not an agency code on its own.
 */
import { isAgencyCode } from './agency-code.js';

const NATIONAL = /^\d\.\d{6}$/;
const WITH_AGENCY = /^(\d\.\d{6})\.(.+)$/;
const LEVEL_ONE_UNIT = /^[A-Z]\d{2}$/;

/** A parsed MaTTHC: the national code and, for a provincial variant, the agency code appended to it. */
export interface MaTTHCParts {
  national: string;
  agencyCode?: string;
}

/** Parses a national or provincial MaTTHC; undefined when malformed. */
export function parseMaTTHC(value: string): MaTTHCParts | undefined {
  if (NATIONAL.test(value)) return { national: value };
  const m = WITH_AGENCY.exec(value);
  if (m && (isAgencyCode(m[2]!) || LEVEL_ONE_UNIT.test(m[2]!))) return { national: m[1]!, agencyCode: m[2]! };
  return undefined;
}

/** True for a national or provincial MaTTHC. */
export function isMaTTHC(value: string): boolean {
  return parseMaTTHC(value) !== undefined;
}
