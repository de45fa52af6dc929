/**
 * Test harness of national-sync (unit tests beside the code and tests/e2e/national-sync*.test.ts): valid
 * national packets, dossier events, the DVCQG sandbox peer in-process over real HTTP, and national-sync
 * itself built with buildApp on real Kafka and Postgres.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDvcqgClient } from '@lienthong/dvcqg';
import { createEvent, createEventProducer, createKafka, type CloudEvent, type EventProducer } from '@lienthong/events';
import {
  createPool,
  generateApiKey,
  hashApiKey,
  loadApiClients,
  runMigrations,
  type Logger,
  type Pool,
} from '@lienthong/platform';
import { schemaIds } from '@lienthong/standard';
import dvcqgPeer from '../../sandbox/src/peers/dvcqg/index.js';
import { buildApp, migrationsDir, type SyncApp } from '../src/app.js';
import { loadSyncConfig } from '../src/config.js';
import type { PortalClient } from '../src/push/portal.js';
import { randomSuffix, testBrokers } from '../../../tests/helpers/index.js';

export const SANDBOX_USER = 'lienthong';
export const SANDBOX_PASSWORD = 'lienthong-sandbox';
export const MADONVI = '000.00.00.H22';

/** A well-formed MaHoSo; `run` keeps dossiers of different tests apart. */
export function maHoSoOf(i: number, run = 0): string {
  return `000.00.${String(10 + (run % 89)).padStart(2, '0')}.H22-250702-${String(i).padStart(6, '0')}`;
}

/** A DongBoHoSoMC item that passes the national schema, with nested lists so field-for-field checks mean something. */
export function dossierItem(ma: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    MaHoSo: ma,
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    MaLinhVuc: 'G09-HT01',
    TenLinhVuc: 'Hộ tịch',
    LoaiDoiTuong: '1',
    ChuHoSo: 'Nguyễn Văn An',
    TrichYeuHoSo: 'Đăng ký khai sinh cho con',
    NgayTiepNhan: '20250702083000',
    NgayHenTra: '20250703170000',
    TrangThaiHoSo: '2',
    DonViXuLy: 'Ủy ban nhân dân phường Bến Đò',
    KenhThucHien: '2',
    TaiLieuNop: [
      {
        TepDinhKemId: 'f-1',
        TenTepDinhKem: 'To khai.pdf',
        IsDeleted: 'False',
        MaThanhPhanHoSo: '',
        DuongDanTaiTepTin: 'https://files.example.vn/f-1',
      },
    ],
    DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '0', LoaiPhiLePhi: '1' }],
    ...overrides,
  };
}

/** The dossier at status `status` (2 received, 4 processing, 9 done, 10 delivered) with the dates each requires. */
export function dossierAt(
  ma: string,
  status: '2' | '4' | '5' | '6' | '9' | '10',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const end = status === '9' || status === '10' ? { NgayKetThucXuLy: '20250703100000' } : {};
  const delivered = status === '10' ? { NgayTra: '20250703110000' } : {};
  return dossierItem(ma, { TrangThaiHoSo: status, ...end, ...delivered, ...overrides });
}

/** A CapNhatTienDoHoSoMC item; `n` makes steps of one dossier distinct (minute n after 09:00). */
export function stepItem(ma: string, n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const t = new Date(Date.UTC(2025, 6, 2, 9, 0, 0) + n * 60_000);
  const ts = `${t.getUTCFullYear()}${String(t.getUTCMonth() + 1).padStart(2, '0')}${String(t.getUTCDate()).padStart(2, '0')}${String(t.getUTCHours()).padStart(2, '0')}${String(t.getUTCMinutes()).padStart(2, '0')}00`;
  return {
    MaHoSo: ma,
    NguoiXuLy: 'Chuyên viên',
    ThoiDiemXuLy: ts,
    NoiDungXuLy: `Bước xử lý ${n}`,
    TrangThai: '4',
    PhongBanXuLy: 'Bộ phận một cửa',
    ...overrides,
  };
}

export function upsertedEvent(item: Record<string, unknown>, time?: Date): CloudEvent {
  return createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.upserted',
    subject: String(item.MaHoSo),
    dataschema: schemaIds.dossierItem,
    data: item,
    ...(time ? { time } : {}),
  });
}

export function progressedEvent(item: Record<string, unknown>, time?: Date): CloudEvent {
  return createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.progressed',
    subject: String(item.MaHoSo),
    dataschema: schemaIds.progressItem,
    data: item,
    ...(time ? { time } : {}),
  });
}

