import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventProducer, createKafka, createEvent, topicNames, decodeEvent } from './index.js';
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
