import { describe, expect, it } from 'vitest';
import { toVnpayOrderInfo, VNPAY_ORDER_INFO_PATTERN } from './order-info.js';

describe('toVnpayOrderInfo', () => {
  it('strips diacritics and special characters [V1]', () => {
    expect(toVnpayOrderInfo('Thanh toán lệ phí hồ sơ #12 (Đà Nẵng)')).toBe('Thanh toan le phi ho so 12 Da Nang');
    expect(toVnpayOrderInfo('!!!')).toBe('Thanh toan');
    const long = toVnpayOrderInfo('ă'.repeat(1000));
    expect(long.length).toBe(255);
    expect(VNPAY_ORDER_INFO_PATTERN.test(long)).toBe(true);
  });
});
