/**
 * @lienthong/paygov — the DVCQG payment platform ("PayGov"), protocol only (national-standard.md §8): INIT,
 * QUERY, GET_BILL messages, the SHA-256 `MaXacThuc` chain, confirm verification and reply, code tables.
 * Reconstructed from two integrations (OpenCPS [S5], TD [T6]); no public specification exists. Pure, no I/O.
 */
export * from './errors.js';
export * from './config.js';
export * from './amount.js';
export * from './gmt7-time.js';
export * from './codes.js';
export * from './ma-xac-thuc.js';
export * from './init.js';
export * from './query.js';
export * from './confirm.js';
export * from './signer.js';
export { hexSignatureEquals } from '@lienthong/protocol-kit';
export * from './query-client.js';
