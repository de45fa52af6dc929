// Bench of national-sync (issues 4 and 16), as it is deployed: national-sync is its own process
// (services/national-sync/dist/main.js, started with the environment npm start gives it) and so is the DVCQG
// sandbox portal (services/sandbox/dist/main.js, 20 ms added latency). This process only prepares the load,
// watches, and measures the ceiling; it is idle while national-sync drains.
//
// 1. Drain of a backlog (the issue's case: a backlog after an outage): NS_BENCH_THROUGHPUT_DOSSIERS (3,000)
//    new dossiers are published to dossier.events.v1 BEFORE national-sync starts (as the gateway publishes
//    them: Kafka-acknowledged = the 202 moment). national-sync is then started and the drain window runs
//    from its first ledger ingest (the earliest snapshot_accepted_at: it has joined the group and fetched) to
//    the portal's receipt of the last dossier (the sandbox's updatedAt of the newest one). The window thus
//    holds consuming, verifying, ledger ingest, claims, pushes and settlements; process start, migrations,
//    Kafka connection and the group join come before it and are printed apart.
// 2. The ceiling of issue 16, in the same run against the same sandbox process: the portal client alone
//    (@lienthong/dvcqg over HTTP, logged in once, in this process) sending the same DongBoHoSoMC batches
//    (NATIONAL_SYNC_BATCH_SIZE dossiers, NATIONAL_SYNC_WORKERS calls in parallel); no Kafka, no ledger.
//    Measured just before and just after the drain (national-sync stopped); the ratio is against their mean.
// 3. Latency at a steady NS_BENCH_RATE (500) events/s for NS_BENCH_SECONDS (20; 0 skips it): publish
//    (Kafka ack) → the sandbox's receipt, with national-sync started again on the same ledger.
//
// CPU of each process in the drain window (from /proc: national-sync, the sandbox, the bench database's
// Postgres backends, the whole box) is printed beside the figure, with the ledger's commits per dossier. NS_BENCH_CPU_PROF=<dir> starts
// national-sync with --cpu-prof (written there when it stops). NS_BENCH_LOG_LEVEL (info, npm start's default)
// is both processes' LOG_LEVEL; NATIONAL_SYNC_* variables are passed on to national-sync.
// NS_BENCH_TRACE=1 prints the ledger's stages every 2 s (ingested, synced, due, outbox; its reads count in the commits).
// NS_BENCH_NATIONAL_SYNC_DIR=<checkout> runs that checkout's services/national-sync/dist/main.js instead (a
// before/after in the same period: a git worktree of the older commit, built, its node_modules this one's).
//
//   node tests/perf/run.mjs national-sync      (after npx tsc -b services/national-sync services/sandbox)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadSyncConfig } from '@lienthong/national-sync-service';
import { catalogueSpecs, createEvent, createEventProducer, createKafka, ensureTopics, topicNames } from '@lienthong/events';
import { createLogger } from '@lienthong/platform';
import { createDvcqgClient } from '@lienthong/dvcqg';
import { freePort } from '../../infra/kafka/kafka.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const USER = 'lienthong';
const PASSWORD = 'lienthong-sandbox';
const MADONVI = '000.00.00.H22';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TICKS = 100; // USER_HZ of /proc/<pid>/stat on Linux

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

/** MaHoSo → time the sandbox portal stored it, for every dossier under `prefix` (its list is paged). */
async function receipts(portalUrl, prefix) {
  const out = new Map();
  for (let offset = 0; ; offset += 10_000) {
    const page = await (await fetch(`${portalUrl}/_admin/dossiers?limit=10000&offset=${offset}`)).json();
    for (const d of page.items) if (d.maHoSo.startsWith(prefix)) out.set(d.maHoSo, Date.parse(d.updatedAt));
    if (offset + page.items.length >= page.total || page.items.length === 0) return out;
  }
}
const portalCount = async (portalUrl) => (await (await fetch(`${portalUrl}/_admin/stats`)).json()).dossiers;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}
/** pids of the Postgres backends serving `dbName` (their process title names the database). */
function backendsOf(dbName) {
  const out = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(` ${dbName} `)) out.push(Number(p));
    } catch {}
  }
  return out;
}
/** Busy and total CPU seconds of the whole box so far (/proc/stat). */
function boxCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

