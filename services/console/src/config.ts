import {
  apiClientsConfigProperties,
  databaseConfigProperties,
  kafkaConfigProperties,
  listenConfigProperties,
  loadConfig,
  logConfigProperties,
  tlsConfigProperties,
  type ConfigOf,
  type ConfigSchema,
} from '@lienthong/platform';

const url = (what: string, fallback?: string) =>
  ({
    type: 'string',
    pattern: '^https?://[^\\s]+$',
    ...(fallback ? { default: fallback } : {}),
    description: `base URL of ${what}${fallback ? '' : ' (unset: its pages say the service is not available)'}`,
  }) as const;

/** Every environment variable the console reads (conventions §3). */
export const consoleConfigSchema = {
  type: 'object',
  required: ['DATABASE_URL', 'API_CLIENTS_FILE', 'CONSOLE_SESSION_SECRET'],
  properties: {
    ...logConfigProperties,
    ...listenConfigProperties('CONSOLE', 8084),
    ...databaseConfigProperties,
    ...apiClientsConfigProperties,
    // HTTPS and (optionally) operators' client certificates from PEM files (issue 11 §5; unset = plain HTTP).
    ...tlsConfigProperties,
    ...kafkaConfigProperties,
    CONSOLE_SESSION_SECRET: {
      type: 'string',
      minLength: 32,
      secret: true,
      description: 'signs cookies and CSRF tokens, and (with each session id) seals the operator key kept for the session',
    },
    CONSOLE_COOKIE_SECURE: {
      type: 'boolean',
      default: true,
      description:
        'Secure flag on cookies (browsers accept it on http://127.0.0.1 and localhost); false only behind plain-HTTP proxies in a lab',
    },
    CONSOLE_SESSION_HOURS: {
      type: 'integer',
      default: 8,
      minimum: 1,
      maximum: 24,
      description: 'a session ends this long after sign-in',
    },
    CONSOLE_SESSION_IDLE_MINUTES: {
      type: 'integer',
      default: 30,
      minimum: 5,
      maximum: 480,
      description: 'a session ends after this long without a request',
    },
    CONSOLE_SCRAPE_INTERVAL_MS: {
      type: 'integer',
      default: 5_000,
      minimum: 500,
      maximum: 60_000,
      description: 'how often /metrics and /health/ready of each service are read',
    },
    CONSOLE_BACKEND_TIMEOUT_MS: {
      type: 'integer',
      default: 4_000,
      minimum: 100,
      maximum: 60_000,
      description: 'timeout of every call to a service',
    },
    CONSOLE_INDEX_GROUP_ID: {
      type: 'string',
      default: 'console-index',
      minLength: 1,
      description: "consumer group of the console's event index",
    },
    CONSOLE_INDEX_RETENTION_DAYS: {
      type: 'integer',
      default: 90,
      minimum: 1,
      maximum: 3650,
      description: 'how long the event index keeps a row (dead letters are kept; the topics keep 14–30 days)',
    },
    CONSOLE_INDEX_ENABLED: {
      type: 'boolean',
      default: true,
      description: 'consume the hub topics into the console index (off: pages read only the services)',
    },
    NATIONAL_SYNC_GROUP_ID: {
      type: 'string',
      default: 'national-sync',
      minLength: 1,
      description: "national-sync's consumer group: its dead letters are replayed through its replay API",
    },
    GATEWAY_URL: url('the gateway', 'http://127.0.0.1:8080'),
    NATIONAL_SYNC_URL: url('national-sync', 'http://127.0.0.1:8081'),
    PAYMENTS_URL: url('payments', 'http://127.0.0.1:8082'),
    CITIZEN_DATA_URL: url('citizen-data', 'http://127.0.0.1:8083'),
    OPERATIONS_URL: url('operations', 'http://127.0.0.1:8085'),
    NOTIFICATIONS_URL: url('notifications', 'http://127.0.0.1:8086'),
    POSTAL_URL: url('postal', 'http://127.0.0.1:8087'),
    INBOUND_URL: url('inbound', 'http://127.0.0.1:8088'),
    SANDBOX_URL: url('the sandbox peers (development and demo only)'),
  },
} as const satisfies ConfigSchema;

export type ConsoleConfig = ConfigOf<typeof consoleConfigSchema>;

export const loadConsoleConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(consoleConfigSchema, env);
