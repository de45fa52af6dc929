import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventProducer, createKafka, createEvent, topicNames, decodeEvent, fetchHighWatermarks } from './index.js';
import { createTestNamespace, deleteTestNamespace, readTopic, quietLogger, testBrokers } from '../../../tests/helpers/index.js';

describe('event producer (real Kafka)', () => {
  let ns: string;
  const logger = quietLogger();
  beforeAll(async () => {
    ns = await createTestNamespace();
  });
  afterAll(async () => {
    await deleteTestNamespace(ns);
  });

  it('commits concurrent publishes, keyed by subject, each exactly once', async () => {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'producer-test', logger });
    const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'producer-test' });
    await producer.connect();
    const topic = topicNames(ns).dossierEvents;
    const events = Array.from({ length: 30 }, (_, i) =>
      createEvent({
        source: 'urn:lienthong:test',
        type: 'vn.lienthong.dossier.upserted',
        subject: `S-${i % 7}`,
        dataschema: 'x',
        data: { i },
      }),
    );
    await Promise.all(events.map((e) => producer.publish(topic, [e])));
    await producer.disconnect();
    const records = await readTopic(topic);
    expect(records).toHaveLength(30);
    const ids = records.map((r) => decodeEvent(r.value).id).sort();
    expect(ids).toEqual(events.map((e) => e.id).sort());
    for (const r of records) expect(r.key).toBe(decodeEvent(r.value).subject);
    // Same key → same partition → order kept per subject.
    const bySubject = new Map<string, number[]>();
    for (const r of records) {
      const e = decodeEvent(r.value);
      const list = bySubject.get(e.subject) ?? [];
      list.push((e.data as { i: number }).i);
      bySubject.set(e.subject, list);
    }
    for (const list of bySubject.values()) expect(new Set(list).size).toBe(list.length);
  });

  it('a transaction a failure left open is aborted when the lane reconnects, not at its timeout', async () => {
    // The first transaction's commit and abort both fail (as when the broker leading it dies mid-commit):
    // its record stays in an open transaction, and read_committed consumers cannot read past it. The lane's
    // next producer registers with the same transactional id, which makes the coordinator abort it at once.
    const real = createKafka({ brokers: testBrokers(), clientId: 'producer-test', logger });
    let failNext = true;
    const kafka = {
      ...real,
      admin: real.admin.bind(real),
      producer: (config: Parameters<typeof real.producer>[0]) => {
        const p = real.producer(config);
        const transaction = p.transaction.bind(p);
        p.transaction = async () => {
          const txn = await transaction();
          if (!failNext) return txn;
          failNext = false;
          const sendBatch = txn.sendBatch.bind(txn);
          return Object.assign(Object.create(txn) as typeof txn, {
            sendBatch,
            commit: async () => {
              throw new Error('injected: the broker died mid-commit');
            },
            abort: async () => {
              throw new Error('injected: no coordinator to abort with');
            },
          });
        };
        return p;
      },
    } as unknown as typeof real;
    const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'producer-test-hung', lanes: 1 });
    const topic = topicNames(ns).paymentEvents;
    const ev = (i: number) =>
      createEvent({
        source: 'urn:lienthong:test',
        type: 'vn.lienthong.test.hung',
        subject: 'S-hung',
        dataschema: 'x',
        data: { i },
      });
    try {
      await expect(producer.publish(topic, [ev(1)])).rejects.toThrow(/did not acknowledge/);
      const stuck = await fetchHighWatermarks(real, topic);
      const admin = real.admin();
      await admin.connect();
      const stable = async () => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
      // The failed transaction is open: its partition's last stable offset is held at its record.
      const held = [...(await stable())].filter(([p, lso]) => lso < stuck.get(p)!);
      expect(held).toHaveLength(1);
      const [partition, heldAt] = held[0]!;
      await producer.publish(topic, [ev(2)]);
      // The lane's next producer could only start once the coordinator had aborted the open transaction
      // (markers written): the stable offset has moved past it, to the next transaction's record at least.
      // (Without the same transactional id it stays at `heldAt` until the 30 s transaction timeout.)
      expect((await stable()).get(partition)!).toBeGreaterThan(heldAt);
      await admin.disconnect();
    } finally {
      await producer.disconnect();
    }
    const records = await readTopic(topic);
    expect(records.map((r) => (decodeEvent(r.value).data as { i: number }).i)).toEqual([2]);
  });

  it('rejects publishes after disconnect with a retriable error', async () => {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'producer-test', logger });
    const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'producer-test' });
    await producer.disconnect();
    await expect(
      producer.publish(topicNames(ns).dossierEvents, [
        createEvent({ source: 'urn:lienthong:test', type: 'vn.lienthong.x.y', subject: 's', dataschema: 'x', data: 1 }),
      ]),
    ).rejects.toMatchObject({ code: 'LT_KAFKA_CLOSED', retriable: true });
  });
});
