import { VnpayError } from './errors.js';

/**
 * `vnp_OrderInfo` must have no diacritics and no special characters [V1]. We also keep it to characters on
 * which every encoder VNPAY's demos use agrees (letters, digits, space and `. , : - _`; payments.md §1.3),
 * so the gateway and we always hash the same bytes.
 */
export const VNPAY_ORDER_INFO_PATTERN = /^[A-Za-z0-9 .,:_-]{1,255}$/;

/** Throws unless `text` is an acceptable `vnp_OrderInfo`. */
export function assertVnpayOrderInfo(text: unknown, field = 'orderInfo'): asserts text is string {
  if (typeof text !== 'string' || !VNPAY_ORDER_INFO_PATTERN.test(text) || text.trim() === '') {
    throw new VnpayError('LT_VNPAY_INVALID_INPUT', `${field} must be 1-255 characters of A-Z a-z 0-9 space . , : - _`, [
      { field, reason: 'no diacritics or special characters allowed [V1]' },
    ]);
  }
}

/**
 * Turns free Vietnamese text into an acceptable `vnp_OrderInfo`: strips diacritics (đ → d), replaces any
 * other character with a space, collapses spaces and cuts to 255. E.g. "Thanh toán lệ phí hồ sơ #12"
 * → "Thanh toan le phi ho so 12". Returns "Thanh toan" when nothing usable is left.
 */
export function toVnpayOrderInfo(text: string): string {
  const ascii = String(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9 .,:_-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255)
    .trim();
  return ascii === '' ? 'Thanh toan' : ascii;
}
