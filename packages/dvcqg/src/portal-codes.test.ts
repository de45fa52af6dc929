import { describe, expect, it } from 'vitest';
import { isAlreadyExists, isPortalSuccess, isSessionExpired, portalCodeOf } from './portal-codes.js';

describe('portal codes', () => {
  it('success is 0, "0" or "00" [S1, T2], nothing else', () => {
    expect([0, '0', '00', ' 0 '].map((c) => isPortalSuccess(portalCodeOf(c)))).toEqual([true, true, true, true]);
    expect(['000', '-0', '1', '', 'OK', 'null'].map(isPortalSuccess)).toEqual([false, false, false, false, false, false]);
  });

  it('"đã tồn tại" with 0, 3 or -3 [T2], whatever the Unicode form or accents', () => {
    const nfd = 'Hồ sơ đã tồn tại'.normalize('NFD');
    expect(isAlreadyExists('-3', 'Hồ sơ X đã tồn tại trên hệ thống')).toBe(true);
    expect(isAlreadyExists('3', nfd)).toBe(true);
    expect(isAlreadyExists('0', 'Ho so DA TON TAI')).toBe(true);
    expect(isAlreadyExists('-1', 'Hồ sơ đã tồn tại')).toBe(false);
    expect(isAlreadyExists('-3', 'Lỗi khác')).toBe(false);
  });

  it('session expiry by code or wording, never on success', () => {
    expect(isSessionExpired('-2', '', ['-2'])).toBe(true);
    expect(isSessionExpired('-1', 'Phiên làm việc đã hết hạn', ['-2'])).toBe(true);
    expect(isSessionExpired('99', 'Session expired', ['-2'])).toBe(true);
    expect(isSessionExpired('-1', 'Token không hợp lệ', ['-2'])).toBe(true);
    expect(isSessionExpired('-1', 'Hồ sơ không hợp lệ', ['-2'])).toBe(false);
    expect(isSessionExpired('0', 'phiên đã hết hạn', ['-2'])).toBe(false);
  });
});
