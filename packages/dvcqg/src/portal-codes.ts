/**
 * What the portal's `error_code` and `message` mean. Shared by the client (to classify answers) and by
 * the sandbox (to answer the same way), so the two cannot drift apart.
 */

/**
 * Success: integer 0 in OpenCPS's 3.0 branch, string "00" in its 2020 branches [code S1]; TD compares
 * with the string "0" [code T2]. All three are accepted.
 */
export function isPortalSuccess(code: string): boolean {
  return code === '0' || code === '00';
}

/** The portal's generic failure code, the only failure code besides 3/-3 seen in public code [code S1, S4]. */
export const PORTAL_ERROR_CODE = '-1';

/** Codes that accompany "đã tồn tại" on a create of an existing dossier [code T2]. */
export const ALREADY_EXISTS_CODES: readonly string[] = Object.freeze(['0', '3', '-3']);
/** What the sandbox answers for an existing dossier: -3 is one of the two TD accepts [code T2]; which one the portal uses is unknown. */
export const ALREADY_EXISTS_PORTAL_CODE = '-3';

/**
 * Session expired or unknown. No public code shows the portal's answer; -2 is our choice [inf], made
 * because it collides with none of the seen codes (0/"00", 3/-3, -1). The client also recognises the
 * message wording below and HTTP 401, so a different real code with a telling message still works.
 */
export const SESSION_EXPIRED_PORTAL_CODE = '-2';
export const SESSION_EXPIRED_MESSAGE = 'Phiên làm việc không hợp lệ hoặc đã hết hạn';

function fold(text: string): string {
  // NFC first: Vietnamese text arrives both precomposed and decomposed. Then strip accents so an
  // unaccented "da ton tai" (seen in ASCII-only gateways [inf]) matches too.
  return text
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd');
}

/** TD's rule [code T2]: code "0", "3" or "-3" AND the message contains "đã tồn tại". */
export function isAlreadyExists(code: string, message: string): boolean {
  return ALREADY_EXISTS_CODES.includes(code) && fold(message).includes('da ton tai');
}

const sessionWords = /(phien|session|token)[^.;]{0,40}(het han|het hieu luc|khong hop le|expired|invalid)/;

/** Session expired: our code -2, or a message saying so (wording [inf]). Never a success code. */
export function isSessionExpired(code: string, message: string, expiredCodes: readonly string[]): boolean {
  if (isPortalSuccess(code)) return false;
  return expiredCodes.includes(code) || sessionWords.test(fold(message));
}

/** `error_code` as the portal sent it (number or string) → canonical string form. */
export function portalCodeOf(raw: unknown): string {
  return typeof raw === 'number' ? String(raw) : String(raw).trim();
}
