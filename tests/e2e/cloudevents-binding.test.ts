/**
 * Issue 17 §6: the hub's Kafka records conform to the CloudEvents Kafka protocol binding (structured mode),
 * checked with an independent implementation — the official `cloudevents` SDK's Kafka binding — on records
 * read back from the broker as any consumer would read them: dossier.events.v1 (the gateway's ingest
 * path), sync.outcomes.v1 (national-sync's outbox record, written with publishRecords), payment.events.v1
 * (a signed settlement) and a dead letter of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka as CloudEventsKafka, CloudEvent as SdkCloudEvent } from 'cloudevents';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  createEvent,
  createEventProducer,
  createKafka,
  dlqOf,
  parseSigningKeys,
  topicNames,
  verifyRecordSignature,
} from '@lienthong/events';
import { schemaIds } from '@lienthong/standard';
import { createIngest } from '../../services/gateway/src/ingest.js';
import { outcomeRecord } from '../../services/national-sync/src/outbox/outcomes.js';
import {
  createTestNamespace,
  deleteTestNamespace,
  dossierItem,
  eventually,
  quietLogger,
  readTopic,
  testBrokers,
  type ReadRecord,
} from '../helpers/index.js';

const logger = quietLogger();
const keys = parseSigningKeys(`k1:${Buffer.alloc(32, 7).toString('base64')}`);
let ns: string;
const producer = createEventProducer({
  kafka: createKafka({ brokers: testBrokers(), clientId: 'ce-binding', logger }),
  logger,
  transactionalIdPrefix: 'ce-binding',
});
const signedProducer = createEventProducer({
  kafka: createKafka({ brokers: testBrokers(), clientId: 'ce-binding-s', logger }),
  logger,
  transactionalIdPrefix: 'ce-binding-s',
  signingKeys: keys,
});

beforeAll(async () => {
  ns = await createTestNamespace();
  await producer.connect();
  await signedProducer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await signedProducer.disconnect();
  await deleteTestNamespace(ns);
});

/** The first record of a topic, read back until the write is visible (a reader may start before the high watermark moves). */
const firstRecord = (topic: string) => eventually(async () => (await readTopic(topic))[0], { what: `a record on ${topic}` });

/** What the SDK makes of a record as a Kafka client delivers it (key, value, headers as strings). */
function sdkDecode(r: ReadRecord): SdkCloudEvent<unknown> {
  const message = { key: r.key ?? '', value: r.value, headers: r.headers, body: r.value };
  expect(CloudEventsKafka.isEvent(message)).toBe(true);
  const e = CloudEventsKafka.toEvent(message) as SdkCloudEvent<unknown>;
  expect(e.validate()).toBe(true); // strict: specversion, id, source, type, time format…
  return e;
}

describe('CloudEvents Kafka protocol binding, decoded by the cloudevents SDK', () => {
  it('dossier.events.v1 as the gateway publishes it: structured mode, key = MaHoSo, partitionkey kept', async () => {
    const topic = topicNames(ns).dossierEvents;
    const ingest = createIngest({ producer, topic, maxItems: 10 });
    const item = dossierItem(1);
    const event = createEvent({
      source: 'urn:lienthong:gateway',
      type: 'vn.lienthong.dossier.upserted',
      subject: item.MaHoSo as string,
      dataschema: schemaIds.dossierItem,
      data: item,
    });
    await ingest.publish([event]);
    const r = await firstRecord(topic);
    expect(r!.headers['content-type']).toBe(CLOUDEVENTS_CONTENT_TYPE);
    const e = sdkDecode(r!);
    expect(e.id).toBe(event.id);
    expect(e.type).toBe('vn.lienthong.dossier.upserted');
    expect(e.subject).toBe(item.MaHoSo);
    expect((e as unknown as { partitionkey: string }).partitionkey).toBe(item.MaHoSo);
    expect(e.data).toEqual(item);
  });

  it("sync.outcomes.v1 as national-sync's outbox writes it (raw record): recognised too", async () => {
    const topic = topicNames(ns).syncOutcomes;
    const rec = outcomeRecord(
      { maHoSo: '000.00.01.H22-251120-0001', outcome: 'synced', service: 'DongBoHoSoMC', attempts: 1 },
      new Date(),
    );
    await producer.publishRecords(topic, [{ key: rec.key, value: rec.value, headers: rec.headers }]);
    const r = await firstRecord(topic);
    const e = sdkDecode(r!);
    expect(e.type).toBe('vn.lienthong.sync.synced');
    expect(e.subject).toBe('000.00.01.H22-251120-0001');
  });

  it('payment.events.v1 settlement, signed: the SDK decodes it, the signature verifies, and its dead letter is still a CloudEvent', async () => {
    const topic = topicNames(ns).paymentEvents;
    const event = createEvent({
      id: 'payment-p1-settled',
      source: 'urn:lienthong:payments',
      type: 'vn.lienthong.payment.settled',
      subject: 'p1',
      dataschema: schemaIds.paymentSettledEvent,
      data: { paymentId: 'p1', amount: 50000 },
    });
    await signedProducer.publish(topic, [event]);
    const r = await firstRecord(topic);
    const e = sdkDecode(r!);
    expect(e.id).toBe('payment-p1-settled');
    expect(e.data).toEqual({ paymentId: 'p1', amount: 50000 });
    expect(() => verifyRecordSignature({ value: Buffer.from(r!.value!), headers: r!.headers }, keys)).not.toThrow();
    // A dead letter keeps the original headers (content-type and signature) beside its reasons.
    await producer.publishRecords(dlqOf(topic), [
      { key: r!.key, value: r!.value, headers: { ...r!.headers, 'dlq-reason': 'test' } },
    ]);
    const d = await firstRecord(dlqOf(topic));
    expect(sdkDecode(d!).id).toBe('payment-p1-settled');
  });

  it('a record that is not a CloudEvent gets no CloudEvents content-type', async () => {
    const topic = dlqOf(topicNames(ns).citizenAudit);
    await producer.publishRecords(topic, [{ key: 'k', value: 'not json' }]);
    const r = await firstRecord(topic);
    expect(r!.headers['content-type']).toBeUndefined();
    expect(
      CloudEventsKafka.isEvent({ key: 'k', value: r!.value, headers: r!.headers, body: r!.value } as Parameters<
        typeof CloudEventsKafka.isEvent
      >[0]),
    ).toBeFalsy();
  });
});
