import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '@lienthong/platform';
import { createConsumerRunner, createEvent, createEventProducer, createKafka, dlqOf, topicNames, type CloudEvent } from './index.js';
import { createTestNamespace, deleteTestNamespace, eventually, quietLogger, randomSuffix, readTopic, testBrokers } from '../../../tests/helpers/index.js';

const logger = quietLogger();
const fastRetry = { maxAttempts: 3, minDelayMs: 10, maxDelayMs: 20, factor: 2, jitter: 0 };
let ns: string;
let topic: string;
const kafka = () => createKafka({ brokers: testBrokers(), clientId: 'consumer-test', logger });
const producer = createEventProducer({ kafka: createKafka({ brokers: testBrokers(), clientId: 'consumer-test-p', logger }), logger, transactionalIdPrefix: 'consumer-test' });

const ev = (subject: string, data: unknown) =>
  createEvent({ source: 'urn:lienthong:test', type: 'vn.lienthong.dossier.upserted', subject, dataschema: 'x', data });

beforeAll(async () => {
  ns = await createTestNamespace();
  topic = topicNames(ns).dossierEvents;
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await deleteTestNamespace(ns);
});

describe('consumer runner (real Kafka)', () => {
  it('keeps order per key, retries transient failures, dead-letters malformed and permanent ones, and moves on', async () => {
    const subject = `S-${randomSuffix()}`;
    await producer.publish(topic, [ev(subject, 1), ev(subject, 2)]);
    await producer.publishRecords(topic, [{ key: subject, value: 'not json' }]);
    await producer.publish(topic, [ev(subject, 'poison'), ev(subject, 3)]);
    const seen: unknown[] = [];
    let failedOnce = false;
    const runner = createConsumerRunner({
      kafka: kafka(),
      logger,
      groupId: `g-${randomSuffix()}`,
      topics: [topic],
      producer,
      retry: fastRetry,
      handle: async (e: CloudEvent) => {
        if (e.subject !== subject) return;
        if (e.data === 2 && !failedOnce) {
          failedOnce = true;
          throw new HubError('LT_T', 'transient', { retriable: true });
        }
        if (e.data === 'poison') throw new HubError('LT_T_PERM', 'the portal refused it');
        seen.push(e.data);
      },
    });
    await runner.start();
    await eventually(() => seen.length === 3, { what: 'three events handled' });
    await runner.stop();
    expect(seen).toEqual([1, 2, 3]);
    const dead = (await readTopic(dlqOf(topic))).filter((r) => r.key === subject);
    expect(dead.map((d) => d.headers['dlq-error-code']).sort()).toEqual(['LT_EVENT_MALFORMED', 'LT_T_PERM']);
    const perm = dead.find((d) => d.headers['dlq-error-code'] === 'LT_T_PERM')!;
    expect(perm.headers['dlq-reason']).toMatch(/refused/);
    expect(perm.headers['dlq-original-topic']).toBe(topic);
    expect(JSON.parse(perm.value!).data).toBe('poison');
  });

  it('commits only what succeeded: a restart of the group resumes after the last handled event', async () => {
    const subject = `R-${randomSuffix()}`;
    const groupId = `g-${randomSuffix()}`;
    await producer.publish(topic, [1, 2, 3, 4].map((i) => ev(subject, i)));
    const first: unknown[] = [];
    let stopAt3 = true;
    const makeRunner = (sink: unknown[]) =>
      createConsumerRunner({
        kafka: kafka(),
        logger,
        groupId,
        topics: [topic],
        producer,
        retry: { ...fastRetry, maxAttempts: 1_000, minDelayMs: 50, maxDelayMs: 50 },
        handle: async (e) => {
          if (e.subject !== subject) return;
          if (e.data === 3 && stopAt3) throw new HubError('LT_T', 'portal down', { retriable: true });
          sink.push(e.data);
        },
      });
    const r1 = makeRunner(first);
    await r1.start();
    await eventually(() => first.length === 2, { what: 'two handled' });
    await r1.stop(); // 3 is still failing: it must not be committed
    stopAt3 = false;
    const second: unknown[] = [];
    const r2 = makeRunner(second);
    await r2.start();
    await eventually(() => second.length === 2, { what: 'rest handled' });
    await r2.stop();
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([3, 4]);
  });
});
