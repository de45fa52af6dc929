/**
 * PayGov code tables. Thin: no public specification exists (payments.md §4, §7); every value here was
 * seen in code, and its meaning is as the code uses it.
 */

/** `MaLoi` "00" = success in the confirm callback and answers [T6 YeuCauThanhToanConstants][S5]. */
export const PAYGOV_MALOI_SUCCESS = '00';

/**
 * `MaLoi` values a province answers the confirm callback with. Only these two were seen (OpenCPS replies
 * "00" "Thành công" and "99" "Các lỗi khác" [S5]); nothing finer (bad hash, unknown reference) is known.
 */
export const PAYGOV_CONFIRM_REPLY_CODES = Object.freeze({
  success: Object.freeze({ MaLoi: '00' as const, MoTaLoi: 'Thành công' }),
  otherError: Object.freeze({ MaLoi: '99' as const, MoTaLoi: 'Các lỗi khác' }),
});

/**
 * `TrangThaiGD` in a QUERY answer, as TD's admin UI reads it (quantri_client CheckGiaoDichThanhToan, [T]):
 * "1" paid, "3" "Payment Platform chưa biết trạng thái cuối của GD" (final state unknown), "4" failed.
 * Other values (e.g. "2") were not seen: they are read as needing review, never as unpaid.
 */
export const PAYGOV_TRANG_THAI_GD: Readonly<Record<string, string>> = Object.freeze({
  '1': 'paid',
  '3': 'final state not yet known to the platform',
  '4': 'failed',
});

/** INIT and the other request messages: fixed values [T6 InitDvcPaymentRequest]. */
export const PAYGOV_DEFAULTS = Object.freeze({
  PhienBan: '1.0.6',
  LoaiHinhThanhToan: 'PAY',
  MaKenhThanhToan: '1',
  MaThietBi: '1',
  NgonNgu: 'vi-VN',
  MaTienTe: 'VND',
  MaNganHang: 'PAYMENT',
  /** "2" = dossier fee; then MaDonVi, TenDonVi, MaHoSo are required (§8). */
  MaDichVu: '2',
});
