import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import type { Logger } from '@lienthong/platform';
import { SyncError, SyncErrorCodes } from '../errors.js';

export interface DeadLetter {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

function plain(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k] = (Array.isArray(v) ? v[0] : v)?.toString() ?? '';
  return out;
}

/**
 * Reads the dead letters written since `sinceMs` from `topic`, up to the end the topic had when the call
 * started. Starts at the offsets Kafka's time index gives for `sinceMs`; stops when every partition's
 * consumption passed its end offset — known exactly from the batch-end instrumentation event, which also
 * covers transaction markers (they occupy offsets but are never delivered as messages). A throwaway
 * consumer group, so the read commits nothing that matters; it is deleted afterwards.
 */
export async function readDeadLetters(kafka: Kafka, topic: string, sinceMs: number, opts: { logger: Logger; timeoutMs?: number }): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: bigint }[];
  let starts: Map<number, bigint>;
  try {
    ends = (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, high: BigInt(p.high) }));
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, sinceMs);
    starts = new Map(byTime.map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
  const todo = new Map<number, { start: bigint; high: bigint }>();
  for (const e of ends) {
    const start = starts.get(e.partition) ?? e.high;
    if (start >= 0n && start < e.high) todo.set(e.partition, { start, high: e.high });
  }
  if (todo.size === 0) return [];

  const groupId = `national-sync-replay-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: 30_000 });
  const out: DeadLetter[] = [];
  const done = new Set<number>();
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const t = todo.get(e.payload.partition);
    if (t && e.payload.topic === topic && BigInt(e.payload.lastOffset) >= t.high - 1n) done.add(e.payload.partition);
    if (done.size === todo.size) finish();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const t = todo.get(batch.partition);
        if (!t) return;
        for (const m of batch.messages) {
          const off = BigInt(m.offset);
          if (off < t.start || off >= t.high) continue;
          out.push({ key: m.key?.toString() ?? null, value: m.value, headers: plain(m.headers), partition: batch.partition, offset: m.offset });
        }
      },
    });
    for (const [partition, t] of todo) consumer.seek({ topic, partition, offset: t.start.toString() });
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const r = await Promise.race([finished.then(() => 'ok' as const), timedOut]);
    clearTimeout(timer);
    if (r === 'timeout') {
      throw new SyncError(SyncErrorCodes.DLQ_READ_FAILED, `reading ${topic} did not finish within ${timeoutMs} ms`, { kind: 'unavailable', retriable: true });
    }
  } finally {
    await consumer.disconnect().catch(() => {});
    const a = kafka.admin();
    await a
      .connect()
      .then(() => a.deleteGroups([groupId]))
      .catch((err) => opts.logger.debug({ err: (err as Error).message, groupId }, 'could not delete the replay group'))
      .finally(() => a.disconnect());
  }
  return out.sort((a, b) => (a.partition - b.partition) || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}