/** `data` of a vn.lienthong.payment.settled event as services/payments publishes it (schemas/events/payment-settled.v1.json). */
export function settledData(
  maHoSo: string,
  settledAt = new Date(),
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = randomUUID();
  return {
    paymentId: id,
    MaHoSo: maHoSo,
    agencyCode: maHoSo.split('-')[0],
    provider: 'vnpay',
    merchant: 'LTHUB001',
    orderRef: id.replace(/-/g, ''),
    providerTxnId: '14123456',
    amount: 50000,
    currency: 'VND',
    fees: [{ TenPhiLePhi: 'Lệ phí đăng ký', SoTien: 50000, LoaiPhiLePhi: '2' }],
    DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký', MaPhiLePhi: '1', HinhThucThu: '1', Gia: '50000', LoaiPhiLePhi: '2' }],
    DuocThanhToanTrucTuyen: '2',
    paidAt: settledAt.toISOString(),
    settledAt: settledAt.toISOString(),
    settledBy: 'ipn',
    late: false,
    ...overrides,
  };
}

export function settledEvent(data: Record<string, unknown>): CloudEvent {
  return createEvent({
    id: `payment-${String(data.paymentId)}-settled`,
    source: 'urn:lienthong:payments',
    type: 'vn.lienthong.payment.settled',
    subject: String(data.paymentId),
    dataschema: schemaIds.paymentSettledEvent,
    data,
    time: new Date(String(data.settledAt)),
  });
}

/**
 * API keys of national-sync's clients in tests (one clients file per test process): an operator of every
 * agency, an operator of province H22 only, a submitter (a provincial one-stop system), a viewer.
 */
export const testKeys = {
  operator: generateApiKey(),
  operatorH22: generateApiKey(),
  submitter: generateApiKey(),
  viewer: generateApiKey(),
};
/** Headers of the operator of every agency. */
export const operatorAuth = { authorization: `Bearer ${testKeys.operator}` };

