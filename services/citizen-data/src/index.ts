export { buildApp, type CitizenDataDeps } from './app.js';
export { citizenDataConfigSchema, type CitizenDataConfig } from './config.js';
export { createAuditLog, type AuditLog } from './audit/audit-log.js';
export { createAuditOutbox, auditEvent } from './audit/outbox-relay.js';
export { createChainVerifier, chainHash, GENESIS_HASH, type AuditRow } from './audit/chain.js';
export { createLicences, loadLicences, type Licences } from './licences.js';
export { createAgencyQuota } from './quota.js';
export { createSubjectHasher } from './subject-hash.js';
export { createRegistryClients } from './wiring.js';
