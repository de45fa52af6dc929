export * from './env.js';
export * from './kafka.js';
export * from './postgres.js';
export * from './logger.js';
export * from './dossiers.js';
export * from './log-scan.js';
export * from './openapi.js';
export * from './certificates.js';
