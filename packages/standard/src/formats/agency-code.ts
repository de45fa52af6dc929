/**
 * Agency identifiers (mã định danh, QCVN 102:2016/BTTTT). The full form is four dot-separated groups, e.g.
 * 000.00.01.H22, whose right-most group is the level-1 unit (H + 2 digits = province, G + 2 digits = ministry)
 * [code T2/T6]; the widths of the other groups are [inf] from every example seen. A short form such as H56.14 is also
 * seen [code T2/T6; structure inf]. Codes are data: only the shape is checked, never a list of provinces, because
 * provinces merged in 2025 and codes keep changing.
 *
 * Two levels (docs/standard.md, "Every rule and its level"). What the hub itself needs is a code it can match and key
 * on: letters and digits in dot-separated groups, no blanks (isAgencyCodeLike; anything else is refused). The QCVN
 * shapes above come only from examples, so a code that is agency-like but not one of them is reported as a warning
 * (isAgencyCode false, LT_STD_AGENCY_CODE_UNUSUAL): the portal decides.
 */

const FULL = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;
const SHORT = /^[A-Z]\d{2}(?:\.\d{2}){1,2}$/;
const LIKE = /^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*$/;

/** True for a full (000.00.01.H22) or short (H56.14) agency code: the QCVN 102 shapes seen [code T2/T6; widths inf]. */
export function isAgencyCode(value: string): boolean {
  return FULL.test(value) || SHORT.test(value);
}

/**
 * True for what the hub can key an agency on: groups of letters and digits separated by single dots (no blanks, no
 * other characters). Every QCVN code is one; so are codes of other widths, which isAgencyCode tells apart.
 */
export function isAgencyCodeLike(value: string): boolean {
  return LIKE.test(value);
}

/** True for the four-group QCVN 102 form only. */
export function isFullAgencyCode(value: string): boolean {
  return FULL.test(value);
}

/** The level-1 unit of an agency code ("H22" for 000.00.01.H22 and for H22.14), or undefined if malformed. */
export function levelOneUnitOf(code: string): string | undefined {
  if (FULL.test(code)) return code.slice(-3);
  if (SHORT.test(code)) return code.slice(0, 3);
  return undefined;
}
