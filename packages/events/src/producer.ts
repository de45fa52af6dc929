import type { Kafka, Producer, Message, IHeaders } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { HubError, type Logger, Counter, Histogram, type Registry } from '@lienthong/platform';
import { encodeEvent, type CloudEvent } from './envelope.js';
import { CLOUDEVENTS_CONTENT_TYPE, headerNames, headerValue } from './headers.js';
import { signRecordValue, type SigningKey } from './signature.js';

export interface EventProducerOptions {
  kafka: Kafka;
  logger: Logger;
  /** Prefix of the transactional id; the instance adds a unique suffix. */
  transactionalIdPrefix: string;
  /** How long a publish waits for others to share its transaction. */
  lingerMs?: number;
  /** Most messages in one transaction. */
  maxBatchMessages?: number;
  /**
   * Transactions in flight at once, each on its own transactional producer (default 2). A request that
   * arrives while one transaction commits goes into the next free lane instead of waiting for it.
   */
  lanes?: number;
  metrics?: Registry;
  /**
   * Signs every record published with `publish` (header `lt-signature`, signature.ts) with the first key.
   * payments sets it for payment.events.v1, whose consumers accept settlements only when signed.
   */
  signingKeys?: readonly SigningKey[];
  /**
   * How a publish of exactly one record goes to Kafka (default `transaction`, like every other publish).
   * `idempotent`: through one idempotent producer without a transaction, grouped with the other single
   * records queued meanwhile into one produce request. One record is atomic by itself, so nothing can be
   * half-visible; what changes is the failure: a send kafkajs gave up on may still have been written (its
   * answer lost), so the rejection says the record may be visible, and a resend of it is a duplicate that
   * consumers absorb (never-regress versions, idempotent effects). Issue 16 measured it for the gateway's
   * 1-item requests: ~1.5× the requests/s and a third of the latency (docs/performance.md).
   */
  singleRecords?: 'transaction' | 'idempotent';
}

