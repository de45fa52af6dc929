import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { HubError, type Logger } from '@lienthong/platform';
import { headerNames as H, plainHeaders } from './headers.js';
import type { EventProducer } from './producer.js';

/** One record of a `<topic>.dlq`, with the reason the consumer runner (or a service's outbox) wrote beside it. */
export interface DeadLetter {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Where the dead letter sits in the DLQ topic. */
  partition: number;
  offset: string;
  /** Kafka timestamp of the dead letter (ms). */
  timestampMs: number;
  /** The `dlq-*` headers, parsed (undefined when a header is absent). */
  reason: {
    originalTopic?: string;
    originalPartition?: number;
    originalOffset?: string;
    code?: string;
    message?: string;
    group?: string;
    attempts?: number;
    time?: string;
  };
}

function parseReason(h: Record<string, string>): DeadLetter['reason'] {
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  return {
    originalTopic: h[H.dlqOriginalTopic],
    originalPartition: num(h[H.dlqOriginalPartition]),
    originalOffset:
      h[H.dlqOriginalOffset] !== undefined && /^\d+$/.test(h[H.dlqOriginalOffset]!) ? h[H.dlqOriginalOffset] : undefined,
    code: h[H.dlqErrorCode],
    message: h[H.dlqReason],
    group: h[H.dlqGroup],
    attempts: num(h[H.dlqAttempts]),
    time: h[H.dlqTime],
  };
}

/** Where a dead letter sits in its DLQ topic. An offset alone names no letter: each partition counts its own. */
export interface DeadLetterPosition {
  partition: number;
  offset: string;
}

/** Per partition, the offsets [start, high) to read. */
type ReadPlan = Map<number, { start: bigint; high: bigint }>;

/**
 * Reads the dead letters written since `sinceMs` to `dlqTopic`, up to the end the topic had when the call
 * started. Starts at the offsets Kafka's time index gives for `sinceMs`.
 */
export async function readDeadLetters(
  kafka: Kafka,
  dlqTopic: string,
  sinceMs: number,
  opts: { logger: Logger; timeoutMs?: number },
): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  const todo: ReadPlan = new Map();
  try {
    const ends = await admin.fetchTopicOffsets(dlqTopic);
    const byTime = await admin.fetchTopicOffsetsByTimestamp(dlqTopic, sinceMs);
    const starts = new Map(byTime.map((p) => [p.partition, BigInt(p.offset)]));
    for (const e of ends) {
      const high = BigInt(e.high);
      const start = starts.get(e.partition) ?? high;
      if (start >= 0n && start < high) todo.set(e.partition, { start, high });
    }
  } finally {
    await admin.disconnect();
  }
  return readPlan(kafka, dlqTopic, todo, opts);
}

/**
 * Reads exactly the dead letters at these positions of `dlqTopic` (each partition from its lowest wanted
 * offset to its highest); a position past the partition's end, below what retention kept, or on a
 * transaction marker is simply absent from the answer.
 */
export async function readDeadLettersAt(
  kafka: Kafka,
  dlqTopic: string,
  positions: readonly DeadLetterPosition[],
  opts: { logger: Logger; timeoutMs?: number },
): Promise<DeadLetter[]> {
  const wanted = new Map<number, Set<bigint>>();
  for (const p of positions) wanted.set(p.partition, (wanted.get(p.partition) ?? new Set()).add(BigInt(p.offset)));
  if (wanted.size === 0) return [];
  const admin = kafka.admin();
  await admin.connect();
  const todo: ReadPlan = new Map();
  try {
    for (const e of await admin.fetchTopicOffsets(dlqTopic)) {
      const offsets = wanted.get(e.partition);
      if (!offsets) continue;
      const low = BigInt(e.low);
      const end = BigInt(e.high);
      let min = end;
      let max = -1n;
      for (const o of offsets) {
        if (o < min) min = o;
        if (o > max) max = o;
      }
      const start = min < low ? low : min;
      const high = max + 1n < end ? max + 1n : end;
      if (start < high) todo.set(e.partition, { start, high });
    }
  } finally {
    await admin.disconnect();
  }
  const read = await readPlan(kafka, dlqTopic, todo, opts);
  return read.filter((l) => wanted.get(l.partition)?.has(BigInt(l.offset)));
}

