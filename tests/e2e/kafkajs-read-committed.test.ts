/**
 * kafkajs's read_committed filtering checked against the broker's own log (DumpLogSegments): several
 * transactional producers write interleaved transactions into one partition, some committed, some aborted,
 * and a kafkajs read_committed consumer must return exactly the committed records — none missing, none
 * aborted. The cluster fault test (tests/cluster/broker-kill.test.ts) found accepted records its kafkajs
 * reader did not return; this pins the reader's behaviour on the single broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Producer } from 'kafkajs';
import { randomSuffix, testKafka } from '../helpers/index.js';
import { topicRecordsFromLogs } from '../helpers/kafka-log-forensics.js';

const logDir = process.env.KAFKA_LOG_DIR ?? fileURLToPath(new URL('../../.data/kafka/logs', import.meta.url));
const topic = `rc-check-${randomSuffix()}`;

describe('kafkajs read_committed against the log', () => {
  const producers: Producer[] = [];
  beforeAll(async () => {
    const admin = testKafka('rc-admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => {});
    const admin = testKafka('rc-admin').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it(
    'returns every committed record and no aborted one when transactions of 4 producers interleave',
    { timeout: 120_000 },
    async () => {
      const kafka = testKafka('rc-writer');
      for (let i = 0; i < 4; i++) {
        const p = kafka.producer({ transactionalId: `rc-${topic}-${i}`, idempotent: true, maxInFlightRequests: 1 });
        await p.connect();
        producers.push(p);
      }
      // Rounds: each producer opens a transaction and sends; then they end in a shuffled order, some aborting,
      // so the partition holds overlapping transactions whose markers come in another order than their starts.
      const expected: string[] = [];
      let seq = 0;
      for (let round = 0; round < 40; round++) {
        const txs = await Promise.all(producers.map((p) => p.transaction()));
        const sent: string[][] = producers.map(() => []);
        for (let k = 0; k < 3; k++) {
          for (let i = 0; i < txs.length; i++) {
            const value = `r${round}-p${i}-${seq++}`;
            await txs[i]!.send({ topic, messages: [{ key: 'k', value }] });
            sent[i]!.push(value);
          }
        }
        const order = [...txs.keys()].sort(() => Math.random() - 0.5);
        for (const i of order) {
          const abort = (round * 7 + i * 3) % 5 === 0;
          if (abort) await txs[i]!.abort();
          else {
            await txs[i]!.commit();
            expected.push(...sent[i]!);
          }
        }
      }

      const truth = topicRecordsFromLogs(path.resolve(logDir), topic);
      const committed = truth.filter((r) => r.fate === 'committed').map((r) => r.payload);
      expect(new Set(committed)).toEqual(new Set(expected));
      expect(truth.filter((r) => r.fate === 'aborted').length).toBeGreaterThan(0);

      // Read it back with kafkajs read_committed, small fetches so transactions straddle fetch boundaries.
      const got: string[] = [];
      for (const maxBytes of [512, 4096, 1024 * 1024]) {
        got.length = 0;
        const consumer = kafka.consumer({
          groupId: `rc-${randomSuffix()}`,
          readUncommitted: false,
          maxBytesPerPartition: maxBytes,
          maxWaitTimeInMs: 50,
        });
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        const last = truth[truth.length - 1]!.offset;
        let fetchedTo = -1n;
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          if (BigInt(payload.lastOffset) > fetchedTo) fetchedTo = BigInt(payload.lastOffset);
        });
        void consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });
        const t0 = Date.now();
        while (fetchedTo < last && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
        await consumer.disconnect();
        const missing = expected.filter((v) => !got.includes(v));
        const phantom = got.filter((v) => !expected.includes(v));
        expect({ maxBytes, missing: missing.slice(0, 10), phantom: phantom.slice(0, 10) }).toEqual({
          maxBytes,
          missing: [],
          phantom: [],
        });
      }
    },
  );
});
