import type { Consumer, ConsumerRunConfig, Kafka, KafkaMessage } from 'kafkajs';
import {
  HubError,
  backoffDelay,
  errorMessage,
  type Logger,
  type RetryPolicy,
  Counter,
  Gauge,
  type Registry,
} from '@lienthong/platform';
import { decodeEvent, type CloudEvent } from './envelope.js';
import { dlqOf } from './topics.js';
import type { EventProducer } from './producer.js';
import { classifyFailure, describeFailure } from './failure-class.js';
import { headerNames as H, headerValue } from './headers.js';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: KafkaMessage['headers'];
  /** The record's value as it came off the wire (signature checks hash these bytes). */
  value: Buffer | null;
  /** 1 on first delivery; n after n-1 waits for the infrastructure on this record. */
  attempt: number;
  /** Set when the record is a replay of a dead letter: where it first was. */
  replayOf?: { partition: number; offset: string };
  log: Logger;
}

/** The backoff of a partition paused on an infrastructure failure. `maxAttempts` is ignored: it never gives up. */
export type ConsumerBackoff = Pick<RetryPolicy, 'minDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'> & { maxAttempts?: number };

export const defaultConsumerBackoff: ConsumerBackoff = Object.freeze({
  minDelayMs: 200,
  maxDelayMs: 15_000,
  factor: 2,
  jitter: 0.5,
});

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  logger: Logger;
  groupId: string;
  topics: string[];
  /** Where dead letters go (`<topic>.dlq`), and with what producer. */
  producer: EventProducer;
  /**
   * Handles one decoded event. What a failure does is decided by its cause (failure-class.ts): an
   * infrastructure failure (or any `retriable` error) pauses the partition and retries the same record
   * later, forever; any other failure dead-letters the record.
   */
  handle: (event: CloudEvent, ctx: MessageContext) => Promise<void>;
  /** Backoff of a paused partition (capped, jittered). A RetryPolicy is accepted; its maxAttempts is ignored. */
  retry?: ConsumerBackoff;
  /**
   * Asked before a paused partition resumes (e.g. `SELECT 1` on the pool): while it throws, the partition
   * stays paused and the backoff grows. Without it, the retry of the record itself is the probe.
   */
  probe?: () => Promise<void>;
  /** Partitions processed in parallel (order is kept within a partition, so per key). */
  partitionsConsumedConcurrently?: number;
  /**
   * Records of one partition handled at once, when their keys differ (default 1: one at a time). Order per key
   * holds: a wave of concurrent records stops at the first key already in it. Offsets are still resolved in
   * order, up to the first record that must wait; records after it that were already handled are handled again
   * when the partition resumes (as after a crash: handlers are idempotent). Issue 16: national-sync's ingest was
   * bound by one ledger round trip per record per partition; with waves, concurrent records share a statement.
   */
  keyConcurrency?: number;
  fromBeginning?: boolean;
  /** Resolved offsets are committed at least this often (ms) … */
  commitIntervalMs?: number;
  /** … or after this many resolved messages, whichever comes first. */
  commitThreshold?: number;
  metrics?: Registry;
  random?: () => number;
}

export interface ConsumerRunner {
  start(): Promise<void>;
  /** Stops fetching, lets the batch in hand finish and commits its offsets. */
  stop(): Promise<void>;
  /** True while the group has an assignment and the loop runs. */
  running(): boolean;
  /** Partitions paused because the infrastructure failed, with the failure (readiness, admin pages). */
  waiting(): { topic: string; partition: number; attempt: number; code: string; since: string }[];
  consumer: Consumer;
}

type Outcome = { kind: 'done' } | { kind: 'wait'; err: unknown };

