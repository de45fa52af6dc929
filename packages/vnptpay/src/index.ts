/**
 * @lienthong/vnptpay — the VNPT Pay (VNPT Money) merchant gateway protocol (reference vnptpay-vietqr.md §1):
 * INIT v1.0.5, QUERY, the IPN in both transports and its signed reply. SHA-256 `SECURE_CODE` over
 * pipe-joined values with the secret last. Pure: no clock, no I/O.
 */
export * from './errors.js';
export * from './codes.js';
export * from './secure-code.js';
export * from './messages.js';
