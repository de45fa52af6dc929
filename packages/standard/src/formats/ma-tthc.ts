/**
 * MaTTHC, the procedure code. National form: one digit, a dot, six digits (1.005129) [code T2, X3]. Provincial
 * variants append an agency code, full (1.003560.000.00.00.H56) or short (2.002621.H56) [code T2 ketnoi.json, X3].
 * Which form DongBoHoSoMC requires is [inf]; Hà Giang sent both [code X3], so both are accepted as sent. The short
 * variant's suffix may be the bare level-1 unit (H56), which is not an agency code on its own.
 *
 * Two levels: the national part is [code] and refused when malformed; a suffix of letters, digits and dots that is
 * not an agency code of the shapes seen (whose group widths are [inf]) is a warning (LT_STD_MATTHC_UNUSUAL).
 */
import { isAgencyCode, isAgencyCodeLike } from './agency-code.js';

const NATIONAL = /^\d\.\d{6}$/;
const WITH_SUFFIX = /^(\d\.\d{6})\.(.+)$/;
const LEVEL_ONE_UNIT = /^[A-Z]\d{2}$/;

/** A parsed MaTTHC: the national code and, for a provincial variant, the agency code appended to it. */
export interface MaTTHCParts {
  national: string;
  agencyCode?: string;
}

/** Parses a national or provincial MaTTHC (any agency-like suffix); undefined when malformed. */
export function parseMaTTHC(value: string): MaTTHCParts | undefined {
  if (NATIONAL.test(value)) return { national: value };
  const m = WITH_SUFFIX.exec(value);
  if (m && isAgencyCodeLike(m[2]!)) return { national: m[1]!, agencyCode: m[2]! };
  return undefined;
}

/** True for a national or provincial MaTTHC the hub accepts (it may still warn: isUsualMaTTHC). */
export function isMaTTHC(value: string): boolean {
  return parseMaTTHC(value) !== undefined;
}

/** True when the suffix, if any, is an agency code of the shapes seen or a bare level-1 unit (H56). */
export function isUsualMaTTHC(value: string): boolean {
  const p = parseMaTTHC(value);
  return p !== undefined && (p.agencyCode === undefined || isAgencyCode(p.agencyCode) || LEVEL_ONE_UNIT.test(p.agencyCode));
}
