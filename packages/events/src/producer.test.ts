import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
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

  describe("singleRecords: 'idempotent' (the gateway's 1-item requests, issue 16)", () => {
    /** A kafkajs client whose producers are counted: transactions, and sends without one. */
    function countingKafka(opts: { failFirstSingleAfterWrite?: boolean } = {}) {
      const real = createKafka({ brokers: testBrokers(), clientId: 'producer-test', logger });
      const seen = { transactional: 0, idempotent: 0, transactions: 0, singleSends: 0 };
      let fail = opts.failFirstSingleAfterWrite ?? false;
      const kafka = {
        ...real,
        admin: real.admin.bind(real),
        producer: (config: Parameters<typeof real.producer>[0]) => {
          const p = real.producer(config);
          if (config?.transactionalId) {
            seen.transactional++;
            const transaction = p.transaction.bind(p);
            p.transaction = async () => {
              seen.transactions++;
              return transaction();
            };
          } else {
            seen.idempotent++;
            expect(config?.idempotent).toBe(true);
            const sendBatch = p.sendBatch.bind(p);
            p.sendBatch = async (batch) => {
              seen.singleSends++;
              const r = await sendBatch(batch);
              if (fail) {
                // Written, but the answer "lost": the caller cannot know it was written.
                fail = false;
                throw new Error('injected: connection closed before the answer');
              }
              return r;
            };
          }
          return p;
        },
      } as unknown as typeof real;
      return { kafka, seen };
    }
    const ev = (subject: string, i: number) =>
      createEvent({ source: 'urn:lienthong:test', type: 'vn.lienthong.test.single', subject, dataschema: 'x', data: { i } });

    it('single-event publishes share idempotent sends without a transaction; multi-event publishes keep theirs; each record once', async () => {
      const { kafka, seen } = countingKafka();
      const metrics = new Registry();
      const producer = createEventProducer({
        kafka,
        logger,
        transactionalIdPrefix: 'producer-test-single',
        singleRecords: 'idempotent',
        metrics,
      });
      const topic = topicNames(ns).nationalInbound;
      await producer.connect();
      const singles = Array.from({ length: 40 }, (_, i) => ev(`S-${i % 5}`, i));
      const multi = [ev('M-1', 100), ev('M-2', 101), ev('M-3', 102)];
      await Promise.all([...singles.map((e) => producer.publish(topic, [e])), producer.publish(topic, multi)]);
      // Causally ordered: a single published after the multi's commit follows it on its partition.
      await producer.publish(topic, [ev('M-1', 103)]);
      await producer.disconnect();

      expect(seen.transactions).toBe(1); // the 3-event publish only
      expect(seen.singleSends).toBeGreaterThan(0);
      expect(seen.singleSends).toBeLessThan(41); // grouped: concurrent singles share produce requests
      const records = await readTopic(topic);
      const data = records.map((r) => (decodeEvent(r.value).data as { i: number }).i);
      expect(data.sort((a, b) => a - b)).toEqual([...Array.from({ length: 40 }, (_, i) => i), 100, 101, 102, 103]);
      const m1 = records.filter((r) => r.key === 'M-1').map((r) => (decodeEvent(r.value).data as { i: number }).i);
      expect(m1).toEqual([100, 103]);
      const sends = (await metrics.getSingleMetricAsString('kafka_single_send_seconds')).match(/_count (\d+)/)?.[1];
      expect(Number(sends)).toBe(seen.singleSends);
    });

    it('a send that fails is reported as possibly written, and the next one goes through a new producer', async () => {
      const { kafka, seen } = countingKafka({ failFirstSingleAfterWrite: true });
      const producer = createEventProducer({
        kafka,
        logger,
        transactionalIdPrefix: 'producer-test-single-fail',
        singleRecords: 'idempotent',
      });
      const topic = topicNames(ns).syncOutcomes;
      try {
        const failed = producer.publish(topic, [ev('F-1', 1)]);
        await expect(failed).rejects.toMatchObject({ code: 'LT_KAFKA_UNAVAILABLE', retriable: true });
        await expect(failed).rejects.toThrow(/may still have been written/);
        expect(producer.healthy()).toBe(false);
        // The client resends: a new idempotent producer (new producer id, fresh sequences) writes it again.
        await producer.publish(topic, [ev('F-1', 1)]);
        expect(producer.healthy()).toBe(true);
        expect(seen.idempotent).toBe(2);
      } finally {
        await producer.disconnect();
      }
      // The first write did land: the resend is a visible duplicate, which consumers absorb (same snapshot).
      const records = await readTopic(topic);
      expect(records.map((r) => (decodeEvent(r.value).data as { i: number }).i)).toEqual([1, 1]);
    });

    it('disconnect sends the singles still lingering before it closes', async () => {
      const kafka = createKafka({ brokers: testBrokers(), clientId: 'producer-test', logger });
      const producer = createEventProducer({
        kafka,
        logger,
        transactionalIdPrefix: 'producer-test-single-close',
        singleRecords: 'idempotent',
        lingerMs: 200,
      });
      const topic = topicNames(ns).dossierDeadline;
      const pending = Promise.all([producer.publish(topic, [ev('C-1', 1)]), producer.publish(topic, [ev('C-2', 2)])]);
      await producer.disconnect();
      await pending;
      expect((await readTopic(topic)).length).toBe(2);
    });
  });
});
