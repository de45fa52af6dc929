/**
 * @lienthong/momo — MoMo All-In-One v2, one-time payment, protocol only (payments.md §2): create signing,
 * create-answer / IPN verification, query, the current resultCode table, amounts. Pure, no I/O.
 */
export * from './errors.js';
export * from './endpoints.js';
export * from './config.js';
export * from './request-types.js';
export * from './amount.js';
export * from './raw-signature.js';
export * from './result-codes.js';
export * from './create.js';
export * from './ipn.js';
export * from './query.js';
export * from './signer.js';
export * from './query-client.js';
export { hexSignatureEquals } from '@lienthong/protocol-kit';
export * from './refund.js';
