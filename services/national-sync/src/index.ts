/**
 * @lienthong/national-sync-service — dossier events → DVCQG. `buildApp` is the service; the rest is
 * exported for the replay CLI, the bench and tests. See docs/national-sync.md.
 */
export { buildApp, migrationsDir, type AppDeps, type AppConfig, type SyncApp, type SyncRuntime } from './app.js';
export { loadSyncConfig, syncConfigSchema, refuseSyncDemoSecrets, SANDBOX_DVCQG_PASSWORD, type SyncConfig } from './config.js';
export { nationalSyncService } from './service.js';
export { SyncError, SyncErrorCodes, type SyncErrorCode } from './errors.js';
export { compareVersions, versionOf, formatVersion, type Version } from './version.js';
export { readDossierStatus, type DossierStatus } from './routes/dossier-status.js';
export { createReplayer, type Replayer, type DeadLetterReplay, type DossierReplay } from './replay/replayer.js';
export { createLedgerIngest } from './ledger/ingest.js';
export { DOSSIER_UPSERTED, DOSSIER_PROGRESSED } from './consume/dossier-events.js';
export { PAYMENT_SETTLED, PAYMENT_SETTLED_SCHEMA_ID, feeSettlementOf, type FeeOverlay } from './fees/fee-settlement.js';
export { SYNC_OUTCOME_SCHEMA_ID, type SyncOutcomeKind, type OutcomeInput } from './outbox/outcomes.js';
export type { PortalClient } from './push/portal.js';
export { runReplayCli } from './replay/cli.js';
