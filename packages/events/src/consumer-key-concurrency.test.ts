import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '@lienthong/platform';
import { createConsumerRunner, createEvent, createEventProducer, createKafka, ensureTopics, type CloudEvent } from './index.js';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  testBrokers,
} from '../../../tests/helpers/index.js';

/** keyConcurrency (issue 16): records of one partition with distinct keys handled at once, order per key kept. */
const logger = quietLogger();
let ns: string;
let topic: string;
const kafka = () => createKafka({ brokers: testBrokers(), clientId: 'consumer-kc-test', logger });
const producer = createEventProducer({ kafka: kafka(), logger, transactionalIdPrefix: 'consumer-kc-test' });
const ev = (subject: string, data: number) =>
  createEvent({ source: 'urn:lienthong:test', type: 'vn.lienthong.dossier.upserted', subject, dataschema: 'x', data });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  ns = await createTestNamespace();
  topic = `${ns}kc-${randomSuffix()}`;
  const admin = kafka().admin();
  await admin.connect();
  // One partition: every record in one batch stream, so concurrency can only come from keyConcurrency.
  await ensureTopics(admin, [
    { name: topic, partitions: 1, retentionMs: 3_600_000, cleanupPolicy: 'delete', description: 'test' },
  ]);
  await admin.disconnect();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await deleteTestNamespace(ns);
});

describe('consumer runner, keyConcurrency (real Kafka)', () => {
  it('handles distinct keys of one partition at once, keeps each key in order, resumes a waiting record and handles everything', async () => {
    const keys = Array.from({ length: 8 }, (_, k) => `K${k}-${randomSuffix()}`);
    // 8 keys × 5 versions, interleaved as a gateway would write them.
    const events: CloudEvent[] = [];
    for (let v = 1; v <= 5; v++) for (const k of keys) events.push(ev(k, v));
    await producer.publish(topic, events);
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let most = 0;
    let failedOnce = false;
    const runner = createConsumerRunner({
      kafka: kafka(),
      logger,
      groupId: `g-${randomSuffix()}`,
      topics: [topic],
      producer,
      fromBeginning: true,
      keyConcurrency: 4,
      retry: { maxAttempts: 3, minDelayMs: 10, maxDelayMs: 20, factor: 2, jitter: 0 },
      handle: async (e) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await sleep(5);
        inFlight--;
        if (e.subject === keys[2] && e.data === 3 && !failedOnce) {
          failedOnce = true;
          throw new HubError('LT_T', 'ledger restarting', { retriable: true });
        }
        const list = seen.get(e.subject) ?? [];
        list.push(e.data as number);
        seen.set(e.subject, list);
      },
    });
    await runner.start();
    await eventually(() => keys.every((k) => seen.get(k)?.at(-1) === 5), { what: 'every key at version 5', timeoutMs: 30_000 });
    await runner.stop();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    expect(failedOnce).toBe(true);
    for (const k of keys) {
      const list = seen.get(k)!;
      // In order per key; records handled after the waiting one in its wave may be handled again on resume.
      expect([...list].sort((a, b) => a - b)).toEqual(list);
      expect(new Set(list)).toEqual(new Set([1, 2, 3, 4, 5]));
    }
  });
});