export interface RawRecord {
  key: string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export interface EventProducer {
  connect(): Promise<void>;
  /**
   * Publishes the events to `topic`, key = subject. Resolves only after Kafka committed them (acks=all,
   * idempotent, in a transaction); rejects with LT_KAFKA_UNAVAILABLE (retriable) otherwise, in which case
   * none of them is visible to read_committed consumers — a request is all-or-nothing. With `singleRecords:
   * 'idempotent'`, one event goes without a transaction: a rejection then means it may or may not be visible.
   */
  publish(topic: string, events: CloudEvent[]): Promise<void>;
  /** Same guarantees for raw records (dead letters, replays). */
  publishRecords(topic: string, records: RawRecord[]): Promise<void>;
  /** True once connected and while the last transaction (or single-record send) did not fail. */
  healthy(): boolean;
  disconnect(): Promise<void>;
}

/**
 * Raw records keep their headers (a dead letter or a replay carries the original ones, signature included);
 * a record whose value is a structured-mode CloudEvent (as encodeEvent and JSON.stringify of createEvent
 * write it: `{"specversion":` first) gets the binding's `content-type` when it has none, so every event
 * record the hub writes, on every topic, is recognisable by a CloudEvents Kafka binding.
 */
function withContentType(r: RawRecord): IHeaders | undefined {
  if (headerValue(r.headers, headerNames.contentType) !== undefined || r.value === null) return r.headers;
  const head = typeof r.value === 'string' ? r.value.slice(0, 16) : r.value.subarray(0, 16).toString('latin1');
  if (head !== '{"specversion":"') return r.headers;
  return { ...(r.headers ?? {}), [headerNames.contentType]: CLOUDEVENTS_CONTENT_TYPE };
}

interface Pending {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Connects `p`; if that fails, releases what it opened and throws. */
async function connected(p: Producer): Promise<Producer> {
  try {
    await p.connect();
  } catch (err) {
    await p.disconnect().catch(() => {});
    throw err;
  }
  return p;
}

function groupByTopic(batch: Pending[]): Map<string, Message[]> {
  const byTopic = new Map<string, Message[]>();
  for (const item of batch) {
    const list = byTopic.get(item.topic) ?? [];
    list.push(...item.messages);
    byTopic.set(item.topic, list);
  }
  return byTopic;
}

/**
 * A transactional, idempotent producer that groups concurrent publishes into one Kafka transaction.
 *
 * Why transactions: a gateway request with 500 dossiers lands on several partitions; without a
 * transaction a broker failure mid-write could leave some of them visible and answer 503, and the
 * client's retry would then duplicate them. With one, either all are committed or none is readable.
 * Why grouping: kafkajs serializes a transactional producer's requests, so one transaction per HTTP
 * request would cap throughput at one round trip set per request; concurrent requests share one instead
 * (all of them succeed or fail together, and each caller learns the outcome).
 * Why lanes: with one producer a request arriving just after a commit started waits for that commit and
 * then for its own. Several producers ("lanes") take turns on the same queue. Order per key still holds
 * for requests that are causally ordered — a client's next request about a dossier is sent after the
 * 202 of the previous one, i.e. after its transaction committed — and concurrent requests about the same
 * dossier never had an order to keep.
 * Why single records may skip the transaction (`singleRecords: 'idempotent'`): a transaction costs ~5
 * requests (AddPartitionsToTxn, Produce, EndTxn and two coordinator look-ups) and, right after a lane's
 * commit, a CONCURRENT_TRANSACTIONS retry while the coordinator writes its markers; one record needs none of
 * it to be all-or-nothing. The same causal order holds: the single record is acknowledged before its 202.
 */
export function createEventProducer(opts: EventProducerOptions): EventProducer {
  const log = opts.logger.child({ component: 'producer' });
  const lingerMs = opts.lingerMs ?? 2;
  const maxBatch = opts.maxBatchMessages ?? 2_000;
  const laneCount = Math.max(1, opts.lanes ?? 2);
  let ok = false;
  let closed = false;

  const published = opts.metrics
    ? new Counter({
        name: 'kafka_published_messages_total',
        help: 'messages committed to Kafka',
        labelNames: ['topic'],
        registers: [opts.metrics],
      })
    : undefined;
  const failures = opts.metrics
    ? new Counter({ name: 'kafka_publish_failures_total', help: 'failed Kafka transactions', registers: [opts.metrics] })
    : undefined;
  const txnSeconds = opts.metrics
    ? new Histogram({
        name: 'kafka_transaction_seconds',
        help: 'time to commit one producer transaction',
        buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        registers: [opts.metrics],
      })
    : undefined;

  const singleSeconds =
    opts.metrics && opts.singleRecords === 'idempotent'
      ? new Histogram({
          name: 'kafka_single_send_seconds',
          help: 'time to send one group of single-record publishes (idempotent producer, no transaction)',
          buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
          registers: [opts.metrics],
        })
      : undefined;

  /** One producer and the loop that drains its group's queue through it. */
  interface Lane {
    /**
     * Transactional lanes only. Kept across reconnects: after a failed transaction the lane's next producer
     * registers with the same transactional id, and that registration makes the coordinator abort the
     * transaction the failure left open (e.g. a broker died mid-commit) at once. A fresh id would leave it
     * open until its timeout, and while it is open the partitions it touched hold every read_committed
     * consumer (national-sync included) at its first record: nothing committed after it is readable for up
     * to transactionTimeout.
     * Without one (the single-record lane), the lane's producer is idempotent only, and it too is replaced
     * after any failed send: an idempotent producer that gave up does not know whether the broker wrote the
     * batch, so its sequence numbers may be behind the broker's, and the broker would take a later batch with
     * a reused sequence for a duplicate of the lost one — answer it and drop it. A new producer gets a new
     * producer id and starts its sequences afresh.
     */
    transactionalId?: string;
    producer: Producer | undefined;
    connecting: Promise<Producer> | undefined;
    running: Promise<void> | undefined;
  }
  /** Lanes taking turns on one queue, started `lingerMs` after a publish so concurrent ones can join. */
  interface LaneGroup {
    queue: Pending[];
    lanes: Lane[];
    timer: NodeJS.Timeout | undefined;
  }
  const newLane = (transactionalId?: string): Lane => ({
    ...(transactionalId ? { transactionalId } : {}),
    producer: undefined,
    connecting: undefined,
    running: undefined,
  });
  const transactions: LaneGroup = {
    queue: [],
    lanes: Array.from({ length: laneCount }, () => newLane(`${opts.transactionalIdPrefix}-${randomUUID()}`)),
    timer: undefined,
  };
  /** `singleRecords: 'idempotent'`: publishes of exactly one record, through one idempotent producer. */
  const singles: LaneGroup | undefined =
    opts.singleRecords === 'idempotent' ? { queue: [], lanes: [newLane()], timer: undefined } : undefined;
  const groups = singles ? [transactions, singles] : [transactions];

  async function getProducer(lane: Lane): Promise<Producer> {
    if (lane.producer) return lane.producer;
    lane.connecting ??= (async () => {
      const p = await connected(
        lane.transactionalId
          ? opts.kafka.producer({
              idempotent: true,
              maxInFlightRequests: 1,
              transactionalId: lane.transactionalId,
              transactionTimeout: 30_000,
              // Right after a commit the coordinator is still writing markers, and the next transaction's
              // AddPartitionsToTxn gets CONCURRENT_TRANSACTIONS; the Java client retries that after 20 ms.
              // kafkajs uses the retry schedule, so a 200 ms start would cap us at ~5 transactions/s.
              retry: { retries: 10, initialRetryTime: 10, maxRetryTime: 1_000, factor: 0.2, multiplier: 2 },
            })
          : // maxInFlightRequests 1: kafkajs keeps an idempotent producer's order only with one request in flight.
            opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1 }),
      );
      lane.producer = p;
      ok = true;
      return p;
    })().finally(() => {
      lane.connecting = undefined;
    });
    return lane.connecting;
  }