/**
 * Samples the CPU of national-sync, the sandbox, the bench database's backends (each backend's last reading
 * is kept after it exits) and the box every 250 ms, so the drain window, known only afterwards, can be cut
 * out of the timeline.
 */
function cpuSampler(pids, dbName) {
  const samples = [];
  const backendCpu = new Map();
  let n = 0;
  const take = () => {
    if (n++ % 4 === 0) for (const p of backendsOf(dbName)) if (!backendCpu.has(p)) backendCpu.set(p, 0);
    for (const p of backendCpu.keys()) {
      const c = cpuOf(p);
      if (c > 0) backendCpu.set(p, c);
    }
    samples.push({
      at: Date.now(),
      ...Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuOf(p)])),
      postgres: [...backendCpu.values()].reduce((a, b) => a + b, 0),
      box: boxCpu(),
    });
  };
  take();
  const timer = setInterval(take, 250);
  return {
    stop: () => clearInterval(timer),
    /** CPU seconds used by each between the samples nearest to `from` and `to`. */
    between(from, to) {
      const near = (t) => samples.reduce((best, s) => (Math.abs(s.at - t) < Math.abs(best.at - t) ? s : best));
      const a = near(from);
      const b = near(to);
      const out = { seconds: (b.at - a.at) / 1000 };
      for (const k of [...Object.keys(pids), 'postgres']) out[k] = b[k] - a[k];
      out.boxBusy = b.box.busy - a.box.busy;
      out.boxTotal = b.box.total - a.box.total;
      return out;
    },
  };
}

