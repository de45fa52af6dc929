import type { ConfigProperty } from '../config.js';

/**
 * Config declarations every service shares, written once (conventions §12). A service spreads the ones it
 * uses into its schema's `properties` and lists the required ones in `required`.
 */
export const logConfigProperties = {
  LOG_LEVEL: {
    type: 'string',
    default: 'info',
    enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    description: 'pino level',
  },
} as const satisfies Record<string, ConfigProperty>;

export const databaseConfigProperties = {
  DATABASE_URL: { type: 'string', minLength: 1, secret: true, description: 'Postgres URL (carries a password: secret)' },
} as const satisfies Record<string, ConfigProperty>;

export const apiClientsConfigProperties = {
  API_CLIENTS_FILE: {
    type: 'string',
    minLength: 1,
    description: 'path of the API clients JSON file (keys hashed, agencies, roles); reloaded on change and on SIGHUP',
  },
} as const satisfies Record<string, ConfigProperty>;

export const kafkaConfigProperties = {
  KAFKA_BROKERS: {
    type: 'string',
    minLength: 1,
    default: '127.0.0.1:9092',
    description: 'comma-separated Kafka bootstrap servers',
  },
  KAFKA_TOPIC_NAMESPACE: {
    type: 'string',
    default: '',
    pattern: '^[a-zA-Z0-9._-]*$',
    description: 'prefix of every topic name (tests, shared clusters)',
  },
  // Transport security (issue 17 §2), read by kafkaConnectionFromConfig in packages/events (kafka.ts).
  KAFKA_SSL: {
    type: 'boolean',
    default: false,
    description: 'TLS to the brokers (certificates checked against the system CAs or KAFKA_SSL_CA_FILE)',
  },
  KAFKA_SSL_CA_FILE: {
    type: 'string',
    minLength: 1,
    description: "PEM file of the CA(s) that signed the brokers' certificates (implies KAFKA_SSL)",
  },
  KAFKA_SSL_CERT_FILE: {
    type: 'string',
    minLength: 1,
    description: 'PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE)',
  },
  KAFKA_SSL_KEY_FILE: { type: 'string', minLength: 1, description: 'PEM private key of KAFKA_SSL_CERT_FILE' },
  KAFKA_SASL_MECHANISM: {
    type: 'string',
    enum: ['scram-sha-512', 'scram-sha-256', 'plain'],
    description: 'SASL authentication (scram-sha-512 recommended; plain only over TLS)',
  },
  KAFKA_SASL_USERNAME: { type: 'string', minLength: 1, description: 'SASL user' },
  KAFKA_SASL_PASSWORD: { type: 'string', minLength: 1, secret: true, description: 'SASL password' },
} as const satisfies Record<string, ConfigProperty>;

type ListenProperties<P extends string> = {
  readonly [K in `${P}_HOST`]: { readonly type: 'string'; readonly default: string; readonly description: string };
} & {
  readonly [K in `${P}_PORT`]: {
    readonly type: 'integer';
    readonly default: number;
    readonly minimum: 0;
    readonly maximum: 65535;
    readonly description: string;
  };
};

/**
 * `<PREFIX>_HOST` (default 127.0.0.1: a service is never open to the network unless configured, design.md
 * Access) and `<PREFIX>_PORT` with the service's default port from design.md.
 */
export function listenConfigProperties<P extends string>(prefix: P, defaultPort: number): ListenProperties<P> {
  return {
    [`${prefix}_HOST`]: {
      type: 'string',
      default: '127.0.0.1',
      description: 'interface to listen on (127.0.0.1 unless configured; 0.0.0.0 in containers)',
    },
    [`${prefix}_PORT`]: { type: 'integer', default: defaultPort, minimum: 0, maximum: 65535, description: 'HTTP port' },
  } as ListenProperties<P>;
}
