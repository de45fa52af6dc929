/**
 * @lienthong/vnpay — VNPAY PAY API 2.1.0, protocol only (payments.md §1): pay URL signing, Return/IPN
 * verification, IPN replies, querydr, code tables, amounts and GMT+7 time. Pure; the only I/O is the
 * optional poster given to createVnpayQueryClient.
 */
export * from './errors.js';
export * from './endpoints.js';
export * from './config.js';
export * from './amount.js';
export * from './gmt7-time.js';
export * from './form-encode.js';
export * from './canonical.js';
export * from './order-info.js';
export * from './codes.js';
export * from './ipn-reply.js';
export * from './pay-url.js';
export * from './callback.js';
export * from './querydr.js';
export * from './query-client.js';
export * from './signer.js';
export { hexSignatureEquals } from '@lienthong/protocol-kit';
export * from './refund.js';
