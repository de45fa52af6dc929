import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '@lienthong/platform';
import {
  createConsumerRunner,
  createEvent,
  createEventProducer,
  createKafka,
  dlqOf,
  readDeadLetters,
  replayDeadLetters,
  topicNames,
  type CloudEvent,
  type MessageContext,
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
const kafka = () => createKafka({ brokers: testBrokers(), clientId: 'dlq-test', logger });
const producer = createEventProducer({ kafka: kafka(), logger, transactionalIdPrefix: 'dlq-test' });
let ns: string;
beforeAll(async () => {
  ns = await createTestNamespace();
  await producer.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await deleteTestNamespace(ns);
});

/**
 * Two consumer groups on payment.events.v1: "fees" refuses settlements of one provider until its bug is
 * fixed, "audit" takes everything. After the fix, the replay gives the refused records to "fees" — and
 * only to it: "audit" does not see them twice.
 */
describe('dead-letter replay (real Kafka)', () => {
  it('reads the reasons, republishes for the group that refused, other groups skip; the replay keeps the original offset', async () => {
    const topic = topicNames(ns).paymentEvents;
    const started = new Date(Date.now() - 1_000);
    const ev = (id: string, provider: string) =>
      createEvent({
        id,
        source: 'urn:lienthong:payments',
        type: 'vn.lienthong.payment.settled',
        subject: id,
        dataschema: 'x',
        data: { provider },
      });
    const sent = [ev(`p1-${randomSuffix()}`, 'vnpay'), ev(`p2-${randomSuffix()}`, 'momo'), ev(`p3-${randomSuffix()}`, 'momo')];
    await producer.publish(topic, sent);
    let momoFixed = false;
    const fees: { id: string; ctx: Pick<MessageContext, 'offset' | 'replayOf'> }[] = [];
    const audit: string[] = [];
    const feesGroup = `fees-${randomSuffix()}`;
    const runner = (groupId: string, handle: (e: CloudEvent, ctx: MessageContext) => Promise<void>) =>
      createConsumerRunner({ kafka: kafka(), logger, groupId, topics: [topic], producer, handle });
    const feesRunner = runner(feesGroup, async (e, ctx) => {
      if ((e.data as { provider: string }).provider === 'momo' && !momoFixed)
        throw new HubError('LT_FEES_UNKNOWN_PROVIDER', 'provider momo is not mapped');
      fees.push({ id: e.id, ctx: { offset: ctx.offset, ...(ctx.replayOf ? { replayOf: ctx.replayOf } : {}) } });
    });
    const auditRunner = runner(`audit-${randomSuffix()}`, async (e) => void audit.push(e.id));
    await feesRunner.start();
    await auditRunner.start();
    await eventually(() => audit.length === 3 && fees.length === 1, { what: 'first pass' });

    const letters = await eventually(
      async () => {
        const l = await readDeadLetters(kafka(), dlqOf(topic), started.getTime(), { logger });
        return l.length === 2 ? l : undefined;
      },
      { what: 'two dead letters' },
    );
    expect(letters.map((l) => l.reason.code)).toEqual(['LT_FEES_UNKNOWN_PROVIDER', 'LT_FEES_UNKNOWN_PROVIDER']);
    expect(
      letters.every(
        (l) => l.reason.group === feesGroup && l.reason.originalTopic === topic && /not mapped/.test(l.reason.message ?? ''),
      ),
    ).toBe(true);

    // A dry run says what would go back, and publishes nothing.
    const dry = await replayDeadLetters({
      kafka: kafka(),
      producer,
      logger,
      dlqTopic: dlqOf(topic),
      since: started,
      dryRun: true,
    });
    expect(dry.replayed.map((r) => r.group)).toEqual([feesGroup, feesGroup]);

    momoFixed = true;
    const result = await replayDeadLetters({
      kafka: kafka(),
      producer,
      logger,
      dlqTopic: dlqOf(topic),
      since: started,
      group: feesGroup,
      codes: ['LT_FEES_UNKNOWN_PROVIDER'],
    });
    expect(result).toMatchObject({ topic, read: 2, skipped: [], dryRun: false });
    await eventually(() => fees.length === 3, { what: 'the replayed settlements handled by fees' });
    // Let "audit" see the replayed records if it were going to.
    // The topic holds the three originals and the two replays.
    await eventually(async () => (await readTopic(topic)).length === 5, { what: 'five records on the topic' });
    await new Promise((r) => setTimeout(r, 1_500));
    await feesRunner.stop();
    await auditRunner.stop();
    expect(audit.sort()).toEqual(sent.map((e) => e.id).sort());
    expect(fees.map((f) => f.id).sort()).toEqual(sent.map((e) => e.id).sort());
    // Handlers that order by offset see where the record first was, not the replay's offset.
    for (const f of fees.filter((x) => x.id !== sent[0]!.id)) {
      const letter = letters.find((l) => l.key === f.id)!;
      expect(f.ctx.replayOf).toEqual({ partition: letter.reason.originalPartition, offset: letter.reason.originalOffset });
      expect(f.ctx.offset).not.toBe(letter.reason.originalOffset);
    }
  });

  it('refuses a topic that is not a DLQ, and skips a letter without a group unless one is named', async () => {
    await expect(
      replayDeadLetters({ kafka: kafka(), producer, logger, dlqTopic: topicNames(ns).syncOutcomes, since: new Date(0) }),
    ).rejects.toMatchObject({ code: 'LT_DLQ_NOT_A_DLQ' });
    const dlq = dlqOf(topicNames(ns).syncOutcomes);
    const e = createEvent({
      source: 'urn:lienthong:test',
      type: 'vn.lienthong.sync.synced',
      subject: 'S',
      dataschema: 'x',
      data: {},
    });
    await producer.publishRecords(dlq, [{ key: 'S', value: JSON.stringify(e), headers: { 'dlq-error-code': 'LT_OLD' } }]);
    const r = await replayDeadLetters({ kafka: kafka(), producer, logger, dlqTopic: dlq, since: new Date(0), dryRun: true });
    expect(r.replayed).toEqual([]);
    expect(r.skipped[0]!.why).toMatch(/no dlq-group header/);
    const named = await replayDeadLetters({
      kafka: kafka(),
      producer,
      logger,
      dlqTopic: dlq,
      since: new Date(0),
      dryRun: true,
      group: 'g1',
    });
    expect(named.replayed).toMatchObject([{ key: 'S', group: 'g1', code: 'LT_OLD' }]);
  });
});