/**
 * Reads the planned offsets; stops when every partition's consumption passed its planned end — known
 * exactly from the batch-end instrumentation event, which also covers transaction markers (they occupy
 * offsets but are never delivered as messages). A throwaway consumer group, so the read commits nothing
 * that matters; it is deleted afterwards.
 */
async function readPlan(
  kafka: Kafka,
  dlqTopic: string,
  todo: ReadPlan,
  opts: { logger: Logger; timeoutMs?: number },
): Promise<DeadLetter[]> {
  if (todo.size === 0) return [];
  const groupId = `lienthong-dlq-read-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: 30_000 });
  const out: DeadLetter[] = [];
  const done = new Set<number>();
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const t = todo.get(e.payload.partition);
    if (t && e.payload.topic === dlqTopic && BigInt(e.payload.lastOffset) >= t.high - 1n) done.add(e.payload.partition);
    if (done.size === todo.size) finish();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const t = todo.get(batch.partition);
        if (!t) return;
        for (const m of batch.messages) {
          const off = BigInt(m.offset);
          if (off < t.start || off >= t.high) continue;
          const headers = plainHeaders(m.headers);
          out.push({
            key: m.key?.toString() ?? null,
            value: m.value,
            headers,
            partition: batch.partition,
            offset: m.offset,
            timestampMs: Number(m.timestamp),
            reason: parseReason(headers),
          });
        }
      },
    });
    for (const [partition, t] of todo) consumer.seek({ topic: dlqTopic, partition, offset: t.start.toString() });
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const r = await Promise.race([finished.then(() => 'ok' as const), timedOut]);
    clearTimeout(timer);
    if (r === 'timeout') {
      throw new HubError('LT_DLQ_READ_TIMEOUT', `reading ${dlqTopic} did not finish within ${timeoutMs} ms`, {
        kind: 'unavailable',
        retriable: true,
        messageVi: `đọc ${dlqTopic} không xong trong ${timeoutMs} ms`,
      });
    }
  } finally {
    await consumer.disconnect().catch(() => {});
    const a = kafka.admin();
    await a
      .connect()
      .then(() => a.deleteGroups([groupId]))
      .catch((err) =>
        opts.logger.debug({ err: (err as Error).message, groupId }, 'could not delete the dead-letter reading group'),
      )
      .finally(() => a.disconnect());
  }
  return out.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}

export interface ReplayOptions {
  kafka: Kafka;
  /** Writes the replayed records (a transaction per call: all of them or none). */
  producer: EventProducer;
  logger: Logger;
  /** The dead-letter topic, namespace included (`<topic>.dlq`). Records go back to `<topic>`. */
  dlqTopic: string;
  /**
   * Dead letters written at or after this time (every one that passes the filters below). Give either
   * `since` or `letters`.
   */
  since?: Date;
  /**
   * Exactly these dead letters, by DLQ partition and offset, and nothing else: what an operator selected
   * after a preview. Each one is either replayed or reported in `skipped` with why (not in the topic any
   * more, another group's, filtered out by `key` or `codes`). At most 10,000.
   */
  letters?: readonly DeadLetterPosition[];
  /** Only the dead letters of this consumer group (`dlq-group`); also the group a letter without one is replayed for. */
  group?: string;
  /** Only this record key (MaHoSo, payment id). */
  key?: string;
  /** Only these error codes (`dlq-error-code`), e.g. after fixing the cause of one kind of failure. */
  codes?: string[];
  /** Report what would be replayed, publish nothing. */
  dryRun?: boolean;
  timeoutMs?: number;
}

export interface ReplayResult {
  dlqTopic: string;
  topic: string;
  read: number;
  replayed: { dlqPartition: number; dlqOffset: string; key: string | null; group: string; code?: string }[];
  skipped: { dlqPartition: number; dlqOffset: string; why: string }[];
  dryRun: boolean;
}

/** Headers a replayed record must not carry over: the dead letter's own and an earlier replay's. */
const droppedOnReplay = new Set<string>([
  H.dlqOriginalTopic,
  H.dlqOriginalPartition,
  H.dlqOriginalOffset,
  H.dlqErrorCode,
  H.dlqReason,
  H.dlqAttempts,
  H.dlqTime,
  H.dlqGroup,
  H.replayGroup,
  H.replayOriginalPartition,
  H.replayOriginalOffset,
  H.replayDlqOffset,
  H.replayTime,
]);

/**
 * Replays dead letters of any `<topic>.dlq` the hub writes (issue 17 §3) — for the consumer group that
 * refused them, and only for it.
 *
 * Mechanism: each selected dead letter is republished to its original topic with its key, value and
 * original headers (content-type, signature…), plus `lt-replay-group: <the group that dead-lettered it>`
 * and where it first was. The consumer runner of that group handles it like any record (same handler,
 * same checks: a settlement's signature still verifies, since value and signature travel together);
 * every other group on the topic skips it, because it handled the original already. Why republish rather
 * than call a handler here: the replay then needs no access to the consuming service's database or code,
 * runs from a CLI or the console, keeps per-key order in the topic, and gets the runner's infrastructure
 * handling (a replay during an outage waits instead of failing again). Handlers are idempotent (they are
 * already, for redeliveries), so replaying a letter twice is harmless.
 *
 * The original topic is derived from the DLQ's name, never from a header: a dead letter cannot send
 * itself elsewhere. A letter without a group (written by an older version) is skipped unless `group` says
 * whom to replay it for.
 *
 * Selection: `since` takes every letter written since then that passes the filters — a CLI's bulk
 * redrive after an incident, to be checked first with `dryRun`; it knows nothing of earlier replays, so
 * a letter replayed before goes again (harmless for idempotent handlers, but not what an operator who
 * previewed a list expects). `letters` takes exactly the given positions: the console sends the rows it
 * previewed and claimed, so a letter it marked replayed is never sent unless an operator chose to
 * re-replay it.
 */
export async function replayDeadLetters(opts: ReplayOptions): Promise<ReplayResult> {
  if (!opts.dlqTopic.endsWith('.dlq')) {
    throw new HubError('LT_DLQ_NOT_A_DLQ', `${opts.dlqTopic} is not a dead-letter topic (<topic>.dlq)`, {
      kind: 'invalid',
      messageVi: `${opts.dlqTopic} không phải chủ đề thư chết`,
    });
  }
  const exact = opts.letters !== undefined;
  if (exact === (opts.since !== undefined)) {
    throw new HubError('LT_DLQ_REPLAY_SELECTION', 'give either since or letters (exact positions), not both or neither', {
      kind: 'invalid',
      messageVi: 'cần chọn thư theo thời điểm (since) hoặc theo vị trí (letters), chỉ một trong hai',
    });
  }
  if (exact) checkPositions(opts.letters!);
  if (opts.since !== undefined && Number.isNaN(opts.since.getTime())) {
    throw new HubError('LT_DLQ_REPLAY_SELECTION', 'since is not a time', {
      kind: 'invalid',
      messageVi: 'since không phải thời điểm',
    });
  }
  const topic = opts.dlqTopic.slice(0, -'.dlq'.length);
  const log = opts.logger.child({ component: 'dlq-replay', dlqTopic: opts.dlqTopic });
  const letters = exact
    ? await readDeadLettersAt(opts.kafka, opts.dlqTopic, opts.letters!, { logger: log, timeoutMs: opts.timeoutMs })
    : await readDeadLetters(opts.kafka, opts.dlqTopic, opts.since!.getTime(), { logger: log, timeoutMs: opts.timeoutMs });
  const result: ReplayResult = {
    dlqTopic: opts.dlqTopic,
    topic,
    read: letters.length,
    replayed: [],
    skipped: [],
    dryRun: !!opts.dryRun,
  };
  const records: { key: string | null; value: Buffer | null; headers: IHeaders }[] = [];
  const now = new Date().toISOString();
  const at = (dl: DeadLetter) => ({ dlqPartition: dl.partition, dlqOffset: dl.offset });
  // Filtered out: in `since` mode simply not part of the selection; in exact mode the caller named the
  // letter, so it is told why it did not go.
  const filteredOut = (dl: DeadLetter, why: string) => {
    if (exact) result.skipped.push({ ...at(dl), why });
  };
  for (const dl of letters) {
    if (opts.key !== undefined && dl.key !== opts.key) {
      filteredOut(dl, 'its key is not the one asked for');
      continue;
    }
    if (opts.codes && !opts.codes.includes(dl.reason.code ?? '')) {
      filteredOut(dl, `its error code ${(dl.reason.code ?? '(none)').slice(0, 100)} is not among those asked for`);
      continue;
    }
    if (opts.group !== undefined && dl.reason.group !== undefined && dl.reason.group !== opts.group) {
      filteredOut(dl, `dead-lettered by group ${dl.reason.group.slice(0, 200)}, not ${opts.group}`);
      continue;
    }
    if (dl.reason.originalTopic !== undefined && dl.reason.originalTopic !== topic) {
      result.skipped.push({
        ...at(dl),
        why: `dlq-original-topic is ${dl.reason.originalTopic.slice(0, 200)}, not ${topic}`,
      });
      continue;
    }
    const group = dl.reason.group ?? opts.group;
    if (group === undefined) {
      result.skipped.push({
        ...at(dl),
        why: 'no dlq-group header: say which consumer group to replay it for (group)',
      });
      continue;
    }
    const headers: IHeaders = {};
    for (const [k, v] of Object.entries(dl.headers)) if (!droppedOnReplay.has(k)) headers[k] = v;
    headers[H.replayGroup] = group;
    if (dl.reason.originalPartition !== undefined) headers[H.replayOriginalPartition] = String(dl.reason.originalPartition);
    if (dl.reason.originalOffset !== undefined) headers[H.replayOriginalOffset] = dl.reason.originalOffset;
    headers[H.replayDlqOffset] = `${dl.partition}:${dl.offset}`;
    headers[H.replayTime] = now;
    records.push({ key: dl.key, value: dl.value, headers });
    result.replayed.push({ ...at(dl), key: dl.key, group, ...(dl.reason.code ? { code: dl.reason.code } : {}) });
  }
  if (exact) {
    const found = new Set(letters.map((l) => `${l.partition}:${BigInt(l.offset)}`));
    for (const p of opts.letters!) {
      if (!found.has(`${p.partition}:${BigInt(p.offset)}`))
        result.skipped.push({
          dlqPartition: p.partition,
          dlqOffset: p.offset,
          why: 'not in the dead-letter topic (past its end, removed by retention, or not a record)',
        });
    }
  }
  if (!opts.dryRun && records.length > 0) {
    // One transaction per 500: all of a chunk or none of it is visible to read_committed consumers.
    for (let i = 0; i < records.length; i += 500) await opts.producer.publishRecords(topic, records.slice(i, i + 500));
  }
  log.info(
    { read: result.read, replayed: result.replayed.length, skipped: result.skipped.length, dryRun: result.dryRun },
    'dead letters replayed',
  );
  return result;
}

/** At most this many letters in one exact replay (the console sends at most 500). */
const MAX_POSITIONS = 10_000;

function checkPositions(letters: readonly DeadLetterPosition[]): void {
  const bad = (why: string) =>
    new HubError('LT_DLQ_REPLAY_SELECTION', `letters: ${why}`, {
      kind: 'invalid',
      messageVi: `danh sách thư không hợp lệ: ${why}`,
    });
  if (!Array.isArray(letters)) throw bad('not a list');
  if (letters.length > MAX_POSITIONS) throw bad(`more than ${MAX_POSITIONS}`);
  const seen = new Set<string>();
  for (const p of letters) {
    if (!p || !Number.isInteger(p.partition) || p.partition < 0 || p.partition > 1_000_000)
      throw bad('a partition is not a small non-negative integer');
    if (typeof p.offset !== 'string' || !/^\d{1,19}$/.test(p.offset)) throw bad('an offset is not a decimal number');
    const k = `${p.partition}:${BigInt(p.offset)}`;
    if (seen.has(k)) throw bad(`position ${k} given twice`);
    seen.add(k);
  }
}