/**
 * The hub's consumer loop (design.md, packages/events): an offset is committed only after its handler
 * succeeded or the message was dead-lettered, so a crash re-delivers and never skips (at-least-once;
 * handlers make their effects idempotent). Commits are grouped (see `commitIntervalMs`).
 *
 * Failures are told apart by cause (failure-class.ts, issue 17 §3):
 * - the record is wrong (not a CloudEvent, refused by the handler as invalid): it goes to `<topic>.dlq`
 *   with the reason in headers, and the partition moves on — one poisoned record never stalls the others;
 * - the infrastructure failed (Postgres restarting, Kafka timing out, any retriable error): nothing is
 *   dead-lettered, ever. The partition is paused (kafkajs `pause`, so its fetcher keeps serving the other
 *   partitions instead of waiting on a sleeping batch), the record stays unresolved, and after a capped,
 *   jittered backoff — and once `probe` answers — the partition resumes from that same record. Records
 *   behind it wait with it, so order per key holds.
 */
export function createConsumerRunner(opts: ConsumerRunnerOptions): ConsumerRunner {
  const log = opts.logger.child({ component: 'consumer', groupId: opts.groupId });
  const keyConcurrency = Math.max(1, opts.keyConcurrency ?? 1);
  const backoff = { maxAttempts: Number.MAX_SAFE_INTEGER, ...defaultConsumerBackoff, ...(opts.retry ?? {}) };
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
  /** What `start` passed to kafkajs's `run`, kept to run the consumer again after a crash. */
  let runConfig: ConsumerRunConfig | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  /** Partitions paused on an infrastructure failure, by `topic|partition`. */
  const waits = new Map<
    string,
    { topic: string; partition: number; attempt: number; code: string; since: Date; timer?: NodeJS.Timeout }
  >();

  const handled = opts.metrics
    ? new Counter({
        name: 'consumer_messages_total',
        help: 'messages handled, by outcome',
        labelNames: ['topic', 'outcome'],
        registers: [opts.metrics],
      })
    : undefined;
  const lagGauge = opts.metrics
    ? new Gauge({
        name: 'consumer_lag_messages',
        help: 'messages behind the partition end, at the last batch',
        labelNames: ['topic', 'partition'],
        registers: [opts.metrics],
      })
    : undefined;
  const restarts = opts.metrics
    ? new Counter({
        name: 'consumer_restarts_total',
        help: 'times the runner ran its consumer again after kafkajs gave up on it (a non-retriable crash)',
        registers: [opts.metrics],
      })
    : undefined;
  const pausedGauge = opts.metrics
    ? new Gauge({
        name: 'consumer_paused_partitions',
        help: 'partitions paused until a dependency (Postgres, Kafka) answers again',
        labelNames: ['topic'],
        registers: [opts.metrics],
      })
    : undefined;
  const refreshPaused = () => {
    if (!pausedGauge) return;
    pausedGauge.reset();
    for (const w of waits.values()) pausedGauge.inc({ topic: w.topic });
  };

  async function deadLetter(topic: string, m: KafkaMessage, partition: number, err: unknown, attempts: number) {
    const code = err instanceof HubError ? err.code : describeFailure(err).code;
    await opts.producer.publishRecords(dlqOf(topic), [
      {
        key: m.key ? m.key.toString() : null,
        value: m.value,
        headers: {
          ...(m.headers ?? {}),
          [H.dlqOriginalTopic]: topic,
          [H.dlqOriginalPartition]: String(partition),
          [H.dlqOriginalOffset]: m.offset,
          [H.dlqErrorCode]: code,
          [H.dlqReason]: errorMessage(err).slice(0, 2_000),
          [H.dlqAttempts]: String(attempts),
          [H.dlqTime]: new Date().toISOString(),
          [H.dlqGroup]: opts.groupId,
        },
      },
    ]);
    handled?.inc({ topic, outcome: 'dead_lettered' });
    log.warn({ topic, partition, offset: m.offset, code, attempts }, 'message dead-lettered');
  }

  /** Dead-letters, unless writing the dead letter itself fails on the infrastructure: then wait. */
  async function deadLetterOrWait(
    topic: string,
    m: KafkaMessage,
    partition: number,
    err: unknown,
    attempts: number,
  ): Promise<Outcome> {
    try {
      await deadLetter(topic, m, partition, err, attempts);
      return { kind: 'done' };
    } catch (dlqErr) {
      return { kind: 'wait', err: dlqErr };
    }
  }

  async function processOne(topic: string, partition: number, m: KafkaMessage, attempt: number): Promise<Outcome> {
    const key = m.key ? m.key.toString() : null;
    // A replayed dead letter is for the group that refused it; the other groups handled it the first time.
    const replayGroup = headerValue(m.headers, H.replayGroup);
    if (replayGroup !== undefined && replayGroup !== opts.groupId) {
      handled?.inc({ topic, outcome: 'replay_skipped' });
      return { kind: 'done' };
    }
    let event: CloudEvent;
    try {
      event = decodeEvent(m.value);
    } catch (err) {
      return deadLetterOrWait(topic, m, partition, err, 0);
    }
    const originalOffset = replayGroup !== undefined ? headerValue(m.headers, H.replayOriginalOffset) : undefined;
    const replayOf =
      originalOffset !== undefined && /^\d+$/.test(originalOffset)
        ? { partition: Number(headerValue(m.headers, H.replayOriginalPartition) ?? partition), offset: originalOffset }
        : undefined;
    try {
      await opts.handle(event, {
        topic,
        partition,
        offset: m.offset,
        key,
        headers: m.headers,
        value: m.value,
        attempt,
        ...(replayOf ? { replayOf } : {}),
        log: log.child({ topic, partition, offset: m.offset, eventId: event.id }),
      });
      handled?.inc({ topic, outcome: 'ok' });
      return { kind: 'done' };
    } catch (err) {
      if (classifyFailure(err) === 'wait') return { kind: 'wait', err };
      return deadLetterOrWait(topic, m, partition, err, attempt);
    }
  }

  /**
   * Pauses the partition and schedules its resumption after the backoff (and the probe). The record that
   * failed stays unresolved, so the resumed fetch starts from it.
   */
  function waitOn(topic: string, partition: number, offset: string, err: unknown, pause: () => () => void): void {
    const id = `${topic}|${partition}`;
    const prev = waits.get(id);
    const attempt = (prev?.attempt ?? 0) + 1;
    const { code, message } = describeFailure(err);
    const w = {
      topic,
      partition,
      attempt,
      code,
      since: prev?.since ?? new Date(),
      timer: undefined as NodeJS.Timeout | undefined,
    };
    waits.set(id, w);
    refreshPaused();
    handled?.inc({ topic, outcome: 'waited' });
    const resume = pause();
    const schedule = (n: number) => {
      const delayMs = backoffDelay({ ...backoff, maxAttempts: Number.MAX_SAFE_INTEGER }, n, opts.random);
      const line = {
        topic,
        partition,
        offset,
        attempt: n,
        delayMs,
        code,
        err: message,
        waitingSinceMs: Date.now() - w.since.getTime(),
      };
      // Loud on the first failure and then about every minute of backoff; debug in between.
      if (n === 1 || n % 5 === 0) log.warn(line, 'dependency unavailable; partition paused, nothing dead-lettered');
      else log.debug(line, 'dependency still unavailable; partition stays paused');
      w.timer = setTimeout(() => {
        w.timer = undefined;
        if (stopping) return;
        void (async () => {
          if (opts.probe) {
            try {
              await opts.probe();
            } catch {
              w.attempt = n + 1;
              schedule(n + 1);
              return;
            }
          }
          resume();
        })();
      }, delayMs);
      w.timer.unref?.();
    };
    schedule(attempt);
  }

  /** Drops every paused partition's wait and timer (on stop, and when a crash ends the group assignment). */
  function forgetWaits(): void {
    for (const w of waits.values()) if (w.timer) clearTimeout(w.timer);
    waits.clear();
    refreshPaused();
  }

  /** 1 s, doubling to 30 s, no jitter: how soon a crashed consumer is run again. */
  const restartBackoff: RetryPolicy = {
    maxAttempts: Number.MAX_SAFE_INTEGER,
    minDelayMs: 1_000,
    maxDelayMs: 30_000,
    factor: 2,
    jitter: 0,
  };

  /**
   * Runs the crashed consumer again (kafkajs has disconnected it; its subscriptions are kept): connect and
   * run, retried with capped backoff until it works or the runner stops. Paused partitions are forgotten —
   * the group assigns partitions afresh and their records are fetched again from the committed offsets.
   */
  function scheduleRestart(attempt: number): void {
    if (restartTimer) return;
    forgetWaits();
    const delayMs = backoffDelay(restartBackoff, attempt);
    restarts?.inc();
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      void (async () => {
        try {
          await consumer.connect();
          await consumer.run(runConfig!);
          log.warn({ attempt }, 'consumer running again after a crash');
        } catch (err) {
          log.error({ err: describeFailure(err), attempt }, 'consumer restart failed; trying again');
          await consumer.disconnect().catch(() => {});
          scheduleRestart(attempt + 1);
        }
      })();
    }, delayMs);
    restartTimer.unref?.();
  }

  return {
    consumer,
    running: () => isRunning,
    waiting: () =>
      [...waits.values()].map((w) => ({
        topic: w.topic,
        partition: w.partition,
        attempt: w.attempt,
        code: w.code,
        since: w.since.toISOString(),
      })),
    async start() {
      stopping = false;
      await consumer.connect();
      await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
      runConfig = {
        // Offsets are resolved one by one, only after their message succeeded or was dead-lettered, and
        // kafkajs commits the resolved ones every 500 ms or 100 messages and at the end of each batch.
        // Committing after every message capped a consumer at ~140 messages/s on one broker; this way a
        // crash re-delivers at most the last half-second of work, which handlers absorb (idempotent).
        autoCommit: true,
        autoCommitInterval: opts.commitIntervalMs ?? 500,
        autoCommitThreshold: opts.commitThreshold ?? 100,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning: alive, isStale, pause }) => {
          const id = `${batch.topic}|${batch.partition}`;
          const messages = batch.messages;
          let i = 0;
          waves: while (i < messages.length) {
            if (!alive() || isStale() || stopping) break;
            const attempt = (waits.get(id)?.attempt ?? 0) + 1;
            // A wave: the next records with distinct keys (one record when keyConcurrency is 1).
            const wave = [messages[i]!];
            const keys = new Set([messages[i]!.key?.toString()]);
            while (wave.length < keyConcurrency && i + wave.length < messages.length) {
              const k = messages[i + wave.length]!.key?.toString();
              if (k === undefined || keys.has(k)) break;
              keys.add(k);
              wave.push(messages[i + wave.length]!);
            }
            const outcomes = await Promise.all(wave.map((m) => processOne(batch.topic, batch.partition, m, attempt)));
            for (const [n, outcome] of outcomes.entries()) {
              const m = wave[n]!;
              if (outcome.kind === 'wait') {
                if (!stopping) waitOn(batch.topic, batch.partition, m.offset, outcome.err, pause);
                break waves; // leave it unresolved: the resumed fetch (or the next owner) starts from it
              }
              if (waits.delete(id)) {
                refreshPaused();
                log.warn(
                  { topic: batch.topic, partition: batch.partition, offset: m.offset, attempts: attempt },
                  'dependency back; partition resumed',
                );
              }
              resolveOffset(m.offset);
            }
            i += wave.length;
            await commitOffsetsIfNecessary();
            await heartbeat();
          }
          lagGauge?.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLagLow()));
        },
      };
      consumer.on(consumer.events.CRASH, (e) => {
        isRunning = false;
        log.error({ err: describeFailure(e.payload.error), restart: e.payload.restart }, 'consumer crashed');
        // kafkajs restarts a consumer only after a retriable error. After any other one (a broker that
        // refuses SASL while it is still loading the credentials after a restart, a protocol error) it
        // disconnects and stays down while the process lives: nothing would be consumed again until an
        // operator restarts the service. The runner brings it back itself, with capped backoff.
        if (!e.payload.restart && !stopping) scheduleRestart(1);
      });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        isRunning = true;
      });
      await consumer.run(runConfig);
    },
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = undefined;
      forgetWaits();
      await consumer.disconnect();
      isRunning = false;
    },
  };
}
