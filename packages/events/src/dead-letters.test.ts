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
  runReplayDeadLettersCli,
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
  testKafka,
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

/**
 * The console's replay: exactly the previewed letters, named by DLQ partition and offset. Three partitions
 * whose offsets overlap (offset 0 exists in each), two groups, and a position that does not exist.
 */
describe('exact dead-letter replay by position (real Kafka)', () => {
  const base = () => `${ns}multi-${randomSuffix()}.v1`;

  async function topicWithLetters(): Promise<{ topic: string; dlq: string }> {
    const topic = base();
    const dlq = dlqOf(topic);
    const admin = testKafka('dlq-multi').admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic, numPartitions: 3 },
          { topic: dlq, numPartitions: 3 },
        ],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    // A plain producer puts each letter in the partition named, so the positions are known in advance.
    const raw = testKafka('dlq-multi-writer').producer();
    await raw.connect();
    const letter = (partition: number, key: string, group: string) => ({
      partition,
      key,
      value: JSON.stringify({ id: key }),
      headers: { 'dlq-group': group, 'dlq-error-code': 'LT_X', 'dlq-original-topic': topic },
    });
    await raw.send({
      topic: dlq,
      messages: [
        letter(0, 'p0-o0', 'g'),
        letter(0, 'p0-o1', 'g'),
        letter(0, 'p0-o2', 'g'),
        letter(1, 'p1-o0', 'g'),
        letter(1, 'p1-o1', 'g'),
        letter(2, 'p2-o0', 'other'),
      ],
    });
    await raw.disconnect();
    return { topic, dlq };
  }

  it("republishes exactly the named letters; the other group's letter and a missing one are reported, nothing else goes", async () => {
    const { topic, dlq } = await topicWithLetters();
    const r = await replayDeadLetters({
      kafka: kafka(),
      producer,
      logger,
      dlqTopic: dlq,
      group: 'g',
      letters: [
        { partition: 0, offset: '1' },
        { partition: 1, offset: '0' },
        { partition: 2, offset: '0' },
        { partition: 1, offset: '5' },
      ],
    });
    expect(r.replayed.map((x) => [x.dlqPartition, x.dlqOffset, x.key])).toEqual([
      [0, '1', 'p0-o1'],
      [1, '0', 'p1-o0'],
    ]);
    expect(r.skipped.map((x) => [x.dlqPartition, x.dlqOffset])).toEqual([
      [2, '0'],
      [1, '5'],
    ]);
    expect(r.skipped[0]!.why).toMatch(/group other/);
    expect(r.skipped[1]!.why).toMatch(/not in the dead-letter topic/);
    const back = await readTopic(topic);
    expect(back.map((b) => [b.key, b.headers['lt-replay-dlq-offset'], b.headers['lt-replay-group']]).sort()).toEqual([
      ['p0-o1', '0:1', 'g'],
      ['p1-o0', '1:0', 'g'],
    ]);
  });

  it('the CLI takes --letter positions the same way (dry run), and refuses malformed or conflicting selections', async () => {
    const { topic, dlq } = await topicWithLetters();
    let out = '';
    const env = { KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_NAMESPACE: ns, LOG_LEVEL: 'silent' };
    const name = topic.slice(ns.length);
    const code = await runReplayDeadLettersCli(['--topic', name, '--letter', '0:2', '--letter', '1:1', '--dry-run'], env, (s) => {
      out += s;
    });
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ dlqTopic: dlq, dryRun: true, skipped: [] });
    expect(r.replayed.map((x: { key: string }) => x.key)).toEqual(['p0-o2', 'p1-o1']);
    for (const args of [
      ['--letter', '0'],
      ['--letter', '-1:2'],
      ['--letter', `0:${'9'.repeat(40)}`],
      ['--letter', '0:1', '--since', '2026-01-01T00:00:00Z'],
      [],
    ]) {
      expect(await runReplayDeadLettersCli(['--topic', name, ...args], env, () => {}), args.join(' ')).toBe(2);
    }
  });

  it('refuses hostile or conflicting selections before reading anything', async () => {
    const dlq = dlqOf(topicNames(ns).syncOutcomes);
    const call = (o: Record<string, unknown>) =>
      replayDeadLetters({ kafka: kafka(), producer, logger, dlqTopic: dlq, ...o } as Parameters<typeof replayDeadLetters>[0]);
    for (const o of [
      {},
      { since: new Date(0), letters: [] },
      { letters: [{ partition: -1, offset: '0' }] },
      { letters: [{ partition: 0.5, offset: '0' }] },
      { letters: [{ partition: 0, offset: '1e3' }] },
      { letters: [{ partition: 0, offset: 7 }] },
      {
        letters: [
          { partition: 0, offset: '1' },
          { partition: 0, offset: '01' },
        ],
      },
      { letters: [null] },
      { letters: Array.from({ length: 10_001 }, (_, i) => ({ partition: 0, offset: String(i) })) },
      { since: new Date('not a time') },
    ]) {
      await expect(call(o), JSON.stringify(o).slice(0, 80)).rejects.toMatchObject({ code: 'LT_DLQ_REPLAY_SELECTION' });
    }
  });
});
