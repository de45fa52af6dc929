import { loadConfig, type ConfigOf, type ConfigSchema } from '@lienthong/platform';

/** Every environment variable the gateway reads (conventions §3). */
export const gatewayConfigSchema = {
  type: 'object',
  required: ['API_CLIENTS_FILE', 'DATABASE_URL'],
  properties: {
    GATEWAY_HOST: { type: 'string', default: '127.0.0.1', description: 'interface to listen on (0.0.0.0 in containers)' },
    GATEWAY_PORT: { type: 'integer', default: 8080, minimum: 0, maximum: 65535, description: 'HTTP port' },
    KAFKA_BROKERS: { type: 'string', default: '127.0.0.1:9092', description: 'comma-separated Kafka bootstrap servers' },
    KAFKA_TOPIC_NAMESPACE: { type: 'string', default: '', pattern: '^[a-zA-Z0-9._-]*$', description: 'prefix of every topic name (tests, shared clusters)' },
    DATABASE_URL: { type: 'string', minLength: 1, secret: true, description: 'Postgres URL (idempotency store)' },
    API_CLIENTS_FILE: { type: 'string', minLength: 1, description: 'path of the API clients JSON file' },
    GATEWAY_BODY_LIMIT_BYTES: { type: 'integer', default: 5 * 1024 * 1024, minimum: 1024, description: 'largest request body; 413 above' },
    GATEWAY_MAX_BATCH_ITEMS: { type: 'integer', default: 500, minimum: 1, maximum: 5000, description: 'most items in one request' },
    GATEWAY_RATE_LIMIT_PER_MINUTE: { type: 'integer', default: 1200, minimum: 1, description: 'requests per minute per client unless its entry says otherwise' },
    GATEWAY_IDEMPOTENCY_TTL_HOURS: { type: 'integer', default: 24, minimum: 1, description: 'how long a request is remembered for replays' },
    LOG_LEVEL: { type: 'string', default: 'info', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'pino level' },
  },
} as const satisfies ConfigSchema;

/** The validated, frozen configuration, typed from its schema. */
export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(gatewayConfigSchema, env);
