/**
 * Replay of dead letters of a consumer group other than national-sync, through the console and
 * packages/events' exact replay, on the real broker. Five dead letters in three DLQ partitions whose offsets
 * overlap (offset 0 and 1 exist in more than one): the operator selects two, previews them and replays them
 * with a reason; exactly those two are back on the original topic, addressed to the failing group only
 * (lt-replay-group), and leave the list; the others stay open and nothing else is republished. A replayed
 * letter is not replayed again unless the operator asks for it explicitly (logged); a letter that fails
 * again reopens its row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  createEventProducer,
  dlqOf,
  encodeEvent,
  replayDeadLetters,
  topicNames,
  type CloudEvent,
} from '@lienthong/events';
import { generateApiKey } from '@lienthong/platform';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  readTopic,
  testKafka,
} from '../../../tests/helpers/index.js';
import { startConsole, TestBrowser, type TestConsole } from './harness.js';

const key = generateApiKey();
const GROUP = 'operations-read-model-test';

describe('console replay of another consumer group through packages/events', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let c: TestConsole;
  const run = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  const m = (i: number) => `000.00.01.H22-251123-${run}${i}`;
  const event = (i: number): CloudEvent =>
    createEvent({
      id: `ev-${run}-${i}`,
      source: 'urn:lienthong:gateway',
      type: 'vn.lienthong.dossier.upserted',
      subject: m(i),
      dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/dong-bo-ho-so-mc.item.v1.json',
      data: { MaHoSo: m(i), TrangThaiHoSo: '2' },
    });
  /** Letter i in DLQ partition p: p0 holds 1, 2 (offsets 0, 1); p1 holds 3, 4 (0, 1); p2 holds 5 (0). */
  const layout: [number, number][] = [
    [1, 0],
    [2, 0],
    [3, 1],
    [4, 1],
    [5, 2],
  ];

  async function deadLetter(letters: [number, number][], reason: string, attempts: number): Promise<void> {
    const topic = topicNames(ns).dossierEvents;
    // A plain producer writes each letter to the partition named, so the positions are known.
    const p = testKafka('dlq-writer').producer();
    await p.connect();
    await p.send({
      topic: dlqOf(topic),
      messages: letters.map(([i, partition]) => ({
        partition,
        key: m(i),
        value: encodeEvent(event(i)),
        headers: {
          'dlq-original-topic': topic,
          'dlq-original-partition': '0',
          'dlq-original-offset': String(7 + i),
          'dlq-error-code': 'LT_OPS_APPLY_FAILED',
          'dlq-reason': `${reason} (${i})`,
          'dlq-attempts': String(attempts),
          'dlq-time': new Date().toISOString(),
          'dlq-group': GROUP,
        },
      })),
    });
    await p.disconnect();
  }

  const rowOf = async (i: number) =>
    (
      await c.pool.query(`SELECT id::text, state, dlq_partition, dlq_offset::text FROM console_dead_letter WHERE ma_ho_so = $1`, [
        m(i),
      ])
    ).rows[0] as { id: string; state: string; dlq_partition: number; dlq_offset: string };
  const republished = async () =>
    (await readTopic(topicNames(ns).dossierEvents)).filter((r) => r.key?.startsWith(`000.00.01.H22-251123-${run}`));

  beforeAll(async () => {
    ns = await createTestNamespace();
    db = await createTestDatabase();
    // Three DLQ partitions (the catalogue has one), before the console's index subscribes.
    const admin = testKafka('dlq-partitions').admin();
    await admin.connect();
    await admin.createPartitions({ topicPartitions: [{ topic: dlqOf(topicNames(ns).dossierEvents), count: 3 }] });
    await admin.disconnect();
    c = await startConsole({ databaseUrl: db.url, operators: [{ id: 'van-hanh', key, roles: ['operator'] }], namespace: ns });
  });

  afterAll(async () => {
    await c?.close();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  it('replays exactly the selected letters to the group that failed, never an unselected or already replayed one unless asked, and reopens a letter that fails again', async () => {
    await deadLetter(layout, 'bảng ops_read chưa có cột mới', 3);
    await eventually(
      async () =>
        Number(
          (await c.pool.query(`SELECT count(*) AS n FROM console_dead_letter WHERE ma_ho_so LIKE $1`, [`%-${run}_`])).rows[0].n,
        ) === 5,
      { what: 'the five dead letters indexed', timeoutMs: 30_000 },
    );
    const rows = await Promise.all(layout.map(([i]) => rowOf(i)));
    expect(rows.map((r) => [r.dlq_partition, r.dlq_offset])).toEqual([
      [0, '0'],
      [0, '1'],
      [1, '0'],
      [1, '1'],
      [2, '0'],
    ]);
    const [, two, three] = rows;
    const b = new TestBrowser(c.app);
    await b.signIn(key);
    const list = await b.get('/thu-loi');
    expect(list.body).toContain(GROUP);
    expect(list.body).not.toContain('no replay');

    // Letter 2 (p0, offset 1) and letter 3 (p1, offset 0): an offset alone would also name letters 4 and 1.
    const preview = await b.post('/thu-loi/xem-truoc', {
      _csrf: await b.csrf('/thu-loi'),
      mode: 'selected',
      ids: [two!.id, three!.id],
    });
    expect(preview.body).toContain('Sẽ phát lại 2 thư lỗi');
    const previewed = [...preview.body.matchAll(/name="ids" value="(\d+)"/g)].map((x) => x[1]);
    expect(previewed.sort()).toEqual([two!.id, three!.id].sort());
    const done = await b.post('/thu-loi/phat-lai', {
      _csrf: await b.csrf('/thu-loi'),
      ids: previewed as string[],
      expected: '2',
      reason: 'đã thêm cột, chạy lại',
    });
    expect(done.statusCode).toBe(200);
    // What it is: Kafka committed the write back, not the consumer confirming it handled it.
    expect(done.body).toContain('2 thư đã được ghi lại vào chủ đề gốc cho đúng nhóm consumer đã lỗi (Kafka đã xác nhận ghi)');
    expect(done.body).not.toContain('consumer xác nhận');
    expect((await Promise.all(layout.map(([i]) => rowOf(i)))).map((r) => r.state)).toEqual([
      'open',
      'replayed',
      'replayed',
      'open',
      'open',
    ]);
    const back = await republished();
    expect(
      back.map((r) => [JSON.parse(r.value!).id, r.headers['lt-replay-group'], r.headers['lt-replay-dlq-offset']]).sort(),
    ).toEqual([
      [`ev-${run}-2`, GROUP, '0:1'],
      [`ev-${run}-3`, GROUP, '1:0'],
    ]);

    // Replayed once: a forged second replay claims nothing and republishes nothing.
    const again = await b.post('/thu-loi/phat-lai', {
      _csrf: await b.csrf('/thu-loi'),
      ids: two!.id,
      expected: '1',
      reason: 'bấm hai lần',
    });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('1 thư không được phát lại');
    const unasked = await b.post('/thu-loi/xem-truoc', { _csrf: await b.csrf('/thu-loi'), mode: 'selected', ids: two!.id });
    expect(unasked.body).toContain('Sẽ phát lại 0 thư lỗi');
    expect(await republished()).toHaveLength(2);

    // Asked for explicitly (the list with replayed letters offers it): replayed again, and logged as such.
    expect((await b.get('/thu-loi?replayed=1')).body).toContain('name="again"');
    const rePreview = await b.post('/thu-loi/xem-truoc', {
      _csrf: await b.csrf('/thu-loi'),
      mode: 'selected',
      ids: two!.id,
      again: '1',
    });
    expect(rePreview.body).toContain('Sẽ phát lại 1 thư lỗi');
    expect(rePreview.body).toContain('1 thư đã được phát lại trước đây');
    const re = await b.post('/thu-loi/phat-lai', {
      _csrf: await b.csrf('/thu-loi'),
      ids: two!.id,
      expected: '1',
      again: '1',
      reason: 'consumer đã xóa nhầm dữ liệu, phát lại lần nữa',
    });
    expect(re.statusCode).toBe(200);
    expect((await rowOf(2)).state).toBe('replayed');
    expect((await republished()).map((r) => JSON.parse(r.value!).id).sort()).toEqual([
      `ev-${run}-2`,
      `ev-${run}-2`,
      `ev-${run}-3`,
    ]);
    const log = (
      await c.pool.query(
        `SELECT detail FROM console_action WHERE action = 'replay-dead-letters-result' AND reason = 'consumer đã xóa nhầm dữ liệu, phát lại lần nữa'`,
      )
    ).rows;
    expect(log).toEqual([
      { detail: expect.objectContaining({ replayedAgain: [two!.id], delivered: [{ id: two!.id, via: 'kafka' }] }) },
    ]);

    // Letter 5 replayed outside the console (the CLI, packages/events): the index sees the republished
    // record name its letter, marks the row replayed, and the console does not offer it again unasked.
    const five = rows[4]!;
    const cli = createEventProducer({
      kafka: testKafka('dlq-cli'),
      logger: quietLogger(),
      transactionalIdPrefix: `dlq-cli-${ns}`,
      lanes: 1,
    });
    await cli.connect();
    const byCli = await replayDeadLetters({
      kafka: testKafka('dlq-cli'),
      producer: cli,
      logger: quietLogger(),
      dlqTopic: dlqOf(topicNames(ns).dossierEvents),
      letters: [{ partition: 2, offset: '0' }],
    });
    await cli.disconnect();
    expect(byCli.replayed.map((x) => x.key)).toEqual([m(5)]);
    await eventually(async () => (await rowOf(5)).state === 'replayed', {
      what: 'the CLI replay seen by the index',
      timeoutMs: 30_000,
    });
    const after = await b.post('/thu-loi/xem-truoc', { _csrf: await b.csrf('/thu-loi'), mode: 'selected', ids: five.id });
    expect(after.body).toContain('Sẽ phát lại 0 thư lỗi');
    expect((await rowOf(1)).state).toBe('open');
    expect((await rowOf(4)).state).toBe('open');

    // The group fails letter 3 again: a new dead letter reopens its row with the new failure.
    await deadLetter([[3, 1]], 'vẫn lỗi: cột sai kiểu', 1);
    const reopened = await eventually(
      async () =>
        (
          await c.pool.query(`SELECT state, reason, failures FROM console_dead_letter WHERE id = $1 AND state = 'open'`, [
            three!.id,
          ])
        ).rows[0],
      { what: 'the row reopened with the new failure', timeoutMs: 30_000 },
    );
    expect(reopened).toEqual({ state: 'open', reason: 'vẫn lỗi: cột sai kiểu (3)', failures: 2 });
  });
});