  /** After a failed send the producer may be fenced, mid-abort or unsure of its sequences: start afresh next call. */
  async function reset(lane: Lane): Promise<void> {
    const p = lane.producer;
    lane.producer = undefined;
    if (p) await p.disconnect().catch(() => {});
  }

  /** One transaction (or, on the single-record lane, one idempotent send) for the batch. */
  async function flushBatch(lane: Lane, batch: Pending[]): Promise<void> {
    const byTopic = groupByTopic(batch);
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const started = process.hrtime.bigint();
    try {
      const p = await getProducer(lane);
      if (lane.transactionalId) {
        const txn = await p.transaction();
        try {
          await txn.sendBatch({ acks: -1, topicMessages });
          await txn.commit();
        } catch (err) {
          await txn.abort().catch(() => {});
          throw err;
        }
      } else {
        await p.sendBatch({ acks: -1, topicMessages });
      }
      ok = true;
      (lane.transactionalId ? txnSeconds : singleSeconds)?.observe(Number(process.hrtime.bigint() - started) / 1e9);
      for (const [topic, messages] of byTopic) published?.inc({ topic }, messages.length);
      for (const item of batch) item.resolve();
    } catch (err) {
      ok = false;
      failures?.inc();
      const messages = batch.reduce((n, b) => n + b.messages.length, 0);
      log.error({ err, messages }, lane.transactionalId ? 'kafka transaction failed' : 'kafka send of single records failed');
      await reset(lane);
      const e = lane.transactionalId
        ? new HubError('LT_KAFKA_UNAVAILABLE', `Kafka did not acknowledge the write: ${(err as Error).message}`, {
            kind: 'unavailable',
            retriable: true,
            cause: err,
            messageVi: 'Kafka không xác nhận việc ghi; chưa có gì được công bố',
          })
        : new HubError(
            'LT_KAFKA_UNAVAILABLE',
            `Kafka did not acknowledge the write (it may still have been written; a resend is absorbed): ${(err as Error).message}`,
            {
              kind: 'unavailable',
              retriable: true,
              cause: err,
              messageVi: 'Kafka không xác nhận việc ghi (có thể đã được ghi; gửi lại an toàn)',
            },
          );
      for (const item of batch) item.reject(e);
    }
  }

