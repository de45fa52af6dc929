import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { KafkaJSNonRetriableError, type Kafka } from 'kafkajs';
import { HubError, Registry } from '@lienthong/platform';
import {
  classifyFailure,
  createConsumerRunner,
  createEvent,
  createEventProducer,
  createKafka,
  dlqOf,
  topicNames,
  type CloudEvent,
} from './index.js';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  readTopic,
  testBrokers,
} from '../../../tests/helpers/index.js';

const logger = quietLogger();
const fastRetry = { maxAttempts: 3, minDelayMs: 10, maxDelayMs: 20, factor: 2, jitter: 0 };
let ns: string;
let topic: string;
const kafka = () => createKafka({ brokers: testBrokers(), clientId: 'consumer-test', logger });
const producer = createEventProducer({
  kafka: createKafka({ brokers: testBrokers(), clientId: 'consumer-test-p', logger }),
  logger,
  transactionalIdPrefix: 'consumer-test',
});

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
  it('runs its consumer again after kafkajs gave up on it with a non-retriable crash, and consumes what came meanwhile', async () => {
    // kafkajs disconnects a consumer for good after a non-retriable error (e.g. a restarted SASL broker that
    // refuses the credentials while it loads them). Here the first batch throws such an error inside
    // kafkajs's own run loop, so the crash takes kafkajs's real path (CRASH with restart: false).
    const subject = `S-${randomSuffix()}`;
    await producer.publish(topic, [ev(subject, 1)]);
    const real = kafka();
    let crashes = 0;
    const wrapped = {
      consumer: (config: Parameters<typeof real.consumer>[0]) => {
        const c = real.consumer(config);
        const run = c.run.bind(c);
        c.run = (rc) =>
          run({
            ...rc,
            eachBatch: async (payload) => {
              if (crashes === 0 && payload.batch.messages.some((m) => m.key?.toString() === subject)) {
                crashes++;
                throw new KafkaJSNonRetriableError('injected: broker refused the credentials');
              }
              return rc!.eachBatch!(payload);
            },
          });
        return c;
      },
    } as unknown as Kafka;
    const seen: unknown[] = [];
    const crashed: boolean[] = [];
    const metrics = new Registry();
    const runner = createConsumerRunner({
      kafka: wrapped,
      logger,
      metrics,
      groupId: `g-${randomSuffix()}`,
      topics: [topic],
      producer,
      retry: fastRetry,
      handle: async (e: CloudEvent) => {
        if (e.subject === subject) seen.push(e.data);
      },
    });
    runner.consumer.on(runner.consumer.events.CRASH, (e) => crashed.push(e.payload.restart));
    try {
      await runner.start();
      await eventually(() => crashed.length === 1, { what: 'the injected crash' });
      expect(crashed).toEqual([false]); // kafkajs itself would not restart it
      await producer.publish(topic, [ev(subject, 2)]);
      await eventually(() => seen.includes(1) && seen.includes(2), {
        what: 'both events handled after the restart',
        timeoutMs: 30_000,
      });
      expect(runner.running()).toBe(true);
      expect(await metrics.getSingleMetricAsString('consumer_restarts_total')).toMatch(/consumer_restarts_total 1$/m);
    } finally {
      await runner.stop();
    }
  });

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
    await producer.publish(
      topic,
      [1, 2, 3, 4].map((i) => ev(subject, i)),
    );
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

  it('never dead-letters an infrastructure failure: the partition waits (real pg errors) and resumes in order, other keys go on', async () => {
    const subject = `I-${randomSuffix()}`;
    const others = Array.from({ length: 10 }, (_, i) => `O${i}-${randomSuffix()}`);
    await producer.publish(
      topic,
      [1, 2, 3].map((i) => ev(subject, i)),
    );
    await producer.publish(
      topic,
      others.map((o) => ev(o, 'other')),
    );
    // A pool on a port where nothing listens: the handler meets a real ECONNREFUSED from pg, as during a
    // Postgres restart. Down for longer than the old policy (3 attempts) would have waited.
    const deadPool = new pg.Pool({ connectionString: 'postgres://x@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    deadPool.on('error', () => {});
    let down = true;
    const failures: string[] = [];
    const seen: unknown[] = [];
    const otherSeen = new Set<string>();
    const otherPartitions = new Map<string, number>();
    let probes = 0;
    const runner = createConsumerRunner({
      kafka: kafka(),
      logger,
      groupId: `g-${randomSuffix()}`,
      topics: [topic],
      producer,
      retry: fastRetry,
      probe: async () => {
        probes++;
        if (down) throw new Error('still down');
      },
      handle: async (e: CloudEvent, ctx) => {
        if (others.includes(e.subject)) {
          otherSeen.add(e.subject);
          otherPartitions.set(e.subject, ctx.partition);
          return;
        }
        if (e.subject !== subject) return;
        if (down) {
          const err = await deadPool.query('SELECT 1').catch((x: unknown) => x);
          failures.push((err as { code?: string }).code ?? String(err));
          // The retriable flag alone also means "wait" (a HubError from a client that timed out).
          if (e.data === 2) throw new HubError('LT_UPSTREAM_TIMEOUT', 'timed out', { retriable: true });
          throw err;
        }
        seen.push(e.data);
      },
    });
    await runner.start();
    await eventually(() => failures.length >= 1 && probes >= 5, { what: 'the paused partition probing', timeoutMs: 30_000 });
    expect(runner.waiting().map((w) => w.code)).toContain('ECONNREFUSED');
    // Keys on other partitions go on; one that shares the paused partition waits behind it (order per partition).
    const paused = runner.waiting()[0]!.partition;
    await eventually(() => otherSeen.size > 0, { what: 'other keys handled meanwhile' });
    await new Promise((r) => setTimeout(r, 1_000));
    const seenWhileDown = [...otherPartitions.entries()];
    expect(seenWhileDown.every(([, p]) => p !== paused)).toBe(true);
    expect(seen).toEqual([]);
    down = false;
    await eventually(() => seen.length === 3 && otherSeen.size === others.length, {
      what: 'the waiting events handled once the dependency is back',
    });
    await runner.stop();
    await deadPool.end();
    expect(seen).toEqual([1, 2, 3]);
    expect(failures.every((c) => c === 'ECONNREFUSED')).toBe(true);
    expect(runner.waiting()).toEqual([]);
    const dead = (await readTopic(dlqOf(topic))).filter((r) => r.key === subject);
    expect(dead).toEqual([]);
  });

  it('classifies failures by cause, not by attempts', () => {
    expect(
      classifyFailure(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
    ).toBe('wait');
    expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(
      'wait',
    );
    expect(classifyFailure(new Error('Connection terminated unexpectedly'))).toBe('wait');
    expect(classifyFailure(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe('wait');
    expect(classifyFailure(new HubError('LT_KAFKA_UNAVAILABLE', 'down', { retriable: true }))).toBe('wait');
    const kafkaTimeout = Object.assign(new Error('Request Produce(key: 0, version: 7) timed out'), {
      name: 'KafkaJSRequestTimeoutError',
      retriable: true,
    });
    expect(
      classifyFailure(
        Object.assign(new Error('retries exceeded'), {
          name: 'KafkaJSNumberOfRetriesExceeded',
          retriable: false,
          cause: kafkaTimeout,
        }),
      ),
    ).toBe('wait');
    expect(classifyFailure(new HubError('LT_SYNC_BAD_EVENT', 'data is not an object'))).toBe('dead-letter');
    expect(classifyFailure(Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' }))).toBe(
      'dead-letter',
    );
    expect(classifyFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('dead-letter');
    expect(classifyFailure(new TypeError('x is undefined'))).toBe('dead-letter');
  });
});
