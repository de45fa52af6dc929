import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import {
  createApiClientRegistry,
  createMetricsRegistry,
  createPool,
  generateApiKey,
  hashApiKey,
  runMigrations,
  type Logger,
  type Pool,
} from '@lienthong/platform';
import { createEventProducer, createKafka, topicNames, type EventProducer } from '@lienthong/events';
import { buildApp } from '../src/app.js';
import { createAuditLog, type AuditLog } from '../src/audit/audit-log.js';
import { createAuditOutbox, type AuditOutbox } from '../src/audit/outbox-relay.js';
import { loadLicences } from '../src/licences.js';
import { createAgencyQuota } from '../src/quota.js';
import { createSubjectHasher } from '../src/subject-hash.js';
import { createRegistryClients } from '../src/wiring.js';
import type { CitizenDataConfig } from '../src/config.js';
import { createTestDatabase, testBrokers } from '../../../tests/helpers/index.js';
import { sandboxCredentials, startSandbox, type SandboxHarness } from './sandbox.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const LICENCES_FILE = path.resolve(here, '..', 'config', 'licences.json');
export const MIGRATIONS = path.resolve(here, '..', 'migrations');
export const SUBJECT_KEY = 'test-subject-hash-key-0123456789abcdef';
export const CHAIN_KEY = 'test-audit-chain-key-0123456789abcdef';

/** A dossier of the H22 province (the first client's scope) and one of H56 (outside it). */
export const MA_HO_SO = '000.00.01.H22-251205-0001';
export const FOREIGN_MA_HO_SO = '000.00.01.H56-251205-0001';

export interface CitizenDataHarness {
  app: FastifyInstance;
  url: string;
  sandbox: SandboxHarness;
  pool: Pool;
  dbUrl: string;
  audit: AuditLog;
  outbox: AuditOutbox | undefined;
  keys: { province: string; auditor: string; limitedAuditor: string };
  /** POST/GET with the province key (or another). */
  call(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  logger: Logger;
  namespace?: string;
  ratePerMinute?: number;
  breaker?: { failures: number; openMs: number };
  peerTimeoutMs?: number;
  dkkdRoute?: 'ngsp' | 'hcm-esb' | 'thanh-hoa';
  outboxIntervalMs?: number;
}

/** citizen-data over HTTP on a random port, with a fresh database, the sandbox peers and (optionally) Kafka. */
export async function startCitizenData(o: HarnessOptions): Promise<CitizenDataHarness> {
  const sandbox = await startSandbox(o.logger);
  const db = await createTestDatabase();
  const pool = createPool({ connectionString: db.url, applicationName: 'citizen-data-test', logger: o.logger });
  await runMigrations(pool, { service: 'citizen-data', dir: MIGRATIONS, logger: o.logger });
  const keys = { province: generateApiKey(), auditor: generateApiKey(), limitedAuditor: generateApiKey() };
  const clients = createApiClientRegistry({
    clients: [
      { id: 'h22-motcua', name: 'H22 one-stop system', keyHash: hashApiKey(keys.province), agencies: ['*.H22'] },
      { id: 'thanh-tra', name: 'Inspectorate', keyHash: hashApiKey(keys.auditor), agencies: ['*'], roles: ['auditor'] },
      {
        id: 'thanh-tra-h22',
        name: 'H22 inspectorate',
        keyHash: hashApiKey(keys.limitedAuditor),
        agencies: ['*.H22'],
        roles: ['auditor'],
      },
    ],
  });
  const config = {
    CITIZEN_DATA_PEER_TIMEOUT_MS: o.peerTimeoutMs ?? 2_000,
    CITIZEN_DATA_MAX_REPLY_BYTES: 2 * 1024 * 1024,
    CITIZEN_DATA_BREAKER_FAILURES: o.breaker?.failures ?? 5,
    CITIZEN_DATA_BREAKER_OPEN_MS: o.breaker?.openMs ?? 15_000,
    CSDL_TOKEN_URL: `${sandbox.csdlUrl}/token`,
    CSDL_SERVICE_URL: `${sandbox.csdlUrl}/ws/dancu`,
    CSDL_ACCESS_KEY: sandboxCredentials.lgsp.AccessKey,
    CSDL_SECRET_KEY: sandboxCredentials.lgsp.SecretKey,
    CSDL_APP_NAME: 'lienthong',
    CSDL_PARTNER_CODE: '000.00.00.H22',
    CSDL_PARTNER_CODE_CUS: '',
    DKKD_ROUTE: o.dkkdRoute ?? 'ngsp',
    DKKD_TOKEN_URL: `${sandbox.dkkdUrl}/ngsp/token`,
    DKKD_ADAPTER_URL: `${sandbox.dkkdUrl}/ngsp/api`,
    DKKD_CONSUMER_KEY: sandboxCredentials.ngsp.consumerKey,
    DKKD_CONSUMER_SECRET: sandboxCredentials.ngsp.consumerSecret,
    DKKD_ESB_URL: `${sandbox.dkkdUrl}/hcm/TraCuuThongTinDoanhNghiep`,
    DKKD_ESB_ACCESS_KEY: sandboxCredentials.esb.AccessKey,
    DKKD_ESB_SECRET_KEY: sandboxCredentials.esb.SecretKey,
    DKKD_THANHHOA_URL: `${sandbox.dkkdUrl}/thanhhoa/apiDKKD/DoanhNghiep/chiTietDoanhNghiep`,
  } as unknown as CitizenDataConfig;
  const { csdl, dkkd } = createRegistryClients(config, o.logger);
  const licences = loadLicences(LICENCES_FILE);
  const audit = createAuditLog({ pool, chainKey: CHAIN_KEY });
  let producer: EventProducer | undefined;
  let outbox: AuditOutbox | undefined;
  if (o.namespace !== undefined) {
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'citizen-data-test', logger: o.logger });
    producer = createEventProducer({ kafka, logger: o.logger, transactionalIdPrefix: `citizen-data-test-${o.namespace}` });
    await producer.connect();
    outbox = createAuditOutbox({
      pool,
      producer,
      topic: topicNames(o.namespace).citizenAudit,
      logger: o.logger,
      intervalMs: o.outboxIntervalMs ?? 200,
    });
    outbox.start();
  }
  const app = await buildApp({
    clients,
    logger: o.logger,
    metrics: createMetricsRegistry('citizen-data-test'),
    csdl,
    dkkd,
    audit,
    licences: () => licences,
    quota: createAgencyQuota({ perMinute: o.ratePerMinute ?? 10_000, perDay: 1_000_000, overrides: (a) => licences.quotaOf(a) }),
    hashSubject: createSubjectHasher(SUBJECT_KEY),
    ...(outbox ? { onAudited: () => outbox!.kick() } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return {
    app,
    url,
    sandbox,
    pool,
    dbUrl: db.url,
    audit,
    outbox,
    keys,
    async call(method, p, body, key = keys.province) {
      const res = await fetch(`${url}${p}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await app.close();
      await outbox?.stop();
      await producer?.disconnect();
      await sandbox.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** The purpose of a look-up in the harness's province. */
export const purpose = (over: Record<string, unknown> = {}) => ({
  MaHoSo: MA_HO_SO,
  MaTTHC: '1.001612',
  officerId: 'cb.nguyenvana',
  ...over,
});
