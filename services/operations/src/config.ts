import {
  apiClientsConfigProperties,
  databaseConfigProperties,
  kafkaConfigProperties,
  listenConfigProperties,
  logConfigProperties,
  type ConfigOf,
  type ConfigSchema,
} from '@lienthong/platform';
import { eventSigningConfigProperties } from '@lienthong/events';

/** Every environment variable the operations service reads (conventions §3). */
export const operationsConfigSchema = {
  type: 'object',
  required: ['DATABASE_URL', 'API_CLIENTS_FILE'],
  properties: {
    ...logConfigProperties,
    ...databaseConfigProperties,
    ...apiClientsConfigProperties,
    ...kafkaConfigProperties,
    ...eventSigningConfigProperties,
    ...listenConfigProperties('OPERATIONS', 8085),
    OPERATIONS_GROUP_ID: {
      type: 'string',
      default: 'operations',
      pattern: '^[\\w.-]{1,200}$',
      description: 'consumer group of the read model',
    },
    OPERATIONS_CONSUMER_CONCURRENCY: {
      type: 'integer',
      default: 6,
      minimum: 1,
      maximum: 64,
      description: 'partitions applied to the read model in parallel (order is kept per partition, so per dossier)',
    },
    OPERATIONS_READ_SCHEMA: {
      type: 'string',
      default: 'ops_read',
      pattern: '^[a-z][a-z0-9_]{0,40}$',
      description: 'Postgres schema of the read model (a rebuild replays into a fresh one, docs/operations.md)',
    },
    OPERATIONS_CALENDAR_DIR: {
      type: 'string',
      default: '',
      description: 'folder of <year>.json calendar files; empty = the shipped services/operations/calendar',
    },
    OPERATIONS_AGENCY_OVERRIDES_FILE: {
      type: 'string',
      default: '',
      description:
        'agency registry overrides (parent, level, validity, successor); empty = the shipped data/agency-overrides.json',
    },
    OPERATIONS_DEADLINE_CRON: {
      type: 'string',
      default: '* * * * *',
      description: 'node-cron expression of the overdue / due-soon scan',
    },
    OPERATIONS_DUE_SOON_WORKING_HOURS: {
      type: 'integer',
      default: 8,
      minimum: 1,
      maximum: 400,
      description: 'due-soon when the deadline is within this many working hours',
    },
    OPERATIONS_JOBS_ENABLED: {
      type: 'boolean',
      default: true,
      description: 'run the cron jobs in this process (leader election still applies)',
    },
    OPERATIONS_OUTBOX_INTERVAL_MS: {
      type: 'integer',
      default: 1_000,
      minimum: 50,
      description: 'how often the outbox relay looks for unpublished events',
    },
    OPERATIONS_POPULATION_MACSDL: {
      type: 'string',
      default: '',
      description:
        'comma-separated DSKetNoiCSDL MaCSDL codes meaning the population database (indicator 4.5b); unknown nationally, so none by default [inf]',
    },
    OPERATIONS_GAUGE_AGENCIES: {
      type: 'string',
      default: '',
      description:
        'comma-separated agencies whose live-month indicators are exported as gauges; empty = every level-2 unit of the registry',
    },
    OPERATIONS_GAUGE_INTERVAL_MS: {
      type: 'integer',
      default: 60_000,
      minimum: 1_000,
      description: 'refresh of the indicator gauges',
    },
    DVCQG_BASE_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/dvcqg',
      description: 'DVCQG portal (the sandbox by default)',
    },
    DVCQG_USERNAME: { type: 'string', default: 'lienthong', description: 'DVCQG adapter login' },
    DVCQG_PASSWORD: {
      type: 'string',
      minLength: 1,
      secret: true,
      description: 'DVCQG adapter password; without it the catalogue sync and the monthly ratings do not run',
    },
    DVCQG_MADONVI: { type: 'string', default: '000.00.00.H22', description: "the province's unit code in every DVCQG envelope" },
    DVCQG_TIMEOUT_MS: {
      type: 'integer',
      default: 6_000,
      minimum: 100,
      maximum: 120_000,
      description: 'per-call timeout to DVCQG',
    },
    OPERATIONS_CATALOGUE_REFUSE_AGENCIES: {
      type: 'string',
      default: '',
      description:
        'comma-separated agencies (exact, *.H22 or *) whose unknown MaTTHC / unlisted fee findings are errors (refuse) rather than warnings',
    },
    OPERATIONS_CATALOGUE_CRON: {
      type: 'string',
      default: '30 2 * * *',
      description: 'nightly catalogue sync (LayDanhSachTTHC, LayThuTuc, LayDanhMucCoQuan)',
    },
    OPERATIONS_RATINGS_CRON: {
      type: 'string',
      default: '*/5 * * * *',
      description: 'monthly rating summaries: opens the previous month from the 1st on and retries unacknowledged ones',
    },
  },
} as const satisfies ConfigSchema;

export type OperationsConfig = ConfigOf<typeof operationsConfigSchema>;
