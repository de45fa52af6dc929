/**
 * Test harness of the payments service: the real app (buildApp + createPaymentsCore) on a fresh database
 * and a topic namespace, with test merchants and API clients. Used by the service's integration tests
 * and by tests/e2e/payments*.test.ts. Not a test file itself.
 */
import type { FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createApiClientRegistry,
  createMetricsRegistry,
  createPool,
  generateApiKey,
  hashApiKey,
  runMigrations,
  systemClock,
  type ApiClient,
  type Clock,
  type Role,
  type Logger,
  type Pool,
  type PoolClient,
  type Registry,
} from '@lienthong/platform';
import { createEventProducer, createKafka, parseSigningKeys, topicNames, type EventProducer } from '@lienthong/events';
import { buildApp } from '../src/app.js';
import { createPaymentsCore, type PaymentsCore } from '../src/core.js';
import { loadPaymentsConfig, type PaymentsConfig } from '../src/config.js';
import { createMerchantRegistry } from '../src/merchants.js';
import { quietLogger, testBrokers } from '../../../tests/helpers/index.js';

export const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

/** Test merchants: agencies of province H22 (every provider) and one unit of H56 (VNPAY). Secrets are test values. */
export const H22_MERCHANT = {
  id: 'h22-all',
  name: 'Tỉnh H22 (thử nghiệm)',
  agencies: ['*.H22'],
  vnpay: { tmnCode: 'LTHUB022', hashSecret: 'TESTSECRETVNPAY0000000000000H22' },
  momo: { partnerCode: 'MOMOLT22', accessKey: 'accessKeyH22xx', secretKey: 'momoSecretH22xxxxxxxxxxxxxxxx' },
  paygov: { maDoiTac: '000.00.00.H22', secretKey: 'paygovSecretH22xxxxxxxxxx', tenDonVi: 'UBND tỉnh H22' },
  vnptpay: { merchantServiceId: '470', secretKey: 'VNPTPAY-TEST-SECRET-H22', apiKey: 'vnptpay-test-api-key-h22' },
  vietqr: {
    bin: '970416',
    accountNumber: '257678859',
    accountName: 'UBND TINH H22',
    payos: { checksumKey: 'payos-checksum-key-h22' },
    sepay: { apiKey: 'sepay-api-key-h22-test' },
  },
  display: { name: 'Ủy ban nhân dân tỉnh H22 (thử nghiệm)', logoUrl: 'https://h22.example.gov.vn/logo.png' },
};
export const H56_MERCHANT = {
  id: 'h56-stp',
  name: 'Sở Tư pháp H56 (thử nghiệm)',
  agencies: ['000.00.01.H56'],
  vnpay: { tmnCode: 'LTHUB056', hashSecret: 'TESTSECRETVNPAY0000000000000H56' },
};
export const testMerchants = { merchants: [H22_MERCHANT, H56_MERCHANT] };

