// Bench of national-sync (issue 4): sync throughput to the DVCQG sandbox with 20 ms added latency, and
// end-to-end latency from publish to the sandbox's receipt at a steady 500 events/s.
//
// Plain ESM on the dist/ builds (npm run bench builds first). Needs Kafka (KAFKA_BROKERS, default
// 127.0.0.1:9092) and Postgres (DATABASE_URL; a throwaway database is created on that server and dropped).
// Events are published straight to dossier.events.v1 with the events package, as the gateway does after
// validation; "publish" below is the moment Kafka acknowledged the write, i.e. when the gateway answers 202.
//
//   node -e "import('./tests/perf/national-sync.bench.mjs').then((b) => b.run(console.log))"
// Sizes: NS_BENCH_THROUGHPUT_DOSSIERS (3000), NS_BENCH_RATE (500 events/s), NS_BENCH_SECONDS (20).
import Fastify from 'fastify';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { buildApp, loadSyncConfig, migrationsDir } from '@lienthong/national-sync-service';
import { catalogueSpecs, createEvent, createEventProducer, createKafka, ensureTopics, topicNames } from '@lienthong/events';
import { createApiClientRegistry, createLogger, createPool, runMigrations } from '@lienthong/platform';
import { createDvcqgClient } from '@lienthong/dvcqg';
import dvcqgPeer from '../../services/sandbox/dist/peers/dvcqg/index.js';

const USER = 'lienthong';
const PASSWORD = 'lienthong-sandbox';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function dossier(maHoSo) {
  return {
    MaHoSo: maHoSo,
    MaTTHC: '1.001193',
    TenTTHC: 'Đăng ký khai sinh',
    MaLinhVuc: 'G09-HT01',
    TenLinhVuc: 'Hộ tịch',
    LoaiDoiTuong: '1',
    TrichYeuHoSo: 'Đăng ký khai sinh cho con',
    NgayTiepNhan: '20250702083000',
    NgayHenTra: '20250703170000',
    TrangThaiHoSo: '2',
    DonViXuLy: 'Ủy ban nhân dân phường Bến Đò',
  };
}
const upserted = (item) =>
  createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.upserted',
    subject: item.MaHoSo,
    dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/dong-bo-ho-so-mc.item.v1.json',
    data: item,
  });

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Every dossier the sandbox holds (its list is paged, 10,000 at most a page). */
async function sandboxList(url) {
  const all = [];
  for (let offset = 0; ; offset += 10_000) {
    const page = await (await fetch(`${url}/_admin/dossiers?limit=10000&offset=${offset}`)).json();
    all.push(...page.items);
    if (all.length >= page.total || page.items.length === 0) return all;
  }
}

