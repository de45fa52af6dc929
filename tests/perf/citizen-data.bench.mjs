// Issue 8 bench: population-DB look-ups per second and their p50/p99 through citizen-data (purpose check,
// agency scope, licence, quota, the peer over HTTP, the hash-chained audit row in Postgres, the outbox to
// Kafka) beside a baseline in the same run that calls the simulated peer directly with the same client
// (LGSP token, SOAP, hardened parse) and nothing else. The peer answers after 50 ms (BENCH_PEER_LATENCY_MS).
// Baseline and hub alternate in rounds, with everything up, so machine drift hits both; the per-round
// ratio is reported. The hub and the baseline run in this process, the simulated peer in its own (dist
// builds). Figures only, never a verdict.
import http from 'node:http';
import pg from 'pg';
import {
  createApiClientRegistry,
  createLogger,
  createMetricsRegistry,
  createPool,
  generateApiKey,
  hashApiKey,
  runMigrations,
} from '../../packages/platform/dist/index.js';
import { catalogueSpecs, createEventProducer, createKafka, ensureTopics, topicNames } from '../../packages/events/dist/index.js';
import { createCsdlDanCuClient, fullName } from '../../packages/csdl-dancu/dist/index.js';
import { spawn } from 'node:child_process';
import { freePort } from '../../infra/kafka/kafka.mjs';
import {
  buildApp,
  createAgencyQuota,
  createAuditLog,
  createAuditOutbox,
  createSubjectHasher,
  loadLicences,
  createRegistryClients,
} from '../../services/citizen-data/dist/index.js';
import { percentile } from './load.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LATENCY_MS = Number(process.env.BENCH_PEER_LATENCY_MS ?? 50);
const LGSP = {
  AccessKey: 'lienthong-lgsp',
  SecretKey: 'lienthong-lgsp-sandbox',
  AppName: 'bench',
  PartnerCode: '000.00.00.H22',
  PartnerCodeCus: '000.00.00.H22',
};
const MA_HO_SO = '000.00.01.H22-251205-0001';