export interface TestPayments {
  app: FastifyInstance;
  core: PaymentsCore;
  config: Readonly<PaymentsConfig>;
  pool: Pool;
  producer: EventProducer;
  registry: Registry;
  topic: string;
  keys: Record<string, string>;
  /** http://127.0.0.1:<port>, once listen() was called (the port is reserved up front). */
  baseUrl: string;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the payments app's public URL must be known before it is built). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function createTestPayments(opts: {
  namespace: string;
  databaseUrl: string;
  /** Extra environment (sandbox URLs, timeouts…) on top of the defaults below. */
  env?: Record<string, string>;
  merchants?: unknown;
  /** API clients; `key` fixes a client's key (e.g. the same province key as the gateway's), else one is generated. */
  clients?: { id: string; agencies: string[]; roles?: Role[]; rateLimitPerMinute?: number; key?: string }[];
  clock?: Clock;
  logger?: Logger;
  producer?: EventProducer;
  port?: number;
}): Promise<TestPayments> {
  const logger = opts.logger ?? quietLogger('payments');
  const port = opts.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadPaymentsConfig({
    DATABASE_URL: opts.databaseUrl,
    API_CLIENTS_FILE: '(in memory)',
    PAYMENTS_MERCHANTS_FILE: '(in memory)',
    PAYMENTS_PUBLIC_URL: baseUrl,
    PAYMENTS_PORT: String(port),
    KAFKA_TOPIC_NAMESPACE: opts.namespace,
    PAYMENTS_RECONCILE_FIRST_CHECK_SECONDS: '0',
    PAYMENTS_RECONCILE_INTERVAL_SECONDS: '1',
    PAYMENTS_EXPIRY_GRACE_SECONDS: '0',
    PAYMENTS_OUTBOX_INTERVAL_MS: '100',
    PAYMENTS_CREATE_TIMEOUT_MS: '2000',
    PAYMENTS_QUERY_TIMEOUT_MS: '2000',
    ...opts.env,
  });
  const specs = opts.clients ?? [
    { id: 'motcua-h22', agencies: ['*.H22'] },
    { id: 'motcua-h56', agencies: ['*.H56'] },
    { id: 'operator', agencies: ['*'], roles: ['operator'] },
    // An operator of H22 only, and a '*' submitter: neither may act on another agency's payment.
    { id: 'operator-h22', agencies: ['*.H22'], roles: ['operator'] },
    { id: 'all-submitter', agencies: ['*'], roles: ['submitter'] },
  ];
  const keys: Record<string, string> = {};
  const clientList: ApiClient[] = specs.map((s) => {
    keys[s.id] = s.key ?? generateApiKey();
    return {
      id: s.id,
      name: s.id,
      keyHash: hashApiKey(keys[s.id]!),
      agencies: s.agencies,
      // A client without roles is a submitter, as in the clients file (platform api-clients.ts).
      roles: s.roles ?? ['submitter'],
      ...(s.rateLimitPerMinute ? { rateLimitPerMinute: s.rateLimitPerMinute } : {}),
    };
  });
  const clients = createApiClientRegistry({ clients: clientList });
  const merchants = createMerchantRegistry(opts.merchants ?? testMerchants);

  const pool = createPool({ connectionString: opts.databaseUrl, applicationName: 'payments-test', max: 20 });
  await runMigrations(pool, { service: 'payments', dir: migrationsDir });
  const registry = createMetricsRegistry('payments', { defaults: false });
  const kafka = createKafka({ brokers: testBrokers(), clientId: 'payments-test', logger });
  // EVENT_SIGNING_KEYS in `env` signs what the service publishes, as in production (service.ts).
  const signingKeys = config.EVENT_SIGNING_KEYS ? parseSigningKeys(config.EVENT_SIGNING_KEYS) : undefined;
  const producer =
    opts.producer ??
    createEventProducer({ kafka, logger, transactionalIdPrefix: 'payments-test', ...(signingKeys ? { signingKeys } : {}) });
  const topic = topicNames(opts.namespace).paymentEvents;
  const clock = opts.clock ?? systemClock;
  const core = createPaymentsCore({ config, pool, producer, topic, merchants, logger, registry, clock });
  const app = await buildApp({
    core,
    clients,
    logger,
    metrics: registry,
    clock,
    readiness: { postgres: async () => void (await pool.query('SELECT 1')) },
    bodyLimit: config.PAYMENTS_BODY_LIMIT_BYTES,
    rateLimitPerMinute: config.PAYMENTS_RATE_LIMIT_PER_MINUTE,
    publicUrl: config.PAYMENTS_PUBLIC_URL,
  });
  core.outbox.start();
  let listening = false;
  return {
    app,
    core,
    config,
    pool,
    producer,
    registry,
    topic,
    keys,
    baseUrl,
    async listen() {
      await app.listen({ host: '127.0.0.1', port });
      listening = true;
    },
    async close() {
      await app.close();
      await core.outbox.stop();
      if (!opts.producer) await producer.disconnect().catch(() => {});
      await pool.end();
      void listening;
    },
  };
}

