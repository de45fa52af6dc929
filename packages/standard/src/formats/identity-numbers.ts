/**
 * Identity numbers. Personal ID (số định danh cá nhân, on the CCCD): 12 digits; old identity card (CMND): 9 digits
 * [code T2, T4]. Tax code / enterprise code: 10 digits, or 10 + "-" + 3 for a branch [code X7]. Neither the ID's
 * inner structure (province of birth, century-gender digit) nor the tax code's check digit is in the reference, so
 * neither is checked [inf: a wrong rule would reject real people].
 */

/** True for a 12-digit personal ID. */
export function isPersonalId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

/** True for a 9-digit old identity-card number. */
export function isOldId(value: string): boolean {
  return /^\d{9}$/.test(value);
}

/** True for a 10-digit tax code or a 10-3 branch tax code. */
export function isTaxCode(value: string): boolean {
  return /^\d{10}(?:-\d{3})?$/.test(value);
}
