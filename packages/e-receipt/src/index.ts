export * from './amount-in-words.js';
export * from './xml.js';
export * from './types.js';
export * from './vnpt.js';
export * from './viettel.js';
export * from './providers.js';
export * from './paygov-bill.js';