/** A valid create body for `MaHoSo` (agency from its prefix), with two fee lines adding up to `amount`. */
export function paymentBody(
  maHoSo: string,
  provider: 'vnpay' | 'momo' | 'paygov' | 'vnptpay' | 'vietqr' = 'vnpay',
  amount = 50_000,
): Record<string, unknown> {
  const first = Math.floor(amount / 2);
  return {
    MaHoSo: maHoSo,
    provider,
    amount,
    fees: [
      { TenPhiLePhi: 'Lệ phí cấp giấy phép', MaPhiLePhi: 'LP01', LoaiPhiLePhi: '2', SoTien: first },
      { TenPhiLePhi: 'Phí thẩm định', MaPhiLePhi: 'P01', LoaiPhiLePhi: '1', SoTien: amount - first },
    ],
    payer: { fullName: 'Nguyễn Văn A', personalId: '001099012345', address: 'Số 1 Đường A', province: 'H22' },
    returnUrl: 'https://motcua.h22.gov.vn/thanh-toan/ket-qua',
    ipAddr: '203.0.113.7',
  };
}

let seq = 0;
/** A fresh MaHoSo of an H22 agency (random daily sequence, so parallel files never collide). */
export function newMaHoSo(agency = '000.00.01.H22'): string {
  seq++;
  return `${agency}-250115-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}${String(seq % 100).padStart(2, '0')}`;
}

/**
 * A VNPAY IPN query string signed like VNPAY signs it [V1] (sorted, form-encoded vnp_* fields, HMAC-SHA512),
 * for tests that play VNPAY without the sandbox. `tamper` changes fields after signing.
 */
export async function signedVnpayIpn(p: {
  tmnCode: string;
  hashSecret: string;
  txnRef: string;
  amountVnd: number;
  transactionNo?: string;
  responseCode?: string;
  transactionStatus?: string;
  tamper?: Record<string, string>;
}): Promise<string> {
  const { vnpayCanonicalString, vnpayHmac, formatVnpayDate } = await import('@lienthong/vnpay');
  const params: Record<string, string> = {
    vnp_TmnCode: p.tmnCode,
    vnp_Amount: `${p.amountVnd}00`,
    vnp_BankCode: 'NCB',
    vnp_BankTranNo: 'VNP14000001',
    vnp_CardType: 'ATM',
    vnp_PayDate: formatVnpayDate(new Date()),
    vnp_OrderInfo: 'Thanh toan le phi',
    vnp_TransactionNo: p.transactionNo ?? String(10_000_000 + Math.floor(Math.random() * 89_999_999)),
    vnp_ResponseCode: p.responseCode ?? '00',
    vnp_TransactionStatus: p.transactionStatus ?? '00',
    vnp_TxnRef: p.txnRef,
  };
  const signed = vnpayCanonicalString(params)!;
  const hash = vnpayHmac(p.hashSecret, signed);
  const final = { ...params, ...p.tamper, vnp_SecureHash: hash };
  return new URLSearchParams(final).toString();
}

/**
 * Counts the statements sent on every client the pool hands out (pool.query included: it checks a client
 * out too). Each is one round trip: node-postgres sends a query only after the previous one's answer.
 */
export function countRoundTrips(pool: Pool) {
  const wrapped = new WeakSet<PoolClient>();
  let sql: string[] = [];
  pool.on('acquire', (c: PoolClient) => {
    if (wrapped.has(c)) return;
    wrapped.add(c);
    const query = c.query.bind(c) as (...a: unknown[]) => unknown;
    (c as { query: unknown }).query = (...a: unknown[]) => {
      const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string }).text;
      sql.push((text ?? '?').replace(/\s+/g, ' ').slice(0, 1000));
      return query(...a);
    };
  });
  return async <T>(fn: () => Promise<T>): Promise<{ value: T; sql: string[] }> => {
    sql = [];
    const value = await fn();
    return { value, sql };
  };
}
