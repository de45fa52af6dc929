import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { fetchHighWatermarks } from './high-watermarks.js';
import { randomSuffix, testBrokers } from '../../../tests/helpers/index.js';

describe('fetchHighWatermarks (real Kafka)', () => {
  it('answers the high watermark where the admin answers the last stable offset of a partition with an open transaction', async () => {
    const kafka = new Kafka({ clientId: 'hwm-test', brokers: testBrokers(), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topic = `hwm-${randomSuffix()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const open = kafka.producer({ transactionalId: `hwm-open-${randomSuffix()}`, idempotent: true, maxInFlightRequests: 1 });
    const other = kafka.producer({ transactionalId: `hwm-other-${randomSuffix()}`, idempotent: true, maxInFlightRequests: 1 });
    await open.connect();
    await other.connect();
    try {
      const hung = await open.transaction();
      await hung.send({ topic, messages: [{ partition: 0, value: 'open' }] });
      for (let i = 0; i < 3; i++) {
        const t = await other.transaction();
        await t.send({ topic, messages: [{ partition: 0, value: `committed-${i}` }] });
        await t.commit();
      }
      // 1 open record + 3 × (record + commit marker) = 7 offsets; the last marker is written just after the
      // last commit returns (each earlier one before the next transaction could start): 6 or 7. The stable
      // offset is stuck at 0, the open transaction's record.
      expect((await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0)!.high).toBe('0');
      const hwm = await fetchHighWatermarks(kafka, topic);
      expect([...hwm.keys()].sort()).toEqual([0, 1]);
      expect([6n, 7n]).toContain(hwm.get(0));
      expect(hwm.get(1)).toBe(0n);
      await hung.abort();
    } finally {
      await open.disconnect();
      await other.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  });

  it('fails loudly on an unknown topic instead of answering nothing', async () => {
    const kafka = new Kafka({ clientId: 'hwm-test', brokers: testBrokers(), logLevel: logLevel.NOTHING, retry: { retries: 1 } });
    await expect(fetchHighWatermarks(kafka, `missing-${randomSuffix()}`)).rejects.toThrow();
  });
});