async function loop(fn, seconds) {
  const lat = [];
  let failed = 0;
  let i = 0;
  const end = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      const ok = await fn(i++).then(
        (r) => r,
        () => false,
      );
      if (ok) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  lat.sort((a, b) => a - b);
  return { perSecond: lat.length / seconds, ok: lat.length, failed, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

function post(agent, port, urlPath, headers, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

export async function run(log, env) {
  const logger = createLogger({ name: 'bench', level: 'error' });
  // The peer runs in its own process, as a remote national system would: it does not take the hub's event loop.
  const sandboxPort = await freePort();
  const sandbox = spawn(process.execPath, [path.resolve(here, '../../services/sandbox/dist/main.js')], {
    env: { ...process.env, SANDBOX_PORT: String(sandboxPort), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`${sandboxUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 300) throw new Error('the sandbox did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  await fetch(`${sandboxUrl}/csdl-dancu/_admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: LATENCY_MS }),
  });
  const people = (await (await fetch(`${sandboxUrl}/csdl-dancu/_admin/citizens?limit=10000`)).json()).items.filter(
    (p) => p.SoDinhDanh,
  );

  const dbName = `lt_bench_cd_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: env.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(env.databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const pool = createPool({ connectionString: dbUrl.toString(), applicationName: 'bench-citizen-data', logger });
  await runMigrations(pool, {
    service: 'citizen-data',
    dir: path.resolve(here, '../../services/citizen-data/migrations'),
    logger,
  });
  const ns = `bench-cd-${Date.now().toString(36)}.`;
  const kafka = createKafka({ brokers: env.brokers.split(','), clientId: 'bench-citizen-data', logger });
  const kadmin = kafka.admin();
  await kadmin.connect();
  await ensureTopics(kadmin, catalogueSpecs(ns));
  const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: `bench-citizen-data-${ns}` });
  await producer.connect();

  const key = generateApiKey();
  const clients = createApiClientRegistry({
    clients: [{ id: 'bench', name: 'bench', keyHash: hashApiKey(key), agencies: ['*.H22'] }],
  });
  const config = {
    CITIZEN_DATA_PEER_TIMEOUT_MS: 10_000,
    CITIZEN_DATA_MAX_REPLY_BYTES: 2 * 1024 * 1024,
    CITIZEN_DATA_BREAKER_FAILURES: 1000,
    CITIZEN_DATA_BREAKER_OPEN_MS: 1000,
    CSDL_TOKEN_URL: `${sandboxUrl}/csdl-dancu/token`,
    CSDL_SERVICE_URL: `${sandboxUrl}/csdl-dancu/ws/dancu`,
    CSDL_ACCESS_KEY: LGSP.AccessKey,
    CSDL_SECRET_KEY: LGSP.SecretKey,
    CSDL_APP_NAME: 'bench',
    CSDL_PARTNER_CODE: LGSP.PartnerCode,
    CSDL_PARTNER_CODE_CUS: '',
    DKKD_ROUTE: 'ngsp',
    DKKD_TOKEN_URL: `${sandboxUrl}/dkkd/ngsp/token`,
    DKKD_ADAPTER_URL: `${sandboxUrl}/dkkd/ngsp/api`,
    DKKD_CONSUMER_KEY: 'lienthong-ngsp',
    DKKD_CONSUMER_SECRET: 'lienthong-ngsp-sandbox',
  };
  const { csdl, dkkd } = createRegistryClients(config, logger);
  const licences = loadLicences(path.resolve(here, '../../services/citizen-data/config/licences.json'));
  const outbox = createAuditOutbox({ pool, producer, topic: topicNames(ns).citizenAudit, logger, intervalMs: 200 });
  outbox.start();
  const app = await buildApp({
    clients,
    logger,
    metrics: createMetricsRegistry('bench-citizen-data'),
    csdl,
    dkkd,
    audit: createAuditLog({ pool, chainKey: 'bench-audit-chain-key-0123456789abcdef' }),
    licences: () => licences,
    quota: createAgencyQuota({ perMinute: 1e9, perDay: 1e12, overrides: () => ({}) }),
    hashSubject: createSubjectHasher('bench-subject-hash-key-0123456789abcdef'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = app.server.address().port;

  // The baseline: the same client, straight to the peer — no purpose, licence, quota, audit or HTTP hop.
  const direct = createCsdlDanCuClient({
    tokenUrl: config.CSDL_TOKEN_URL,
    serviceUrl: config.CSDL_SERVICE_URL,
    credentials: LGSP,
    timeoutMs: 10_000,
    maxReplyBytes: 2 * 1024 * 1024,
    breaker: { failureThreshold: 1000, openMs: 1000 },
  });
  const caller = { MaDVC: '1.001612', MaCanBo: 'cb.bench' };
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const headers = { authorization: `Bearer ${key}` };
  const bodies = people.map((p) =>
    JSON.stringify({
      SoDinhDanh: p.SoDinhDanh,
      HoVaTen: fullName(p),
      purpose: { MaHoSo: MA_HO_SO, MaTTHC: '1.001612', officerId: 'cb.bench' },
    }),
  );
  const modes = {
    baseline: (i) =>
      direct
        .lookup({ SoDinhDanh: people[i % people.length].SoDinhDanh, HoVaTen: fullName(people[i % people.length]) }, caller)
        .then((c) => c !== null),
    hub: (i) => post(agent, port, '/v1/citizens/lookup', headers, bodies[i % bodies.length]),
  };
  try {
    await loop(modes.baseline, 1);
    await loop(modes.hub, 1);
    const rounds = { baseline: [], hub: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? ['baseline', 'hub'] : ['hub', 'baseline']) {
        log(`  round ${round + 1}/${ROUNDS}: ${mode}, ${CONCURRENCY} in flight, peer latency ${LATENCY_MS} ms, ${SECONDS} s…`);
        rounds[mode].push(await loop(modes[mode], SECONDS));
      }
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    for (const mode of ['baseline', 'hub']) {
      const r = rounds[mode];
      log(
        `  ${mode.padEnd(8)} ${med(r.map((x) => x.perSecond)).toFixed(0)} look-ups/s  p50 ${med(r.map((x) => x.p50)).toFixed(1)} ms  p99 ${med(r.map((x) => x.p99)).toFixed(1)} ms  failed ${r.reduce((s, x) => s + x.failed, 0)}`,
      );
    }
    const ratios = rounds.hub.map((h, i) => h.perSecond / rounds.baseline[i].perSecond);
    log(
      `  hub / baseline throughput: ${(med(ratios) * 100).toFixed(0)} % (rounds ${ratios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')}); aim ≥ 80 %`,
    );
    const audited = Number((await pool.query('SELECT count(*) AS n FROM citizen_audit')).rows[0].n);
    const v = await createAuditLog({ pool, chainKey: 'bench-audit-chain-key-0123456789abcdef' }).verify();
    log(`  audit rows written ${audited}; chain verified: ${v.ok} (${v.checked} rows)`);
  } finally {
    agent.destroy();
    await app.close();
    await outbox.stop();
    await producer.disconnect();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const topics = (await kadmin.listTopics()).filter((t) => t.startsWith(ns));
    if (topics.length) await kadmin.deleteTopics({ topics }).catch(() => {});
    await kadmin.disconnect();
    sandbox.kill('SIGTERM');
  }
}
