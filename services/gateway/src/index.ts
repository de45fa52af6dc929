export { buildApp, type GatewayDeps } from './app.js';
export { createIdempotencyStore, requestHash, type IdempotencyStore } from './idempotency-store.js';
export { gatewayConfigSchema, loadGatewayConfig, type GatewayConfig } from './config.js';
