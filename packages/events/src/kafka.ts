import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import type { Logger } from '@lienthong/platform';

export interface CreateKafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
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
