import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import {
  HubError,
  backoffDelay,
  errorMessage,
  isRetriable,
  type Logger,
  type RetryPolicy,
  Counter,
  Gauge,
  type Registry,
} from '@lienthong/platform';
import { decodeEvent, type CloudEvent } from './envelope.js';
import { dlqOf } from './topics.js';
import type { EventProducer } from './producer.js';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: KafkaMessage['headers'];
  attempt: number;
  log: Logger;
}

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  logger: Logger;
  groupId: string;
  topics: string[];
  /** Where dead letters go (`<topic>.dlq`), and with what producer. */
  producer: EventProducer;
  /** Handles one decoded event. Throw a retriable error to retry, any other to dead-letter. */
  handle: (event: CloudEvent, ctx: MessageContext) => Promise<void>;
  /** How a retriable failure is retried before the message is dead-lettered. */
  retry: RetryPolicy;
  /** Partitions processed in parallel (order is kept within a partition, so per key). */
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
  /** Resolved offsets are committed at least this often (ms) … */
  commitIntervalMs?: number;
  /** … or after this many resolved messages, whichever comes first. */
  commitThreshold?: number;
  metrics?: Registry;
  sleep?: (ms: number) => Promise<void>;
}

export interface ConsumerRunner {
  start(): Promise<void>;
  /** Stops fetching, lets the batch in hand finish and commits its offsets. */
  stop(): Promise<void>;
  /** True while the group has an assignment and the loop runs. */
  running(): boolean;
  /** Highest committed lag seen per partition (for readiness and metrics). */
  consumer: Consumer;
}

/**
 * The hub's consumer loop (design.md, packages/events): an offset is committed only after its handler
 * succeeded or the message was dead-lettered, so a crash re-delivers and never skips (at-least-once;
 * handlers make their effects idempotent). Commits are grouped (see `commitIntervalMs`). A message that cannot be decoded, or whose handler fails
 * permanently or keeps failing past the retry policy, goes to `<topic>.dlq` with the reason in headers,
 * and the partition moves on: one poisoned record never stalls the others.
 */
export function createConsumerRunner(opts: ConsumerRunnerOptions): ConsumerRunner {
  const log = opts.logger.child({ component: 'consumer', groupId: opts.groupId });
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const consumer = opts.kafka.consumer({
    groupId: opts.groupId,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 1_000,
    readUncommitted: false, // only committed transactions: an aborted gateway request is never seen
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  let isRunning = false;
  let stopping = false;

  const handled = opts.metrics
    ? new Counter({ name: 'consumer_messages_total', help: 'messages handled, by outcome', labelNames: ['topic', 'outcome'], registers: [opts.metrics] })
    : undefined;
  const lagGauge = opts.metrics
    ? new Gauge({ name: 'consumer_lag_messages', help: 'messages behind the partition end, at the last batch', labelNames: ['topic', 'partition'], registers: [opts.metrics] })
    : undefined;

  async function deadLetter(topic: string, m: KafkaMessage, partition: number, err: unknown, attempts: number) {
    const code = err instanceof HubError ? err.code : 'LT_HANDLER_FAILED';
    await opts.producer.publishRecords(dlqOf(topic), [
      {
        key: m.key ? m.key.toString() : null,
        value: m.value,
        headers: {
          ...(m.headers ?? {}),
          'dlq-original-topic': topic,
          'dlq-original-partition': String(partition),
          'dlq-original-offset': m.offset,
          'dlq-error-code': code,
          'dlq-reason': errorMessage(err).slice(0, 2_000),
          'dlq-attempts': String(attempts),
          'dlq-time': new Date().toISOString(),
          'dlq-group': opts.groupId,
        },
      },
    ]);
    handled?.inc({ topic, outcome: 'dead_lettered' });
    log.warn({ topic, partition, offset: m.offset, code, attempts }, 'message dead-lettered');
  }

  async function processOne(topic: string, partition: number, m: KafkaMessage, heartbeat: () => Promise<void>) {
    const key = m.key ? m.key.toString() : null;
    let event: CloudEvent;
    try {
      event = decodeEvent(m.value);
    } catch (err) {
      await deadLetter(topic, m, partition, err, 0);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.handle(event, {
          topic,
          partition,
          offset: m.offset,
          key,
          headers: m.headers,
          attempt,
          log: log.child({ topic, partition, offset: m.offset, eventId: event.id }),
        });
        handled?.inc({ topic, outcome: 'ok' });
        return;
      } catch (err) {
        if (!isRetriable(err) || attempt >= opts.retry.maxAttempts || stopping) {
          if (stopping && isRetriable(err)) throw err; // leave it uncommitted; the next owner retries it
          await deadLetter(topic, m, partition, err, attempt);
          return;
        }
        const delayMs = backoffDelay(opts.retry, attempt);
        handled?.inc({ topic, outcome: 'retried' });
        log.warn({ topic, partition, offset: m.offset, attempt, delayMs, err: errorMessage(err) }, 'handler failed; retrying');
        // Sleep in slices so the group keeps our assignment while we wait.
        for (let waited = 0; waited < delayMs && !stopping; waited += 1_000) {
          await sleep(Math.min(1_000, delayMs - waited));
          await heartbeat();
        }
      }
    }
  }

  return {
    consumer,
    running: () => isRunning,
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
      consumer.on(consumer.events.CRASH, (e) => {
        isRunning = false;
        log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        isRunning = true;
      });
      await consumer.run({
        // Offsets are resolved one by one, only after their message succeeded or was dead-lettered, and
        // kafkajs commits the resolved ones every 500 ms or 100 messages and at the end of each batch.
        // Committing after every message capped a consumer at ~140 messages/s on one broker; this way a
        // crash re-delivers at most the last half-second of work, which handlers absorb (idempotent).
        autoCommit: true,
        autoCommitInterval: opts.commitIntervalMs ?? 500,
        autoCommitThreshold: opts.commitThreshold ?? 100,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning: alive, isStale }) => {
          for (const m of batch.messages) {
            if (!alive() || isStale()) break;
            await processOne(batch.topic, batch.partition, m, heartbeat);
            resolveOffset(m.offset);
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
          lagGauge?.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLagLow()));
        },
      });
    },
    async stop() {
      stopping = true;
      await consumer.disconnect();
      isRunning = false;
    },
  };
}
