/**
 * Test harness of the operations service: a fresh database with the service's migrations, the read model
 * in its schema, the shipped calendar and agency overrides, the core and the HTTP app (buildApp on the
 * platform server with real auth), a transactional producer on the real broker under a random namespace.
 */
import type { FastifyInstance } from 'fastify';
import {
  createApiClientRegistry,
  createHttpServer,
  createMetricsRegistry,
  createPool,
  fixedClock,
  generateApiKey,
  hashApiKey,
  runMigrations,
  type Pool,
  type Role,
} from '@lienthong/platform';
import {
  createEvent,
  createEventProducer,
  createKafka,
  topicNames,
  type CloudEvent,
  type EventProducer,
} from '@lienthong/events';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  quietLogger,
  randomSuffix,
  testBrokers,
} from '../../../tests/helpers/index.js';
import { loadCalendar, type WorkingCalendar } from '../src/calendar/calendar.js';
import { loadAgencyOverrides } from '../src/registry/agency-registry.js';
import { ensureReadModel } from '../src/read-model/schema.js';
import { createOperationsCore, type OperationsCore } from '../src/core.js';
import { buildApp } from '../src/app.js';
import { defaultAgencyOverridesFile, defaultCalendarDir, migrationsDir } from '../src/paths.js';
import { outcomeEvent } from '../../national-sync/src/outbox/outcomes.js';
import { registerCatalogueRoutes } from '../src/catalogue/catalogue-routes.js';
import { registerRatingRoutes } from '../src/ratings/ratings.js';
import type { CatalogueSync } from '../src/catalogue/catalogue-sync.js';

export const calendar: WorkingCalendar = loadCalendar(defaultCalendarDir);
export const VN = 7 * 3_600_000;
/** Epoch ms of a Vietnamese local time `yyyy-mm-ddThh:mm`. */
export const at = (local: string) => Date.parse(`${local}:00+07:00`);
/** yyyyMMddHHmmss (Vietnamese local) of a local time `yyyy-mm-ddThh:mm`. */
export const d14 = (local: string) => `${local.replace(/[-:T]/g, '')}00`;

export interface Keys {
  viewer: string;
  operator: string;
  submitter: string;
  /** A viewer limited to the old province H22. */
  scopedViewer: string;
  /** A viewer limited to one unit of H99 (000.00.01.H99). */
  unitViewer: string;
  /** An operator limited to the old province H22. */
  scopedOperator: string;
}

export interface Harness {
  pool: Pool;
  schema: string;
  core: OperationsCore;
  app: FastifyInstance;
  clock: ReturnType<typeof fixedClock>;
  producer: EventProducer;
  namespace: string;
  topics: ReturnType<typeof topicNames>;
  keys: Keys;
  kafka: ReturnType<typeof createKafka>;
  dbUrl: string;
  /** The app's /metrics registry, which the first core's counters are on. */
  metrics: ReturnType<typeof createMetricsRegistry>;
  /** A second core on the same database (a restarted or second instance), without metrics. */
  newCore(schema?: string): OperationsCore;
  close(): Promise<void>;
}

export async function createHarness(opts: {
  now: string;
  schema?: string;
  populationCodes?: string[];
  catalogueSync?: (d: { pool: Pool; core: OperationsCore; clock: ReturnType<typeof fixedClock> }) => CatalogueSync;
}): Promise<Harness> {
  const logger = quietLogger('operations-test');
  const db = await createTestDatabase();
  const namespace = await createTestNamespace();
  const pool = createPool({ connectionString: db.url, applicationName: 'operations-test', logger });
  await runMigrations(pool, { service: 'operations', dir: migrationsDir, logger });
  const schema = opts.schema ?? 'ops_read';
  await ensureReadModel(pool, schema);
  const clock = fixedClock(new Date(opts.now));
  const kafka = createKafka({ brokers: testBrokers(), clientId: `ops-test-${randomSuffix()}`, logger });
  const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: `ops-test-${randomSuffix()}` });
  await producer.connect();
  const topics = topicNames(namespace);
  const overrides = loadAgencyOverrides(defaultAgencyOverridesFile);
  // As in the service, the core's counters (read model, deadline flow) are on the app's /metrics; only the
  // first core gets them (a registry takes each metric name once).
  const metrics = createMetricsRegistry('operations-test');
  const newCore = (s = schema, withMetrics = false) =>
    createOperationsCore({
      ...(withMetrics ? { metrics } : {}),
      pool,
      schema: s,
      calendar,
      clock,
      logger,
      producer,
      deadlineTopic: topics.dossierDeadline,
      agencyOverrides: overrides,
      populationCodes: opts.populationCodes ?? [],
      dueSoonWorkingHours: 8,
      outboxIntervalMs: 100,
    });
  const core = newCore(schema, true);
  await core.registry.applyOverrides(overrides);

  const keyOf = () => generateApiKey();
  const k = {
    viewer: keyOf(),
    operator: keyOf(),
    submitter: keyOf(),
    scopedViewer: keyOf(),
    unitViewer: keyOf(),
    scopedOperator: keyOf(),
  };
  const client = (id: string, key: string, roles: Role[], agencies = ['*']) => ({
    id,
    name: id,
    keyHash: hashApiKey(key),
    agencies,
    roles,
  });
  const clients = createApiClientRegistry({
    clients: [
      client('viewer', k.viewer, ['viewer']),
      client('operator', k.operator, ['operator']),
      client('submitter', k.submitter, ['submitter']),
      client('scoped', k.scopedViewer, ['viewer'], ['*.H22']),
      client('unit', k.unitViewer, ['viewer'], ['000.00.01.H99']),
      client('scoped-operator', k.scopedOperator, ['operator'], ['*.H22']),
    ],
  });
  const server = await createHttpServer({
    name: 'operations',
    logger,
    metrics,
    auth: { clients },
  });
  const app = await buildApp({
    server,
    core,
    pool,
    schema,
    calendar,
    clock,
    extraRoutes: [
      (a) => registerCatalogueRoutes(a, { pool, sync: opts.catalogueSync?.({ pool, core, clock }), refuseAgencies: ['*.H22'] }),
      (a) => registerRatingRoutes(a, { pool, clock }),
    ],
  });
  return {
    pool,
    schema,
    core,
    app,
    clock,
    producer,
    namespace,
    topics,
    keys: k,
    kafka,
    dbUrl: db.url,
    metrics,
    newCore: (s?: string) => newCore(s),
    async close() {
      await core.outbox.stop();
      await app.close();
      await producer.disconnect();
      await pool.end();
      await db.drop();
      await deleteTestNamespace(namespace).catch(() => {});
    },
  };
}