/** Starts a service from its dist build; its output is kept short (the last 8 KB), as a terminal scrolls it. */
function startService(name, nodeArgs, env, dir = root) {
  let output = '';
  const child = spawn(process.execPath, [...nodeArgs, path.join(dir, `services/${name}/dist/main.js`)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  child.stdout.on('data', (b) => (output = (output + b).slice(-8_000)));
  child.stderr.on('data', (b) => (output = (output + b).slice(-8_000)));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return {
    pid: child.pid,
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    /** SIGINT (graceful: the service drains and, with --cpu-prof, writes its profile), SIGKILL after 30 s. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      if ((await Promise.race([exited, sleep(30_000).then(() => 'timeout')])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

async function waitFor(what, check, svc, timeoutMs = 120_000) {
  for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
    if (await check().catch(() => false)) return Date.now();
    if (svc.exited() || Date.now() > deadline) throw new Error(`${what}: not reached\n${svc.output().slice(-3_000)}`);
  }
}

/** The same batches national-sync sends, from the portal client alone: dossiers/s. */
async function ceiling(portal, prefix, n, batchSize, parallel) {
  const batches = [];
  for (let i = 0; i < n; i += batchSize)
    batches.push(
      Array.from({ length: Math.min(batchSize, n - i) }, (_, j) => dossier(`${prefix}-${String(i + j + 1).padStart(6, '0')}`)),
    );
  const t0 = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches.length) await portal.dongBoHoSo(batches[next++], { isUpdating: false });
    }),
  );
  return n / ((Date.now() - t0) / 1000);
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
  const logLevel = process.env.NS_BENCH_LOG_LEVEL ?? 'info';
  const cpuProfDir = process.env.NS_BENCH_CPU_PROF;
  // Another checkout's build of national-sync (a before/after in the same period), e.g. a git worktree.
  const syncDir = process.env.NS_BENCH_NATIONAL_SYNC_DIR ?? root;
  const tag = randomBytes(4).toString('hex');
  const ns = `bench-${tag}.`;
  const dbName = `lt_bench_${tag}`;
  const logger = createLogger({ name: 'national-sync-bench', level: 'error' });
  const passOn = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('NATIONAL_SYNC_') && k !== 'NATIONAL_SYNC_PORT'),
  );
  // national-sync's own defaults for what the ceiling must match (batch size, pushers).
  const config = loadSyncConfig({
    DATABASE_URL: baseUrl,
    API_CLIENTS_FILE: '-',
    DVCQG_USERNAME: USER,
    DVCQG_PASSWORD: PASSWORD,
    DVCQG_MADONVI: MADONVI,
    ...passOn,
  });

  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${dbName}`;
  const clientsFile = path.join(tmpdir(), `lt-ns-bench-clients-${tag}.json`);
  writeFileSync(clientsFile, JSON.stringify({ clients: [] }));

  const kafka = createKafka({ brokers, clientId: `ns-bench-${tag}`, logger });
  const kadmin = kafka.admin();
  await kadmin.connect();
  await ensureTopics(kadmin, catalogueSpecs(ns));
  await kadmin.disconnect();
  const gateway = createEventProducer({ kafka, logger, transactionalIdPrefix: `gw-bench-${tag}` });
  await gateway.connect();
  const topic = topicNames(ns).dossierEvents;

  const sandboxPort = await freePort();
  const syncPort = await freePort();
  const sandbox = startService('sandbox', [], {
    ...process.env,
    SANDBOX_HOST: '127.0.0.1',
    SANDBOX_PORT: String(sandboxPort),
    LOG_LEVEL: logLevel,
  });
  const portalUrl = `http://127.0.0.1:${sandboxPort}/dvcqg`;
  let sync;
  const results = {
    name: 'national-sync',
    mode: `processes: national-sync dist/main.js${syncDir === root ? '' : ` (from ${syncDir})`} and the sandbox dist/main.js, each its own process; backlog published before the start`,
    sandboxLatencyMs: 20,
    workers: config.NATIONAL_SYNC_WORKERS,
    batchSize: config.NATIONAL_SYNC_BATCH_SIZE,
    logLevel,
  };
  let sampler;
  let stopTrace = async () => {};
  try {
    await waitFor('sandbox ready', async () => (await fetch(`${portalUrl}/_admin/stats`)).ok, sandbox);
    await fetch(`${portalUrl}/_admin/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 20 }),
    });
    const portal = createDvcqgClient({
      baseUrl: portalUrl,
      username: USER,
      password: PASSWORD,
      madonvi: MADONVI,
      timeoutMs: config.DVCQG_TIMEOUT_MS,
      logger,
    });
    log(`national-sync bench: ${results.mode}; logs ${logLevel}; portal latency 20 ms`);

    // The backlog, published before national-sync runs.
    const p0 = Date.now();
    const items = Array.from({ length: throughputN }, (_, i) =>
      dossier(`000.00.01.H22-250702-${String(i + 1).padStart(6, '0')}`),
    );
    for (let i = 0; i < items.length; i += 500) await gateway.publish(topic, items.slice(i, i + 500).map(upserted));
    log(`  backlog: ${throughputN} dossier events published in ${((Date.now() - p0) / 1000).toFixed(1)} s (before the start)`);

    const ceilingBefore = await ceiling(
      portal,
      '000.00.08.H22-250702',
      throughputN,
      config.NATIONAL_SYNC_BATCH_SIZE,
      config.NATIONAL_SYNC_WORKERS,
    );
    const atPortalBefore = await portalCount(portalUrl);

    const commits = async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      const r = await c.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [dbName]);
      await c.end();
      return Number(r.rows[0]?.xact_commit ?? 0);
    };
    const commitsBefore = await commits();
    const started = Date.now();
    const startSync = () =>
      startService(
        'national-sync',
        cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
        {
          ...process.env,
          DATABASE_URL: dbUrl.toString(),
          API_CLIENTS_FILE: clientsFile,
          KAFKA_BROKERS: brokers.join(','),
          KAFKA_TOPIC_NAMESPACE: ns,
          NATIONAL_SYNC_GROUP_ID: `${ns}national-sync`,
          NATIONAL_SYNC_HOST: '127.0.0.1',
          NATIONAL_SYNC_PORT: String(syncPort),
          DVCQG_BASE_URL: portalUrl,
          DVCQG_USERNAME: USER,
          DVCQG_PASSWORD: PASSWORD,
          DVCQG_MADONVI: MADONVI,
          EVENT_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`,
          LOG_LEVEL: logLevel,
          ...passOn,
        },
        syncDir,
      );
    sync = startSync();
    // NS_BENCH_TRACE=1: every 2 s, how far each stage got (ledger rows = ingested, synced, due, outbox).
    if (process.env.NS_BENCH_TRACE) {
      const ledger = new pg.Client({ connectionString: dbUrl.toString() });
      await ledger.connect();
      const timer = setInterval(async () => {
        const r = await ledger
          .query(
            `SELECT count(*) AS ingested, count(*) FILTER (WHERE state = 'synced') AS synced,
                    count(*) FILTER (WHERE due_at IS NOT NULL) AS due, (SELECT count(*) FROM sync_outbox) AS outbox FROM sync_dossier`,
          )
          .catch(() => undefined);
        if (r) log(`  trace ${JSON.stringify(r.rows[0])}`);
      }, 2_000);
      stopTrace = async () => {
        clearInterval(timer);
        await ledger.end();
      };
    }
    sampler = cpuSampler({ nationalSync: sync.pid, sandbox: sandbox.pid }, dbName);
    await waitFor(
      'every dossier at the portal',
      async () => (await portalCount(portalUrl)) - atPortalBefore >= throughputN,
      sync,
      600_000,
    );
    const pool = new pg.Client({ connectionString: dbUrl.toString() });
    await pool.connect();
    const { rows } = await pool.query(
      `SELECT extract(epoch FROM min(snapshot_accepted_at)) * 1000 AS first, extract(epoch FROM max(snapshot_accepted_at)) * 1000 AS last FROM sync_dossier`,
    );
    await pool.end();
    const firstIngest = Number(rows[0].first);
    const lastIngest = Number(rows[0].last);
    const got = await receipts(portalUrl, '000.00.01.');
    const lastAtPortal = Math.max(...got.values());
    await sleep(300); // one more CPU sample past the end
    const cpu = sampler.between(firstIngest, lastAtPortal);
    const window = (lastAtPortal - firstIngest) / 1000;
    // Stopped here (its profile then covers start-up and the drain), so its backends have exited and
    // reported their commits, and the ceiling below runs without it.
    await sync.stop();
    const ledgerCommits = (await commits()) - commitsBefore;

    const ceilingAfter = await ceiling(
      portal,
      '000.00.09.H22-250702',
      throughputN,
      config.NATIONAL_SYNC_BATCH_SIZE,
      config.NATIONAL_SYNC_WORKERS,
    );
    const ceil = (ceilingBefore + ceilingAfter) / 2;
    results.throughput = {
      dossiers: throughputN,
      atPortal: got.size,
      startupSeconds: Number(((firstIngest - started) / 1000).toFixed(2)),
      ingestSeconds: Number(((lastIngest - firstIngest) / 1000).toFixed(2)),
      seconds: Number(window.toFixed(2)),
      dossiersPerSecond: Math.round(throughputN / window),
      cpuSeconds: {
        nationalSync: Number(cpu.nationalSync.toFixed(2)),
        sandbox: Number(cpu.sandbox.toFixed(2)),
        postgres: Number(cpu.postgres.toFixed(2)),
        box: Number(cpu.boxBusy.toFixed(2)),
        boxCapacity: Number(cpu.boxTotal.toFixed(2)),
      },
      ledgerCommitsPerDossier: Number((ledgerCommits / throughputN).toFixed(3)),
      nationalSyncCpuMsPerDossier: Number(((cpu.nationalSync * 1000) / throughputN).toFixed(3)),
    };
    results.drainCeiling = {
      dossiersPerSecond: Math.round(ceil),
      before: Math.round(ceilingBefore),
      after: Math.round(ceilingAfter),
      batchSize: config.NATIONAL_SYNC_BATCH_SIZE,
      parallel: config.NATIONAL_SYNC_WORKERS,
    };
    results.drainRatio = Number((results.throughput.dossiersPerSecond / ceil).toFixed(2));
    const t = results.throughput;
    log(
      `  drain: ${t.dossiersPerSecond} dossiers/s (${t.dossiers} from first ingest to the last at the portal in ${t.seconds} s; ingest took ${t.ingestSeconds} s of it; start-up before it ${t.startupSeconds} s)`,
    );
    log(
      `  CPU in the window: national-sync ${t.cpuSeconds.nationalSync} s (${t.nationalSyncCpuMsPerDossier} ms/dossier, ${Math.round((100 * cpu.nationalSync) / window)}% of a core), sandbox ${t.cpuSeconds.sandbox} s, Postgres backends ${t.cpuSeconds.postgres} s, box ${t.cpuSeconds.box} of ${t.cpuSeconds.boxCapacity} s; ledger commits ${t.ledgerCommitsPerDossier} per dossier (all of national-sync's, start to stop)`,
    );
    log(
      `  ceiling (portal client alone, same sandbox process, ${config.NATIONAL_SYNC_WORKERS} × batches of ${config.NATIONAL_SYNC_BATCH_SIZE}): ${results.drainCeiling.before} before, ${results.drainCeiling.after} after → national-sync drain = ${results.drainRatio} of their mean (goal ≥ 2,000/s and ≥ 0.60)`,
    );

    // 3. Latency at a steady rate: new dossiers, one event each, in 100 ms ticks.
    if (seconds > 0) {
      log(`national-sync bench: latency at ${rate} events/s for ${seconds} s (national-sync started again)`);
      sync = startSync();
      await waitFor('national-sync ready', async () => (await fetch(`http://127.0.0.1:${syncPort}/health/ready`)).ok, sync);
      const published = new Map();
      const perTick = Math.max(1, Math.round(rate / 10));
      const ticks = seconds * 10;
      const start = Date.now();
      let n = 0;
      const inFlight = [];
      for (let k = 0; k < ticks; k++) {
        const batch = Array.from({ length: perTick }, () => dossier(`000.00.02.H22-250702-${String(++n).padStart(6, '0')}`));
        // Not awaited in sequence: a slow transaction must not slow the offered rate.
        inFlight.push(
          gateway.publish(topic, batch.map(upserted)).then(() => {
            const at = Date.now();
            for (const d of batch) published.set(d.MaHoSo, at);
          }),
        );
        const next = start + (k + 1) * 100;
        if (next > Date.now()) await sleep(next - Date.now());
      }
      await Promise.all(inFlight);
      const offeredSeconds = (Date.now() - start) / 1000;
      let received = new Map();
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(250)) {
        received = await receipts(portalUrl, '000.00.02.');
        if (received.size >= n) break;
      }
      const lat = [...received]
        .map(([m, at]) => at - published.get(m))
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      results.latency = {
        events: n,
        offeredRate: Math.round(n / offeredSeconds),
        received: received.size,
        p50Ms: percentile(lat, 50),
        p99Ms: percentile(lat, 99),
        maxMs: lat.at(-1),
      };
      log(
        `  p50 ${results.latency.p50Ms} ms, p99 ${results.latency.p99Ms} ms, max ${results.latency.maxMs} ms (${received.size}/${n} received, offered ${results.latency.offeredRate}/s)`,
      );
    }
    return results;
  } finally {
    await stopTrace();
    sampler?.stop();
    await sync?.stop();
    await sandbox.stop();
    await gateway.disconnect();
    rmSync(clientsFile, { force: true });
    const a = kafka.admin();
    await a.connect();
    const topics = (await a.listTopics()).filter((x) => x.startsWith(ns));
    if (topics.length) await a.deleteTopics({ topics }).catch(() => {});
    await a.disconnect();
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  }
}
