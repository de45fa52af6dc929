/**
 * Vietnamese phone numbers. The reference gives no format (scalars.v1.json: "free text (formats vary: +84, 0xx,
 * extensions) [inf]"), so this check only WARNS (rule-levels.ts, `phone-format`). The forms are those of the
 * numbering plan in force since the 2017–2018 conversion (Ministry of Information and Communications), [inf] as far
 * as the portal is concerned:
 * - mobile: 0 + 3/5/7/8/9 + 8 digits (10 digits, e.g. 0912345678);
 * - landline: 02 + area code and subscriber number, 11 digits in all (e.g. 02438253535);
 * - service numbers 1800/1900 + 4 or 6 digits.
 * Blanks, dots, dashes and parentheses between digit groups are ignored, and the international prefixes +84, 0084 and
 * 84 count as the trunk 0 (+84 912 345 678 = 0912345678). The value is kept as sent: which form the portal prefers
 * is unknown, so rewriting it would be a guess.
 */

const SEPARATORS = /[\s.\-()]/g;

/** The number in national form (leading 0) with separators removed, or undefined when it is not digits. */
export function nationalPhoneDigits(value: string): string | undefined {
  let v = value.replace(SEPARATORS, '');
  if (v.startsWith('+84')) v = '0' + v.slice(3);
  else if (v.startsWith('0084')) v = '0' + v.slice(4);
  else if (/^84\d{9,10}$/.test(v)) v = '0' + v.slice(2);
  return /^\d+$/.test(v) ? v : undefined;
}

/** True for a Vietnamese mobile, landline or 1800/1900 number in any of the accepted spellings. */
export function isVietnamesePhone(value: string): boolean {
  const d = nationalPhoneDigits(value);
  if (d === undefined) return false;
  return /^0[35789]\d{8}$/.test(d) || /^02\d{9}$/.test(d) || /^1[89]00(?:\d{4}|\d{6})$/.test(d);
}
