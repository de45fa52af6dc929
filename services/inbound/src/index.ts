export { buildApp, inboundEventTypes, type InboundDeps, type InboundService } from './app.js';
export { inboundService } from './service.js';
export { inboundConfigSchema, type InboundConfig } from './config.js';
export { inboundKinds, refKeyOf, type InboundKind } from './receive.js';
