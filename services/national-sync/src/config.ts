import {
  apiClientsConfigProperties,
  databaseConfigProperties,
  kafkaConfigProperties,
  listenConfigProperties,
  loadConfig,
  logConfigProperties,
  type ConfigOf,
  type ConfigSchema,
} from '@lienthong/platform';
import { eventSigningConfigProperties } from '@lienthong/events';

/**
 * Every environment variable national-sync reads (conventions §3); the shared ones are declared once in
 * platform. Checked once at start; start fails listing every problem. Secrets (the database URL carries a
 * password, the portal password) have no defaults and are masked by describeConfig. The admin API is
 * behind the platform's auth plugin (API_CLIENTS_FILE, role operator) and the service binds 127.0.0.1
 * unless NATIONAL_SYNC_HOST says otherwise.
 */
export const syncConfigSchema = {
  type: 'object',
  required: ['DATABASE_URL', 'API_CLIENTS_FILE', 'DVCQG_USERNAME', 'DVCQG_PASSWORD', 'DVCQG_MADONVI'],
  properties: {
    ...listenConfigProperties('NATIONAL_SYNC', 8081),
    ...logConfigProperties,
    ...databaseConfigProperties,
    ...apiClientsConfigProperties,
    ...kafkaConfigProperties,
    NATIONAL_SYNC_GROUP_ID: { type: 'string', minLength: 1, default: 'national-sync', description: 'Kafka consumer group' },
    DVCQG_BASE_URL: {
      type: 'string',
      pattern: '^https?://',
      default: 'http://127.0.0.1:8090/dvcqg',
      description: 'portal (or LGSP) base URL',
    },
    DVCQG_USERNAME: { type: 'string', minLength: 1, description: 'portal login' },
    DVCQG_PASSWORD: { type: 'string', minLength: 1, secret: true, description: 'portal password' },
    DVCQG_MADONVI: { type: 'string', minLength: 1, description: "the province's unit code sent in every envelope" },
    DVCQG_TIMEOUT_MS: {
      type: 'integer',
      minimum: 100,
      maximum: 120000,
      default: 6000,
      description: 'timeout of one portal call (OpenCPS reads for 6 s)',
    },
    NATIONAL_SYNC_BATCH_SIZE: {
      type: 'integer',
      minimum: 1,
      maximum: 200,
      default: 20,
      description: 'dossiers per DongBoHoSoMC call',
    },
    // Decoupled from the portal batch (issue 16): 300 claims of 20 cost Postgres 2.5–3× the CPU of 100 claims of
    // 60 (per-statement work), and each claim and settlement is a commit. A cycle claims several portal batches
    // and sends them one after another, so as many calls are in flight as there are pushers, as before. In the
    // drain bench (20,000 dossiers) 60 halved the ledger's commits per dossier (0.133–0.138 → 0.070–0.079) and
    // cut Postgres CPU by a fifth, but the drain itself was not faster in interleaved pairs (it is bound by
    // ingest, docs/performance.md): the default stays 20, one claim per call; raise it where Postgres is short.
    NATIONAL_SYNC_CLAIM_SIZE: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 20,
      description:
        'dossiers one push cycle claims and settles, sent in DongBoHoSoMC calls of NATIONAL_SYNC_BATCH_SIZE, one at a time',
    },
    NATIONAL_SYNC_PROGRESS_BATCH: {
      type: 'integer',
      minimum: 1,
      maximum: 10,
      default: 10,
      description: 'steps per CapNhatTienDoHoSoMC call (the portal takes 10 at most)',
    },
    // 8 (was 4): issue 16's bench, once ingest no longer bounded the drain, 20/4 → 20/8 went 397 → 420–658 dossiers/s
    // on the shared 2-core box (50/8: 759–838; the portal's batch limit is unknown, so the batch stays 20).
    NATIONAL_SYNC_WORKERS: { type: 'integer', minimum: 1, maximum: 64, default: 8, description: 'push cycles run in parallel' },
    NATIONAL_SYNC_INGEST_CONCURRENCY: {
      type: 'integer',
      minimum: 1,
      maximum: 256,
      default: 16,
      description:
        'events of one partition recorded at once when their dossiers differ (order per dossier kept; 1 = one at a time)',
    },
    NATIONAL_SYNC_POLL_MS: {
      type: 'integer',
      minimum: 10,
      maximum: 60000,
      default: 500,
      description: 'how often idle workers look for due dossiers (they are also woken on ingest)',
    },
    NATIONAL_SYNC_RETRY_MIN_MS: {
      type: 'integer',
      minimum: 0,
      default: 1000,
      description: 'first retry delay of a dossier after a transient failure',
    },
    NATIONAL_SYNC_RETRY_MAX_MS: {
      type: 'integer',
      minimum: 0,
      default: 300000,
      description: 'longest retry delay (retries never stop)',
    },
    NATIONAL_SYNC_RETRY_JITTER: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description: 'share of each delay that is random',
    },
    NATIONAL_SYNC_BREAKER_THRESHOLD: {
      type: 'integer',
      minimum: 1,
      default: 5,
      description: 'consecutive transient portal failures that open the circuit',
    },
    NATIONAL_SYNC_BREAKER_OPEN_MS: {
      type: 'integer',
      minimum: 100,
      default: 5000,
      description: 'how long the circuit stays open before a trial call',
    },
    NATIONAL_SYNC_RECONCILE_CRON: {
      type: 'string',
      minLength: 1,
      default: '*/10 * * * *',
      description: 'node-cron schedule of the TraCuuHoSo reconciliation',
    },
    NATIONAL_SYNC_RECONCILE_WINDOW_MIN: {
      type: 'integer',
      minimum: 1,
      default: 1440,
      description: 'reconcile dossiers synced within this many minutes',
    },
    NATIONAL_SYNC_RECONCILE_LIMIT: {
      type: 'integer',
      minimum: 1,
      maximum: 100000,
      default: 500,
      description: 'most dossiers asked about per reconciliation run',
    },
    NATIONAL_SYNC_PAYMENTS: {
      type: 'boolean',
      default: true,
      description: 'also consume payment.events.v1 fee settlements (payments service)',
    },
    NATIONAL_SYNC_OUTBOUND: {
      type: 'boolean',
      default: true,
      description:
        'also consume national.outbound.v1: answers to citizens’ questions and promotion-dossier statuses from services/inbound',
    },
    NATIONAL_SYNC_OUTBOUND_MAX_ATTEMPTS: {
      type: 'integer',
      minimum: 1,
      maximum: 100000,
      default: 100,
      description:
        'consecutive transient failures after which an answer or status is dead-lettered (national.outbound.v1.dlq) for an operator',
    },
    // payments' record-signing keys: a fee settlement counts only with a valid signature (issue 17 §2).
    ...eventSigningConfigProperties,
  },
} as const satisfies ConfigSchema;

/** The validated, frozen configuration, typed from its schema. */
export type SyncConfig = ConfigOf<typeof syncConfigSchema>;

/** Reads and checks the environment; throws LT_CONFIG_INVALID listing every problem. */
export function loadSyncConfig(env: NodeJS.ProcessEnv = process.env): SyncConfig {
  return loadConfig(syncConfigSchema, env);
}

/** The sandbox portal password and the refusal of it in a live start: one check for every portal client. */
export { SANDBOX_DVCQG_PASSWORD, refuseDvcqgDemoSecrets as refuseSyncDemoSecrets } from '@lienthong/dvcqg';
