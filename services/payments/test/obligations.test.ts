/**
 * Tax notices from the national portal become payment obligations (issue 13 §4). The events are made by
 * services/inbound's own receiver and read back from the real broker, so the contract between the two
 * services is what is tested; obligations live in a real Postgres.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiClientRegistry,
  createHttpServer,
  createMetricsRegistry,
  createPool,
  generateApiKey,
  hashApiKey,
  runMigrations,
  type Pool,
} from '@lienthong/platform';
import { createEventProducer, createKafka, decodeEvent, topicNames, type EventProducer } from '@lienthong/events';
import type { FastifyInstance } from 'fastify';
import { createReceiver } from '../../inbound/src/receive.js';
import { createRouter } from '../../inbound/src/routing.js';
import { createTaxNoticeObligations } from '../src/obligations/tax-notices.js';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  quietLogger,
  readTopic,
  testBrokers,
} from '../../../tests/helpers/index.js';

const key = generateApiKey();
const foreign = generateApiKey();
let db: { url: string; drop: () => Promise<void> };
let pool: Pool;
let ns: string;
let producer: EventProducer;
let app: FastifyInstance;
const obligations = () => createTaxNoticeObligations({ pool, paidStatuses: [1] });

async function notice(maHoSo: string, status: number, extra: Record<string, unknown> = {}) {
  const receive = createReceiver({
    pool,
    producer,
    topic: topicNames(ns).nationalInbound,
    route: createRouter({}),
    maxAttachmentBytes: 1 << 20,
    logger: quietLogger(),
  });
  await receive('tax-notice', {
    MaHoSo: maHoSo,
    HoTenNguoiNopTien: 'Nguyễn Văn Bình',
    MaSoThue: '8012345678',
    ThongTinThanhToan: {
      MaThongBaoThue: `TB-${maHoSo}`,
      ThoiGianThanhToan: '20270115',
      SoTien: '1500000',
      NoiDungThanhToan: 'Lệ phí trước bạ nhà đất',
    },
    TrangThaiThanhToan: status,
    UrlFileChungTu: '',
    ...extra,
  });
  const recs = (await readTopic(topicNames(ns).nationalInbound)).filter((r) => r.key === maHoSo);
  return decodeEvent(recs[recs.length - 1]!.value!);
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ connectionString: db.url, applicationName: 'obligations-test', max: 4 });
  await runMigrations(pool, { service: 'payments', dir: fileURLToPath(new URL('../migrations/', import.meta.url)) });
  await runMigrations(pool, { service: 'inbound', dir: fileURLToPath(new URL('../../inbound/migrations/', import.meta.url)) });
  ns = await createTestNamespace();
  producer = createEventProducer({
    kafka: createKafka({ brokers: testBrokers(), clientId: 'obligations-test', logger: quietLogger() }),
    logger: quietLogger(),
    transactionalIdPrefix: `obl-${ns}`,
  });
  await producer.connect();
  app = await createHttpServer({
    name: 'obligations-test',
    logger: quietLogger(),
    metrics: createMetricsRegistry('obl'),
    auth: {
      clients: createApiClientRegistry({
        clients: [
          { id: 'h22', name: 'H22', keyHash: hashApiKey(key), agencies: ['*.H22'], roles: ['submitter'] },
          { id: 'h56', name: 'H56', keyHash: hashApiKey(foreign), agencies: ['*.H56'], roles: ['submitter', 'viewer'] },
        ],
      }),
    },
  });
  obligations().routes(app);
});

afterAll(async () => {
  await app?.close();
  await producer?.disconnect();
  await pool?.end();
  await db?.drop();
  if (ns) await deleteTestNamespace(ns);
});

const get = (maHoSo: string, k = key) =>
  app.inject({
    method: 'GET',
    url: `/v1/payments/obligations?MaHoSo=${encodeURIComponent(maHoSo)}`,
    headers: { authorization: `Bearer ${k}` },
  });

describe('tax notices as payment obligations', () => {
  it('a notice makes one obligation (owed), redelivery changes nothing, the portal’s "paid" settles it with its proof', async () => {
    const m = '000.00.01.H22-270110-0101';
    const owed = await notice(m, 0);
    expect(await obligations().handle(owed)).toBe('recorded');
    expect(await obligations().handle(owed)).toBe('duplicate');
    let r = (await get(m)).json();
    expect(r.obligations).toEqual([
      expect.objectContaining({
        reference: `TB-${m}`,
        amount: 1500000,
        status: 'owed',
        portal_status: 0,
        description: 'Lệ phí trước bạ nhà đất',
        proof_url: null,
      }),
    ]);
    const paid = await notice(m, 1, { UrlFileChungTu: 'https://thuedientu.gdt.gov.vn/chung-tu/123.pdf' });
    expect(await obligations().handle(paid)).toBe('recorded');
    r = (await get(m)).json();
    expect(r.obligations).toHaveLength(1);
    expect(r.obligations[0]).toMatchObject({
      status: 'paid',
      portal_status: 1,
      proof_url: 'https://thuedientu.gdt.gov.vn/chung-tu/123.pdf',
    });
    const history = await pool.query(
      'SELECT portal_status FROM payment_obligation_history WHERE reference = $1 ORDER BY received_at',
      [`TB-${m}`],
    );
    expect(history.rows.map((h) => h.portal_status)).toEqual([0, 1]);
  });

  it('a status whose meaning is not known is kept as "reported", never guessed; a paid obligation is never un-paid', async () => {
    const m = '000.00.01.H22-270110-0102';
    await obligations().handle(await notice(m, 7));
    expect((await get(m)).json().obligations[0]).toMatchObject({ status: 'reported', portal_status: 7 });
    await obligations().handle(await notice(m, 1));
    await obligations().handle(await notice(m, 0));
    expect((await get(m)).json().obligations[0]).toMatchObject({ status: 'paid', portal_status: 0 });
  });

  it('other inbound kinds are not obligations; scope is the dossier’s own agency; bad queries are refused', async () => {
    expect(
      await obligations().handle({
        ...(await notice('000.00.01.H22-270110-0103', 0)),
        type: 'vn.lienthong.inbound.dossier-created',
      }),
    ).toBe('skipped');
    expect((await get('000.00.01.H22-270110-0101', foreign)).statusCode).toBe(403);
    expect((await get('x')).statusCode).toBe(400);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/payments/obligations?MaHoSo=000.00.01.H22-270110-0101' })).statusCode,
    ).toBe(401);
  });
});