/** Runs the bench; `log` receives progress lines; resolves to the figures. */
export async function run(log = console.log) {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl)
    throw new Error('national-sync bench: DATABASE_URL must point at a Postgres server (a throwaway database is created there)');
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const throughputN = Number(process.env.NS_BENCH_THROUGHPUT_DOSSIERS ?? 3000);
  const rate = Number(process.env.NS_BENCH_RATE ?? 500);
  const seconds = Number(process.env.NS_BENCH_SECONDS ?? 20);
  const tag = randomBytes(4).toString('hex');
  const ns = `bench-${tag}.`;
  const dbName = `lt_bench_${tag}`;
  const logger = createLogger({ name: 'national-sync-bench', level: process.env.BENCH_LOG_LEVEL ?? 'error' });

  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${dbName}`;

  const kafka = createKafka({ brokers, clientId: `ns-bench-${tag}`, logger });
  const kadmin = kafka.admin();
  await kadmin.connect();
  await ensureTopics(kadmin, catalogueSpecs(ns));
  await kadmin.disconnect();

  const sandbox = Fastify({ bodyLimit: 20 * 1024 * 1024 });
  await sandbox.register(dvcqgPeer, {
    prefix: '/dvcqg',
    logger,
    config: { SANDBOX_DVCQG_CALL_LOG_SIZE: 100 },
    publicUrl: 'http://127.0.0.1',
  });
  const sandboxUrl = `${await sandbox.listen({ port: 0, host: '127.0.0.1' })}/dvcqg`;
  await fetch(`${sandboxUrl}/_admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: 20 }),
  });

  const config = loadSyncConfig({
    DATABASE_URL: dbUrl.toString(),
    API_CLIENTS_FILE: '(in memory: no admin calls in the bench)',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_NAMESPACE: ns,
    NATIONAL_SYNC_GROUP_ID: `ns-bench-${tag}`,
    DVCQG_BASE_URL: sandboxUrl,
    DVCQG_USERNAME: USER,
    DVCQG_PASSWORD: PASSWORD,
    DVCQG_MADONVI: '000.00.00.H22',
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k.startsWith('NATIONAL_SYNC_') && k !== 'NATIONAL_SYNC_PORT'),
    ),
  });
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    applicationName: 'ns-bench',
    logger,
    max: config.NATIONAL_SYNC_WORKERS + 12,
  });
  const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: `ns-bench-${tag}` });
  await producer.connect();
  const gateway = createEventProducer({ kafka, logger, transactionalIdPrefix: `gw-bench-${tag}` });
  await gateway.connect();
  const portal = createDvcqgClient({
    baseUrl: sandboxUrl,
    username: USER,
    password: PASSWORD,
    madonvi: '000.00.00.H22',
    timeoutMs: config.DVCQG_TIMEOUT_MS,
    logger,
  });
  await runMigrations(pool, { service: 'national-sync', dir: migrationsDir, logger });
  const app = await buildApp({
    config,
    logger,
    pool,
    kafka,
    producer,
    portal,
    clients: createApiClientRegistry({ clients: [] }),
  });
  await app.ready();
  const topic = topicNames(ns).dossierEvents;
  const results = {
    name: 'national-sync',
    gateway: 'not wired: events published directly to dossier.events.v1 (Kafka-acknowledged = the 202 moment)',
    sandboxLatencyMs: 20,
    workers: config.NATIONAL_SYNC_WORKERS,
    batchSize: config.NATIONAL_SYNC_BATCH_SIZE,
  };

  // NS_BENCH_TRACE=1: every 2 s, how far each stage got (ledger rows = ingested, synced, due, outbox).
  const trace = process.env.NS_BENCH_TRACE
    ? setInterval(async () => {
        const r = await pool.query(`SELECT count(*) AS ingested, count(*) FILTER (WHERE state = 'synced') AS synced,
            count(*) FILTER (WHERE due_at IS NOT NULL) AS due, (SELECT count(*) FROM sync_outbox) AS outbox FROM sync_dossier`);
        log(`  trace ${JSON.stringify(r.rows[0])}`);
      }, 2_000)
    : undefined;
  try {
    // Let the consumer join before the clock starts.
    for (let i = 0; i < 300 && !app.sync.consumers.every((c) => c.running()); i++) await sleep(100);

    // 1. Throughput: a backlog of new dossiers, drained to the portal.
    log(`national-sync bench: throughput, ${throughputN} dossiers, 20 ms portal latency`);
    const items = Array.from({ length: throughputN }, (_, i) =>
      dossier(`000.00.01.H22-250702-${String(i + 1).padStart(6, '0')}`),
    );
    const t0 = Date.now();
    for (let i = 0; i < items.length; i += 500) await gateway.publish(topic, items.slice(i, i + 500).map(upserted));
    for (;;) {
      const stats = await (await fetch(`${sandboxUrl}/_admin/stats`)).json();
      if (stats.dossiers >= throughputN) break;
      if (Date.now() - t0 > 300_000) throw new Error(`throughput phase: only ${stats.dossiers}/${throughputN} after 5 min`);
      await sleep(50);
    }
    const elapsed = (Date.now() - t0) / 1000;
    results.throughput = {
      dossiers: throughputN,
      seconds: Number(elapsed.toFixed(2)),
      dossiersPerSecond: Math.round(throughputN / elapsed),
    };
    log(`  ${results.throughput.dossiersPerSecond} dossiers/s (${elapsed.toFixed(1)} s)`);

    // 1b. Issue 16's ceiling, right after: the sandbox's own request rate with the portal client alone
    // (@lienthong/dvcqg over HTTP, logged in once) sending the same DongBoHoSoMC batches (batch size and
    // parallel pushers as national-sync's config), no Kafka, no ledger.
    const ceilingItems = Array.from({ length: throughputN }, (_, i) =>
      dossier(`000.00.09.H22-250702-${String(i + 1).padStart(6, '0')}`),
    );
    const batches = [];
    for (let i = 0; i < ceilingItems.length; i += config.NATIONAL_SYNC_BATCH_SIZE)
      batches.push(ceilingItems.slice(i, i + config.NATIONAL_SYNC_BATCH_SIZE));
    const c0 = Date.now();
    let nextBatch = 0;
    await Promise.all(
      Array.from({ length: config.NATIONAL_SYNC_WORKERS }, async () => {
        while (nextBatch < batches.length) await portal.dongBoHoSo(batches[nextBatch++], { isUpdating: false });
      }),
    );
    const cElapsed = (Date.now() - c0) / 1000;
    results.drainCeiling = {
      dossiersPerSecond: Math.round(throughputN / cElapsed),
      batchSize: config.NATIONAL_SYNC_BATCH_SIZE,
      parallel: config.NATIONAL_SYNC_WORKERS,
    };
    results.drainRatio = Number((results.throughput.dossiersPerSecond / results.drainCeiling.dossiersPerSecond).toFixed(2));
    log(
      `  ceiling (portal client alone, ${config.NATIONAL_SYNC_WORKERS} × batches of ${config.NATIONAL_SYNC_BATCH_SIZE}): ${results.drainCeiling.dossiersPerSecond} dossiers/s → national-sync drain = ${results.drainRatio} of it (goal ≥ 2,000/s and ≥ 0.60)`,
    );

    // 2. Latency at a steady rate: new dossiers, one event each, in 100 ms ticks.
    log(`national-sync bench: latency at ${rate} events/s for ${seconds} s`);
    const published = new Map();
    const perTick = Math.max(1, Math.round(rate / 10));
    const ticks = seconds * 10;
    const start = Date.now();
    let n = 0;
    const inFlight = [];
    for (let t = 0; t < ticks; t++) {
      const batch = Array.from({ length: perTick }, () => dossier(`000.00.02.H22-250702-${String(++n).padStart(6, '0')}`));
      // Not awaited in sequence: a slow transaction must not slow the offered rate.
      inFlight.push(
        gateway.publish(topic, batch.map(upserted)).then(() => {
          const at = Date.now();
          for (const d of batch) published.set(d.MaHoSo, at);
        }),
      );
      const next = start + (t + 1) * 100;
      if (next > Date.now()) await sleep(next - Date.now());
    }
    await Promise.all(inFlight);
    const offeredSeconds = (Date.now() - start) / 1000;
    let received = [];
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(250)) {
      received = (await sandboxList(sandboxUrl)).filter((d) => d.maHoSo.startsWith('000.00.02.'));
      if (received.length >= n) break;
    }
    const lat = received
      .map((d) => Date.parse(d.updatedAt) - published.get(d.maHoSo))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    results.latency = {
      events: n,
      offeredRate: Math.round(n / offeredSeconds),
      received: received.length,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      maxMs: lat.at(-1),
    };
    log(
      `  p50 ${results.latency.p50Ms} ms, p99 ${results.latency.p99Ms} ms, max ${results.latency.maxMs} ms (${received.length}/${n} received, offered ${results.latency.offeredRate}/s)`,
    );
    return results;
  } finally {
    clearInterval(trace);
    await app.close();
    await gateway.disconnect();
    await producer.disconnect();
    await pool.end();
    await sandbox.close();
    const a = kafka.admin();
    await a.connect();
    const topics = (await a.listTopics()).filter((t) => t.startsWith(ns));
    if (topics.length) await a.deleteTopics({ topics }).catch(() => {});
    await a.disconnect();
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  }
}
