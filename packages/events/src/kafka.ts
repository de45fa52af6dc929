import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { HubError, type Logger } from '@lienthong/platform';

export interface CreateKafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** TLS: `true` (system CAs) or Node TLS options (ca, cert, key). */
  ssl?: boolean | ConnectionOptions;
  /** SASL authentication (SCRAM-SHA-512/256, PLAIN). */
  sasl?: SASLOptions;
  /** Per-request timeout; with `retries` it bounds how long a publish can hang when the broker is gone. */
  requestTimeoutMs?: number;
  retries?: number;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client logging through pino, with bounded timeouts and retries (no call may hang forever). */
export function createKafka(opts: CreateKafkaOptions): Kafka {
  const log = opts.logger.child({ component: 'kafkajs' });
  const config: KafkaConfig = {
    clientId: opts.clientId,
    brokers: opts.brokers,
    ...(opts.ssl ? { ssl: opts.ssl } : {}),
    ...(opts.sasl ? { sasl: opts.sasl } : {}),
    connectionTimeout: 3_000,
    requestTimeout: opts.requestTimeoutMs ?? 10_000,
    retry: { retries: opts.retries ?? 4, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, timestamp: _t, logger: _l, ...rest } = entry;
        // Routine conditions kafkajs logs as errors and then retries: group-coordinator churn while a group
        // forms, and CONCURRENT_TRANSACTIONS right after a commit (the coordinator is still writing its
        // markers). Operators' error level must mean something; a give-up still surfaces as an error.
        const text = `${String(message)} ${String((rest as { error?: unknown }).error ?? '')}`;
        const routine = /coordinator is not available|rebalanc|another concurrent operation on the same transaction/i.test(text);
        const lvl = routine ? 'debug' : (levels[level] ?? 'info');
        log[lvl]({ kafka: rest }, String(message));
      },
  };
  return new Kafka(config);
}

/** The Kafka settings of a service's config (platform kafkaConfigProperties). */
export interface KafkaConnectionConfig {
  KAFKA_BROKERS: string;
  KAFKA_SSL?: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SSL_CERT_FILE?: string;
  KAFKA_SSL_KEY_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

function configError(message: string): HubError {
  return new HubError('LT_CONFIG_INVALID', message, { kind: 'invalid', messageVi: `cấu hình Kafka không hợp lệ: ${message}` });
}

/**
 * Brokers, TLS and SASL for createKafka from a service's config (issue 17 §2): `createKafka({
 * ...kafkaConnectionFromConfig(config), clientId, logger })`. Refuses, naming the settings, what would be
 * half-configured or would send a password in clear: SASL without both user and password, mutual TLS with
 * only a certificate or only a key, and PLAIN without TLS. The PEM files are read once, here.
 */
export function kafkaConnectionFromConfig(
  config: KafkaConnectionConfig,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Pick<CreateKafkaOptions, 'brokers' | 'ssl' | 'sasl'> {
  const brokers = config.KAFKA_BROKERS.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw configError('KAFKA_BROKERS lists no broker');
  const tls = config.KAFKA_SSL === true || config.KAFKA_SSL_CA_FILE !== undefined || config.KAFKA_SSL_CERT_FILE !== undefined;
  if ((config.KAFKA_SSL_CERT_FILE === undefined) !== (config.KAFKA_SSL_KEY_FILE === undefined)) {
    throw configError('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS)');
  }
  const read = (setting: string, path: string) => {
    try {
      return readFile(path);
    } catch (err) {
      throw configError(`${setting}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  let ssl: CreateKafkaOptions['ssl'];
  if (tls) {
    const o: ConnectionOptions = { rejectUnauthorized: true };
    if (config.KAFKA_SSL_CA_FILE !== undefined) o.ca = [read('KAFKA_SSL_CA_FILE', config.KAFKA_SSL_CA_FILE)];
    if (config.KAFKA_SSL_CERT_FILE !== undefined && config.KAFKA_SSL_KEY_FILE !== undefined) {
      o.cert = read('KAFKA_SSL_CERT_FILE', config.KAFKA_SSL_CERT_FILE);
      o.key = read('KAFKA_SSL_KEY_FILE', config.KAFKA_SSL_KEY_FILE);
    }
    ssl = o;
  }
  let sasl: SASLOptions | undefined;
  const mechanism = config.KAFKA_SASL_MECHANISM;
  if (mechanism !== undefined || config.KAFKA_SASL_USERNAME !== undefined || config.KAFKA_SASL_PASSWORD !== undefined) {
    if (mechanism === undefined) throw configError('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD given without KAFKA_SASL_MECHANISM');
    const username = config.KAFKA_SASL_USERNAME;
    const password = config.KAFKA_SASL_PASSWORD;
    if (!username || !password)
      throw configError(`KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    if (mechanism === 'plain' && !tls)
      throw configError('KAFKA_SASL_MECHANISM=plain sends the password in clear: set KAFKA_SSL=true');
    sasl = { mechanism, username, password };
  }
  return { brokers, ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}
