import { describe, expect, it } from 'vitest';
import { isVietnamesePhone, nationalPhoneDigits } from './phone.js';

describe('Vietnamese phone numbers (a warning-level check, [inf])', () => {
  it.each([
    '0912345678', // mobile
    '0387 654 321',
    '0987.654.321',
    '+84912345678',
    '+84 912 345 678',
    '84912345678',
    '0084912345678',
    '02438253535', // Hà Nội landline
    '(024) 3825 3535',
    '+84 24 3825 3535',
    '0236-3822-123', // Đà Nẵng
    '1900123456',
    '18001234',
  ])('accepts %s', (v) => expect(isVietnamesePhone(v)).toBe(true));
  it.each([
    ['912345678', 'a leading zero lost (sent as a number)'],
    ['0112345678', '01x mobile prefixes ended in 2018'],
    ['091234567', '9 digits'],
    ['09123456789', '11-digit mobile'],
    ['0438253535', 'old 10-digit landline (area codes changed in 2017)'],
    ['+1 202 555 0101', 'foreign'],
    ['call me', 'text'],
  ])('flags %s (%s)', (v) => expect(isVietnamesePhone(v)).toBe(false));
  it('reads +84 and 84 as the trunk 0', () => {
    expect(nationalPhoneDigits('+84 912 345 678')).toBe('0912345678');
    expect(nationalPhoneDigits('84912345678')).toBe('0912345678');
  });
});
