/**
 * @lienthong/vietqr — bank transfers by VietQR (reference vnptpay-vietqr.md §3–§4): the EMVCo payload with
 * CRC-16/CCITT-FALSE, the PNG image, short payment codes and their matching, and the incoming-transfer
 * webhooks of payOS (HMAC-SHA256 over sorted data) and SePay (Apikey). Pure except the PNG renderer.
 */
export * from './crc16.js';
export * from './tlv.js';
export * from './payload.js';
export * from './payment-code.js';
export * from './png.js';
export * from './payos.js';
export * from './sepay.js';
export { hexSignatureEquals, secretEquals } from './hex.js';
