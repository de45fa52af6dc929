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

/** Every environment variable the gateway reads (conventions §3); the shared ones are declared once in platform. */
export const gatewayConfigSchema = {
  type: 'object',
  required: ['API_CLIENTS_FILE', 'DATABASE_URL'],
  properties: {
    ...listenConfigProperties('GATEWAY', 8080),
    ...kafkaConfigProperties,
    ...databaseConfigProperties,
    ...apiClientsConfigProperties,
    // HTTPS and client certificates of provincial systems from PEM files (issue 11 §5; unset = plain HTTP).
    ...tlsConfigProperties,
    ...logConfigProperties,
    GATEWAY_BODY_LIMIT_BYTES: {
      type: 'integer',
      default: 5 * 1024 * 1024,
      minimum: 1024,
      description: 'largest request body; 413 above',
    },
    GATEWAY_MAX_BATCH_ITEMS: {
      type: 'integer',
      default: 500,
      minimum: 1,
      maximum: 5000,
      description: 'most items in one request',
    },
    GATEWAY_RATE_LIMIT_PER_MINUTE: {
      type: 'integer',
      default: 1200,
      minimum: 1,
      description: 'requests per minute per client unless its entry says otherwise',
    },
    GATEWAY_SINGLE_ITEM_PUBLISH: {
      type: 'string',
      enum: ['idempotent', 'transaction'],
      default: 'idempotent',
      description:
        "how a 1-item request's event goes to Kafka: 'idempotent' (one idempotent produce request shared by concurrent 1-item requests, no transaction; a 503 then means the item may already be visible, and the client's resend is absorbed by consumers) or 'transaction' (as multi-item requests: a 503 means nothing is visible); docs/architecture.md decision 1",
    },
    GATEWAY_IDEMPOTENCY_TTL_HOURS: {
      type: 'integer',
      default: 24,
      minimum: 1,
      description: 'how long a request with an Idempotency-Key is remembered for replays',
    },
    GATEWAY_CONTENT_DEDUPE_SECONDS: {
      type: 'integer',
      default: 300,
      minimum: 0,
      maximum: 3600,
      description:
        'without Idempotency-Key, an identical request within this many seconds answers the first response instead of publishing again; 0 = off',
    },
    GATEWAY_CATALOGUE_URL: {
      type: 'string',
      pattern: '^https?://',
      description:
        'base URL of services/operations: dossiers are checked against the procedure catalogue (warnings); unset = not checked',
    },
    GATEWAY_CATALOGUE_API_KEY: {
      type: 'string',
      minLength: 16,
      secret: true,
      description: "the gateway's API key at operations (role viewer is enough)",
    },
    GATEWAY_CATALOGUE_TIMEOUT_MS: {
      type: 'integer',
      default: 300,
      minimum: 20,
      maximum: 5000,
      description: 'longest wait for the catalogue check; after it the request goes on with a "not checked" warning',
    },
  },
} as const satisfies ConfigSchema;

/** The validated, frozen configuration, typed from its schema. */
export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(gatewayConfigSchema, env);
