/**
 * @lienthong/protocol-kit — what the payment protocol packages (vnpay, momo, paygov) share, kept in one
 * place so a fix reaches all three while they stay free of dependencies on each other: GMT+7 stamps, XML text,
 * constant-time hex signature comparison, URL and secret checks. Pure, no I/O, no dependencies.
 */
export * from './gmt7-stamp.js';
export * from './hex-signature.js';
export * from './config-checks.js';
export * from './xml-text.js';