/** A dossier snapshot event as the gateway publishes it. */
export function snapshotEvent(item: Record<string, unknown>, time: string): CloudEvent {
  return createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.upserted',
    subject: String(item.MaHoSo),
    dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/dong-bo-ho-so-mc.item.v1.json',
    data: item,
    time: new Date(time),
  });
}

/** A progress step event. */
export function stepEvent(maHoSo: string, trangThai: number, local: string, note = ''): CloudEvent {
  return createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.progressed',
    subject: maHoSo,
    dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/cap-nhat-tien-do-ho-so-mc.item.v1.json',
    data: {
      MaHoSo: maHoSo,
      NguoiXuLy: 'Chuyên viên',
      ThoiDiemXuLy: d14(local),
      NoiDungXuLy: note || `Trạng thái ${trangThai}`,
      TrangThai: String(trangThai),
    },
    time: new Date(at(local)),
  });
}

export function settledEvent(maHoSo: string, paymentId: string, flag: '1' | '2', paidAt: string): CloudEvent {
  return createEvent({
    id: `payment-${paymentId}-settled`,
    source: 'urn:lienthong:payments',
    type: 'vn.lienthong.payment.settled',
    subject: paymentId,
    dataschema: 'https://lienthong.gov.vn/schemas/events/payment-settled.v1.json',
    data: {
      paymentId,
      MaHoSo: maHoSo,
      provider: flag === '1' ? 'paygov' : 'vnpay',
      amount: 50_000,
      DuocThanhToanTrucTuyen: flag,
      paidAt,
    },
    time: new Date(paidAt),
  });
}

export function expiredEvent(maHoSo: string, paymentId: string, time: string): CloudEvent {
  return createEvent({
    id: `payment-${paymentId}-expired`,
    source: 'urn:lienthong:payments',
    type: 'vn.lienthong.payment.expired',
    subject: paymentId,
    dataschema: 'https://lienthong.gov.vn/schemas/events/payment-expired.v1.json',
    data: { paymentId, MaHoSo: maHoSo },
    time: new Date(time),
  });
}

/**
 * A sync outcome as national-sync itself publishes it: built by its own `outcomeEvent`, so a change of the
 * producer's event type or shape breaks these tests instead of silently emptying indicator 1.4 (review found
 * the read model listening for a type nobody published, while fixtures invented that very type).
 */
export function syncEvent(maHoSo: string, outcome: 'accepted' | 'rejected', time: string): CloudEvent {
  return outcomeEvent(
    { maHoSo, outcome: outcome === 'accepted' ? 'synced' : 'rejected', service: 'DongBoHoSoMC', attempts: 1 },
    new Date(time),
  ) as unknown as CloudEvent;
}

/** Feeds events to a core's handler with increasing offsets (as one partition would deliver them). */
export async function feed(core: OperationsCore, events: CloudEvent[], startOffset = 0): Promise<void> {
  let offset = startOffset;
  for (const e of events) await core.handle(e, { offset: String(offset++) });
}

/** Inserts a procedure as the catalogue sync would have stored it. */
export async function putProcedure(
  pool: Pool,
  p: { ma: string; name?: string; legalDays: number; fee: number; paper: boolean; agencies: string[]; workingDays?: boolean },
): Promise<void> {
  await pool.query(
    `INSERT INTO ops_procedure (ma_tthc, name, legal_days, working_days, unit, fees, has_fee, requires_paper_result, online_channel, agencies)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true, $9) ON CONFLICT (ma_tthc) DO NOTHING`,
    [
      p.ma,
      p.name ?? `Thủ tục ${p.ma}`,
      p.legalDays,
      p.workingDays ?? true,
      p.workingDays === false ? 'Ngày' : 'Ngày làm việc',
      JSON.stringify(p.fee > 0 ? [{ MAPHILEPHI: `LP-${p.ma}`, SOTIEN: p.fee, MOTA: 'Lệ phí' }] : []),
      p.fee > 0,
      p.paper,
      p.agencies,
    ],
  );
}
