/**
 * Replay of a dead letter of a consumer group other than national-sync, through the console and
 * packages/events' generic replay, on the real broker: the console indexes the dead letter, the operator
 * previews and replays it with a reason, the record is back on its original topic addressed to that group
 * only (lt-replay-group), the row leaves the list; when the consumer refuses it again, the row reopens with
 * the new failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  createEventProducer,
  createKafka,
  dlqOf,
  encodeEvent,
  topicNames,
  type EventProducer,
} from '@lienthong/events';
import { generateApiKey } from '@lienthong/platform';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  readTopic,
  testBrokers,
} from '../../../tests/helpers/index.js';
import { startConsole, TestBrowser, type TestConsole } from './harness.js';

const key = generateApiKey();
const GROUP = 'operations-read-model-test';

describe('console replay of another consumer group through packages/events', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let c: TestConsole;
  let producer: EventProducer;
  const m = `000.00.01.H22-251123-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const event = createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.upserted',
    subject: m,
    dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/dong-bo-ho-so-mc.item.v1.json',
    data: { MaHoSo: m, TrangThaiHoSo: '2' },
  });

  async function deadLetter(reason: string, attempts: number): Promise<void> {
    const topic = topicNames(ns).dossierEvents;
    await producer.publishRecords(dlqOf(topic), [
      {
        key: m,
        value: encodeEvent(event),
        headers: {
          'dlq-original-topic': topic,
          'dlq-original-partition': '0',
          'dlq-original-offset': '7',
          'dlq-error-code': 'LT_OPS_APPLY_FAILED',
          'dlq-reason': reason,
          'dlq-attempts': String(attempts),
          'dlq-time': new Date().toISOString(),
          'dlq-group': GROUP,
        },
      },
    ]);
  }

  beforeAll(async () => {
    ns = await createTestNamespace();
    db = await createTestDatabase();
    producer = createEventProducer({
      kafka: createKafka({ brokers: testBrokers(), clientId: 'dlq-writer', logger: quietLogger() }),
      logger: quietLogger(),
      transactionalIdPrefix: `dlq-writer-${ns}`,
      lanes: 1,
    });
    await producer.connect();
    c = await startConsole({ databaseUrl: db.url, operators: [{ id: 'van-hanh', key, roles: ['operator'] }], namespace: ns });
  });

  afterAll(async () => {
    await c?.close();
    await producer?.disconnect();
    if (ns) await deleteTestNamespace(ns);
    await db?.drop();
  });

  it('replays to the group that failed only, removes the row on the ack, and reopens it when the group fails again', async () => {
    await deadLetter('bảng ops_read chưa có cột mới', 3);
    await eventually(async () => (await c.pool.query(`SELECT 1 FROM console_dead_letter WHERE ma_ho_so = $1`, [m])).rowCount, {
      what: 'the dead letter indexed',
      timeoutMs: 30_000,
    });
    const b = new TestBrowser(c.app);
    await b.signIn(key);
    const list = await b.get(`/thu-loi?maHoSo=${m}`);
    expect(list.body).toContain(GROUP);
    expect(list.body).not.toContain('no replay');
    const preview = await b.post('/thu-loi/xem-truoc', { _csrf: await b.csrf('/thu-loi'), mode: 'filter', maHoSo: m });
    expect(preview.body).toContain('Sẽ phát lại 1 thư lỗi');
    const id = /name="ids" value="(\d+)"/.exec(preview.body)![1]!;
    const done = await b.post('/thu-loi/phat-lai', {
      _csrf: await b.csrf('/thu-loi'),
      ids: id,
      expected: '1',
      reason: 'đã thêm cột, chạy lại',
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('1 thư đã được consumer xác nhận');
    expect((await c.pool.query(`SELECT state FROM console_dead_letter WHERE id = $1`, [id])).rows[0].state).toBe('replayed');

    const back = (await readTopic(topicNames(ns).dossierEvents)).filter((r) => r.key === m);
    expect(back).toHaveLength(1);
    expect(back[0]!.headers['lt-replay-group']).toBe(GROUP);
    expect(JSON.parse(back[0]!.value!).id).toBe(event.id);

    await deadLetter('vẫn lỗi: cột sai kiểu', 1);
    const reopened = await eventually(
      async () =>
        (await c.pool.query(`SELECT state, reason, failures FROM console_dead_letter WHERE id = $1 AND state = 'open'`, [id]))
          .rows[0],
      { what: 'the row reopened with the new failure', timeoutMs: 30_000 },
    );
    expect(reopened).toEqual({ state: 'open', reason: 'vẫn lỗi: cột sai kiểu', failures: 2 });
  });
});
