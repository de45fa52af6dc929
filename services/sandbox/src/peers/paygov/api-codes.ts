/**
 * Error codes of the simulated platform's API. **Invented**: neither source shows the platform's error
 * codes — TD only tests `error_code == "0"` for INIT and `MaLoi == "00"` elsewhere [T6] — so the sandbox
 * uses these distinct values to let tests tell the cases apart. A hub must treat any non-success as a refusal.
 */
export const PAYGOV_SANDBOX_INIT_ERRORS = Object.freeze({
  badMessage: { error_code: '1', message: 'Bản tin không hợp lệ' },
  unknownPartner: { error_code: '2', message: 'Đối tác không tồn tại' },
  badHash: { error_code: '3', message: 'Mã xác thực không chính xác' },
  duplicateReference: { error_code: '4', message: 'Mã tham chiếu đã tồn tại' },
  other: { error_code: '99', message: 'Lỗi hệ thống' },
});

/** QUERY / GET_BILL refusals (MaLoi), equally invented. "01" (not found) is signed; the others cannot always be. */
export const PAYGOV_SANDBOX_QUERY_ERRORS = Object.freeze({
  notFound: { MaLoi: '01', MoTaLoi: 'Không tìm thấy giao dịch' },
  badHash: { MaLoi: '02', MoTaLoi: 'Mã xác thực không chính xác' },
  badMessage: { MaLoi: '03', MoTaLoi: 'Bản tin không hợp lệ' },
  other: { MaLoi: '99', MoTaLoi: 'Các lỗi khác' },
});
