/**
 * Ground truth for "is this record committed?", read from a broker's own log segments with Kafka's
 * DumpLogSegments tool (the broker's jars, infra/kafka/lib), not through a Kafka client. A fault test uses it
 * when its read_committed client misses records it expected: the segments say whether each record is in the
 * log, and whether its transaction ended with a COMMIT or an ABORT marker (or not yet), so a reader defect
 * and a write-path loss can be told apart.
 *
 * A transactional record's fate is the next control marker of the same producer id in the same partition
 * (a producer has at most one open transaction per partition, and its next transaction's records follow the
 * marker); a non-transactional record is committed as soon as it is in the log.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kafkaLib = fileURLToPath(new URL('../../infra/kafka/lib/', import.meta.url));

export type RecordFate = 'committed' | 'aborted' | 'open';

export interface LoggedRecord {
  partition: number;
  offset: bigint;
  producerId: string;
  transactional: boolean;
  payload: string;
  fate: RecordFate;
}

interface Batch {
  producerId: string;
  transactional: boolean;
  control: boolean;
  records: { offset: bigint; payload?: string; marker?: 'COMMIT' | 'ABORT' }[];
}

/** Parses DumpLogSegments `--deep-iteration --print-data-log` output of one segment file. */
export function parseDumpLogSegments(text: string): Batch[] {
  const batches: Batch[] = [];
  let current: Batch | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('baseOffset:')) {
      current = {
        producerId: /producerId: (-?\d+)/.exec(line)?.[1] ?? '-1',
        transactional: /isTransactional: true/.test(line),
        control: /isControl: true/.test(line),
        records: [],
      };
      batches.push(current);
    } else if (line.startsWith('| offset:') && current) {
      const offset = BigInt(/offset: (\d+)/.exec(line)![1]!);
      const marker = /endTxnMarker: (COMMIT|ABORT)/.exec(line)?.[1] as 'COMMIT' | 'ABORT' | undefined;
      const payloadAt = line.indexOf(' payload: ');
      current.records.push({ offset, marker, payload: payloadAt >= 0 ? line.slice(payloadAt + ' payload: '.length) : undefined });
    }
  }
  return batches;
}

/** Every data record of one partition with its fate, in offset order. */
export function partitionFates(partition: number, batches: Batch[]): LoggedRecord[] {
  const out: LoggedRecord[] = [];
  const open = new Map<string, LoggedRecord[]>(); // producerId → records of its open transaction
  for (const b of batches) {
    if (b.control) {
      const marker = b.records.find((r) => r.marker)?.marker;
      for (const r of open.get(b.producerId) ?? []) r.fate = marker === 'COMMIT' ? 'committed' : 'aborted';
      open.delete(b.producerId);
      continue;
    }
    for (const r of b.records) {
      const rec: LoggedRecord = {
        partition,
        offset: r.offset,
        producerId: b.producerId,
        transactional: b.transactional,
        payload: r.payload ?? '',
        fate: b.transactional ? 'open' : 'committed',
      };
      out.push(rec);
      if (b.transactional) {
        const txn = open.get(b.producerId);
        if (txn) txn.push(rec);
        else open.set(b.producerId, [rec]);
      }
    }
  }
  return out;
}

/**
 * Every record of `topic` as node `logDir` holds it (a KRaft node's `log.dirs`), with its fate. Reads all
 * segment files of each partition folder `<topic>-<n>`.
 */
export function topicRecordsFromLogs(logDir: string, topic: string): LoggedRecord[] {
  const out: LoggedRecord[] = [];
  if (!existsSync(logDir)) throw new Error(`no Kafka log dir at ${logDir}`);
  for (const dir of readdirSync(logDir)) {
    if (!dir.startsWith(`${topic}-`)) continue;
    const partition = Number(dir.slice(topic.length + 1));
    if (!Number.isInteger(partition)) continue;
    const files = readdirSync(path.join(logDir, dir))
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => path.join(logDir, dir, f));
    if (!files.length) continue;
    const text = execFileSync(
      'java',
      ['-cp', `${kafkaLib}*`, 'kafka.tools.DumpLogSegments', '--deep-iteration', '--print-data-log', '--files', files.join(',')],
      { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    out.push(...partitionFates(partition, parseDumpLogSegments(text)));
  }
  return out;
}
