import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { catalogueSpecs, ensureTopics, fetchHighWatermarks } from '@lienthong/events';
import { randomSuffix, testBrokers } from './env.js';

export interface ReadRecord {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

function plainHeaders(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k] = Array.isArray(v) ? String(v[0]) : String(v);
  return out;
}

export function testKafka(clientId = 'test'): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

/** A random topic namespace (e.g. `t-k3j2h1.`) with the whole catalogue created under it. */
export async function createTestNamespace(): Promise<string> {
  const ns = `t-${randomSuffix()}.`;
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    await ensureTopics(admin, catalogueSpecs(ns));
  } finally {
    await admin.disconnect();
  }
  return ns;
}

/** Deletes every topic of a namespace (tests clean up after themselves). */
export async function deleteTestNamespace(ns: string): Promise<void> {
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(ns));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads every committed record of a topic from the start (read_committed: aborted records are never
 * seen). It stops when every partition holding data has been fetched up to its end: kafkajs reports each
 * fetched batch's last offset, transaction markers and aborted records included (the END_BATCH_PROCESS
 * instrumentation event, also emitted for batches that filtering left empty), so the end is told from
 * offsets, not from silence.
 *
 * "Its end" is the partition's high watermark when the read starts (`fetchHighWatermarks`), not what
 * kafkajs's admin `fetchTopicOffsets` answers: that is the last stable offset (a read_committed
 * ListOffsets). While one producer's transaction is open — a gateway lane whose transaction hung when a
 * broker died, until the coordinator aborts it on its timeout — the last stable offset stays at that
 * transaction's first record, and records other producers committed after it are not readable yet.
 * Stopping there reported committed records as missing (the cluster broker-kill test; the brokers' own
 * segments showed them committed). So the read waits for open transactions to end.
 *
 * Silence ends the read only as a fallback (a transaction still open): every partition delivered and
 * nothing came for `idleMs`, or `maxIdleMs` of silence; then the partitions that were not caught up are
 * named on stderr. After a broker kill a partition's fetches can stall for seconds while leadership moves,
 * and a hung transaction is aborted only after its timeout: fault tests pass a long `idleMs`/`maxIdleMs`.
 */
export async function readTopic(
  topic: string,
  { timeoutMs = 20_000, idleMs = 1_200, maxIdleMs = 4_000 } = {},
): Promise<ReadRecord[]> {
  const kafka = testKafka('test-reader');
  // A topic created moments ago can answer NOT_LEADER_FOR_PARTITION while its leadership settles in the
  // client's metadata: retried (briefly) like kafkajs retries its own retriable errors.
  let high = new Map<number, bigint>();
  for (let attempt = 1; ; attempt++) {
    try {
      high = await fetchHighWatermarks(kafka, topic);
      break;
    } catch (err) {
      if (attempt >= 10 || (err as { retriable?: boolean }).retriable !== true) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  const withData = new Set([...high].filter(([, end]) => end > 0n).map(([p]) => p));
  const fetchedTo = new Map<number, bigint>();
  const records: ReadRecord[] = [];
  if (withData.size === 0) return records;
  const seen = new Set<number>();
  const consumer = kafka.consumer({ groupId: `reader-${randomSuffix()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  const started = Date.now();
  // The last offset fetched per partition, markers and aborted records included.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic !== topic) return;
    const lastOffset = BigInt(payload.lastOffset);
    if (lastOffset > (fetchedTo.get(payload.partition) ?? -1n)) fetchedTo.set(payload.partition, lastOffset);
    seen.add(payload.partition);
    last = Date.now();
  });
  void consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        records.push({
          key: m.key?.toString() ?? null,
          value: m.value?.toString() ?? null,
          headers: plainHeaders(m.headers),
          partition: batch.partition,
          offset: m.offset,
        });
      }
      seen.add(batch.partition);
      last = Date.now();
    },
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const quiet = Date.now() - last;
    const allSeen = [...withData].every((p) => seen.has(p));
    const behind = [...withData].filter((p) => (fetchedTo.get(p) ?? -1n) < high.get(p)! - 1n);
    if (behind.length === 0) break;
    // Joining the group can take seconds: silence before the first batch counts only after 10 s.
    if ((allSeen && quiet >= idleMs) || (quiet >= maxIdleMs && (seen.size > 0 || Date.now() - started > 10_000))) {
      const where = behind.map((p) => `${p}: fetched to ${fetchedTo.get(p) ?? 'nothing'} of ${high.get(p)! - 1n}`);
      process.stderr.write(`[readTopic] ${topic}: stopped on silence, not caught up (partition ${where.join('; ')})\n`);
      break;
    }
    if (Date.now() - started > timeoutMs) {
      await consumer.disconnect();
      throw new Error(`timed out reading ${topic}`);
    }
  }
  await consumer.disconnect();
  return records;
}