let clientsFile: string | undefined;
/** The clients file of {@link testKeys} (written once per process). */
export function testClientsFile(): string {
  if (clientsFile) return clientsFile;
  const entry = (id: string, key: string, roles: string[], agencies: string[]) => ({
    id,
    name: id,
    keyHash: hashApiKey(key),
    roles,
    agencies,
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ns-clients-')), 'api-clients.json');
  writeFileSync(
    file,
    JSON.stringify({
      clients: [
        entry('operator', testKeys.operator, ['operator'], ['*']),
        entry('operator-h22', testKeys.operatorH22, ['operator'], ['*.H22']),
        entry('submitter', testKeys.submitter, ['submitter'], ['*']),
        entry('viewer', testKeys.viewer, ['viewer'], ['*']),
      ],
    }),
  );
  clientsFile = file;
  return file;
}

/** The sandbox's DVCQG peer alone on a random port, as the sandbox app mounts it (/dvcqg). */
export interface Sandbox {
  url: string;
  app: FastifyInstance;
  faults(f: Record<string, unknown>): Promise<void>;
  dossier(maHoSo: string): Promise<SandboxDossier | undefined>;
  calls(query?: string): Promise<{ items: Array<Record<string, unknown>> }>;
  expireSessions(): Promise<void>;
  stats(): Promise<{ dossiers: number; steps: number; callsTotal: number }>;
  close(): Promise<void>;
}

export interface SandboxDossier {
  maHoSo: string;
  dossier: Record<string, unknown> | null;
  version: number;
  progress: Array<{ step: Record<string, unknown>; timesReceived: number }>;
  history: Array<{ service: string; outcome: string; isUpdating?: boolean }>;
}

export async function startSandbox(config: Record<string, unknown> = {}, logger?: Logger): Promise<Sandbox> {
  const app = Fastify({ bodyLimit: 20 * 1024 * 1024 });
  const { createLogger } = await import('@lienthong/platform');
  await app.register(dvcqgPeer, {
    prefix: '/dvcqg',
    logger: logger ?? createLogger({ name: 'sandbox', level: 'silent' }),
    config,
    publicUrl: 'http://127.0.0.1',
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `${address}/dvcqg`;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/_admin${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return {
    url,
    app,
    async faults(f) {
      const r = await admin('PUT', '/faults', f);
      if (r.status !== 200) throw new Error(`sandbox faults refused: ${JSON.stringify(r.body)}`);
    },
    async dossier(maHoSo) {
      const r = await admin('GET', `/dossiers/${encodeURIComponent(maHoSo)}`);
      return r.status === 200 ? (r.body as SandboxDossier) : undefined;
    },
    calls: async (query = '') => (await admin('GET', `/calls${query}`)).body as { items: Array<Record<string, unknown>> },
    expireSessions: async () => {
      await admin('POST', '/expire-sessions');
    },
    stats: async () => (await admin('GET', '/stats')).body as { dossiers: number; steps: number; callsTotal: number },
    close: () => app.close(),
  };
}

/** A DVCQG client on the sandbox, with the timeout tests use. */
export function sandboxClient(
  sandboxUrl: string,
  logger: Logger,
  timeoutMs = 2_000,
): PortalClient & { invalidateSession(): void } {
  return createDvcqgClient({
    baseUrl: sandboxUrl,
    username: SANDBOX_USER,
    password: SANDBOX_PASSWORD,
    madonvi: MADONVI,
    timeoutMs,
    logger,
  });
}

/** The environment national-sync runs with in tests (in-process via buildApp, or as a child process). */
export function syncEnv(opts: {
  ns: string;
  databaseUrl: string;
  sandboxUrl: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl,
    API_CLIENTS_FILE: testClientsFile(),
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC_NAMESPACE: opts.ns,
    NATIONAL_SYNC_GROUP_ID: `national-sync-${opts.ns}`,
    NATIONAL_SYNC_PORT: '0',
    NATIONAL_SYNC_HOST: '127.0.0.1',
    DVCQG_BASE_URL: opts.sandboxUrl,
    DVCQG_USERNAME: SANDBOX_USER,
    DVCQG_PASSWORD: SANDBOX_PASSWORD,
    DVCQG_MADONVI: MADONVI,
    DVCQG_TIMEOUT_MS: '1500',
    NATIONAL_SYNC_RETRY_MIN_MS: '200',
    NATIONAL_SYNC_RETRY_MAX_MS: '2000',
    NATIONAL_SYNC_BREAKER_OPEN_MS: '1000',
    NATIONAL_SYNC_POLL_MS: '200',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...opts.extra,
  };
}

export interface RunningSync {
  app: SyncApp;
  pool: Pool;
  producer: EventProducer;
  portal: ReturnType<typeof sandboxClient>;
  close(): Promise<void>;
}

/** national-sync in-process (buildApp), ready: migrations applied (as runService does), consumer started. */
export async function startNationalSync(env: Record<string, string>, logger: Logger): Promise<RunningSync> {
  const config = loadSyncConfig(env);
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    applicationName: 'national-sync-test',
    logger,
    max: config.NATIONAL_SYNC_WORKERS + 12,
  });
  await runMigrations(pool, { service: 'national-sync', dir: migrationsDir, logger });
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS.split(','),
    clientId: `national-sync-test-${randomSuffix()}`,
    logger,
  });
  const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'national-sync-test' });
  await producer.connect();
  const portal = sandboxClient(config.DVCQG_BASE_URL, logger, config.DVCQG_TIMEOUT_MS);
  const app = await buildApp({ config, logger, pool, kafka, producer, portal, clients: loadApiClients(config.API_CLIENTS_FILE) });
  await app.ready();
  return {
    app,
    pool,
    producer,
    portal,
    async close() {
      await app.close();
      await producer.disconnect();
      await pool.end();
    },
  };
}

/** A producer playing the gateway: publishes dossier events to dossier.events.v1 (transactional, acks=all). */
export async function gatewayProducer(logger: Logger): Promise<EventProducer> {
  const kafka = createKafka({ brokers: testBrokers(), clientId: `gateway-sim-${randomSuffix()}`, logger });
  const p = createEventProducer({ kafka, logger, transactionalIdPrefix: 'gateway-sim', maxBatchMessages: 500 });
  await p.connect();
  return p;
}

/** Ledger counters, straight from Postgres. */
export async function ledgerCounts(
  databaseUrl: string,
): Promise<{ dossiers: number; due: number; outbox: number; pendingSteps: number; states: Record<string, number> }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query(`SELECT
        (SELECT count(*) FROM sync_dossier)::int AS dossiers,
        (SELECT count(*) FROM sync_dossier WHERE due_at IS NOT NULL)::int AS due,
        (SELECT count(*) FROM sync_outbox)::int AS outbox,
        (SELECT count(*) FROM sync_progress WHERE pushed_at IS NULL AND rejected_at IS NULL)::int AS "pendingSteps"`);
    const s = await c.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM sync_dossier GROUP BY state');
    return { ...r.rows[0], states: Object.fromEntries(s.rows.map((x) => [x.state, x.n])) };
  } finally {
    await c.end();
  }
}