  /** Takes everything queued (up to maxBatch messages) for one transaction or send. */
  function takeBatch(queue: Pending[]): Pending[] {
    const batch: Pending[] = [];
    let n = 0;
    while (queue.length > 0 && (batch.length === 0 || n + queue[0]!.messages.length <= maxBatch)) {
      const item = queue.shift()!;
      n += item.messages.length;
      batch.push(item);
    }
    return batch;
  }

  /** A lane drains its group's queue until it is empty; whatever arrives meanwhile goes into its next batch. */
  async function runLane(group: LaneGroup, lane: Lane): Promise<void> {
    while (group.queue.length > 0) await flushBatch(lane, takeBatch(group.queue));
    lane.running = undefined;
    // Requests that arrived while every lane was busy wait for the next kick; make sure there is one.
    if (group.queue.length > 0) kick(group);
  }

  /** After `lingerMs` (so concurrent requests can join), every idle lane of the group starts draining. */
  function kick(group: LaneGroup): void {
    if (group.timer) return;
    group.timer = setTimeout(() => {
      group.timer = undefined;
      for (const lane of group.lanes) {
        if (group.queue.length === 0) break;
        if (!lane.running) lane.running = runLane(group, lane);
      }
    }, lingerMs);
  }

  function enqueue(topic: string, messages: Message[]): Promise<void> {
    if (closed) {
      return Promise.reject(
        new HubError('LT_KAFKA_CLOSED', 'producer is shutting down', {
          kind: 'unavailable',
          retriable: true,
          messageVi: 'đang dừng dịch vụ',
        }),
      );
    }
    if (messages.length === 0) return Promise.resolve();
    const group = messages.length === 1 && singles ? singles : transactions;
    return new Promise<void>((resolve, reject) => {
      group.queue.push({ topic, messages, resolve, reject });
      kick(group);
    });
  }

  return {
    async connect() {
      await Promise.all(groups.flatMap((g) => g.lanes.map((lane) => getProducer(lane))));
    },
    publish(topic, events) {
      return enqueue(
        topic,
        events.map((e) => {
          const value = encodeEvent(e);
          // Structured mode of the CloudEvents Kafka binding: `content-type` names the event format, the key
          // stays the subject. `ce-type`/`ce-id` are kept for readers that route on headers (they are not
          // the binding's `ce_` attributes, which structured mode does not use).
          const headers: IHeaders = { [headerNames.contentType]: CLOUDEVENTS_CONTENT_TYPE, 'ce-type': e.type, 'ce-id': e.id };
          if (opts.signingKeys) headers[headerNames.signature] = signRecordValue(value, opts.signingKeys);
          return { key: e.subject, value, headers };
        }),
      );
    },
    publishRecords(topic, records) {
      return enqueue(
        topic,
        records.map((r) => ({ key: r.key, value: r.value, headers: withContentType(r) })),
      );
    },
    healthy: () => ok,
    async disconnect() {
      closed = true;
      // Whatever was accepted into a queue is still committed (or rejected) before we go.
      const lanes = groups.flatMap((g) => g.lanes);
      for (const g of groups) {
        if (!g.timer) continue;
        clearTimeout(g.timer);
        g.timer = undefined;
        if (g.queue.length > 0 && !g.lanes[0]!.running) g.lanes[0]!.running = runLane(g, g.lanes[0]!);
      }
      while (lanes.some((l) => l.running !== undefined)) await Promise.all(lanes.map((l) => l.running));
      await Promise.all(lanes.map((l) => l.connecting?.catch(() => undefined)));
      await Promise.all(lanes.map((l) => reset(l)));
    },
  };
}
