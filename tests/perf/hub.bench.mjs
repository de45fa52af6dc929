// Issue 16's whole-hub figures, on the hub as `npm start` runs it (infra/scripts/start.mjs with
// HUB_SERVICES=sandbox,gateway,national-sync,payments: one process each under the supervisor, the shared
// broker, a throwaway database, a topic namespace of its own, LOG_LEVEL as npm start's default, info):
// 1. the whole hub on one box: HUB_BENCH_DOSSIERS (10,000) new dossiers as 1-item POST /v1/dossiers,
//    128 in flight, until every one is at the sandbox portal: dossiers/s, p50/p99 of the 202 and of 202 →
//    portal receipt;
// 2. gateway 202 → DVCQG sandbox receipt at a steady HUB_BENCH_RATE (1,000) events/s for HUB_BENCH_SECONDS
//    (10): p50/p99 (goal p99 < 500 ms).
// The load generator runs in this process, on the same 2 cores: "one box" includes it.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../../infra/kafka/kafka.mjs';
import { percentile } from './load.mjs';
import { dossier } from './gateway.bench.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = Number(process.env.HUB_BENCH_DOSSIERS ?? 10_000);
const RATE = Number(process.env.HUB_BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.HUB_BENCH_SECONDS ?? 10);
const IN_FLIGHT = 128;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

function post(agent, port, headers, body) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/dossiers',
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, t0, t1: Date.now() }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, t0, t1: Date.now() }));
    req.end(body);
  });
}

/** Posts until 202 (a 503 or a refused connection is retried, as a provincial system does). */
async function postUntilAccepted(agent, port, headers, item) {
  const body = JSON.stringify(item);
  for (let attempt = 0; ; attempt++) {
    const r = await post(agent, port, headers, body);
    if (r.status === 202) return r;
    if (r.status !== 0 && r.status < 500 && r.status !== 429) throw new Error(`${item.MaHoSo}: HTTP ${r.status}`);
    await sleep(Math.min(1_000, 50 * 2 ** attempt));
  }
}

/** MaHoSo → time the sandbox portal stored it, for every dossier under `prefix`. */
async function receipts(sandboxUrl, prefix) {
  const out = new Map();
  for (let offset = 0; ; offset += 10_000) {
    const page = await (await fetch(`${sandboxUrl}/dvcqg/_admin/dossiers?limit=10000&offset=${offset}`)).json();
    for (const d of page.items) if (d.maHoSo.startsWith(prefix)) out.set(d.maHoSo, Date.parse(d.updatedAt));
    if (offset + page.items.length >= page.total || page.items.length === 0) return out;
  }
}

async function waitAtPortal(sandboxUrl, prefix, n, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await (await fetch(`${sandboxUrl}/dvcqg/_admin/stats`)).json();
    const got = prefix ? (await receipts(sandboxUrl, prefix)).size : stats.dossiers;
    if (got >= n) return Date.now();
    if (Date.now() > deadline) throw new Error(`only ${got}/${n} dossiers at the portal after ${timeoutMs / 1000} s`);
    await sleep(prefix ? 500 : 100);
  }
}

export async function run(log, { brokers, databaseUrl }) {
  const tag = randomBytes(4).toString('hex');
  const ns = `bench-${tag}.`;
  const dbName = `lt_bench_hub_${tag}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const key = `lt_${randomBytes(32).toString('base64url')}`;
  const clientsFile = path.join(tmpdir(), `lt-bench-clients-${tag}.json`);
  writeFileSync(
    clientsFile,
    JSON.stringify({
      clients: [
        {
          id: 'bench',
          name: 'bench',
          keyHash: `sha256:${createHash('sha256').update(key).digest('hex')}`,
          agencies: ['*'],
          roles: ['submitter', 'operator'],
        },
      ],
    }),
  );
  const ports = {
    SANDBOX_PORT: await freePort(),
    GATEWAY_PORT: await freePort(),
    NATIONAL_SYNC_PORT: await freePort(),
    PAYMENTS_PORT: await freePort(),
  };
  let output = '';
  const hub = spawn(process.execPath, ['infra/scripts/start.mjs'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HUB_SERVICES: 'sandbox,gateway,national-sync,payments',
      HUB_DEMO_API_KEY: key,
      API_CLIENTS_FILE: clientsFile,
      KAFKA_BROKERS: brokers,
      DATABASE_URL: dbUrl.toString(),
      KAFKA_TOPIC_NAMESPACE: ns,
      GATEWAY_RATE_LIMIT_PER_MINUTE: '100000000',
      ...(process.env.HUB_BENCH_LOG_LEVEL ? { LOG_LEVEL: process.env.HUB_BENCH_LOG_LEVEL } : {}),
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    },
  });
  // Output is kept short (last 8 KB) and dropped otherwise, as a terminal would scroll it.
  hub.stdout.on('data', (b) => (output = (output + b).slice(-8_000)));
  hub.stderr.on('data', (b) => (output = (output + b).slice(-8_000)));
  const exited = new Promise((r) => hub.once('exit', r));
  const stop = async () => {
    try {
      process.kill(-hub.pid, 'SIGINT');
    } catch {}
    await Promise.race([exited, sleep(30_000)]);
    try {
      process.kill(-hub.pid, 'SIGKILL');
    } catch {}
  };
  const results = { logLevel: process.env.HUB_BENCH_LOG_LEVEL ?? 'info (npm start default)' };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const sandboxUrl = `http://127.0.0.1:${ports.SANDBOX_PORT}`;
  try {
    for (const deadline = Date.now() + 240_000; !output.includes('the hub is up'); await sleep(200)) {
      if (hub.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output.slice(-3_000)}`);
    }
    const faults = await (await fetch(`${sandboxUrl}/dvcqg/_admin/faults`)).json().catch(() => ({}));
    log(`  hub up (sandbox portal faults: ${JSON.stringify(faults)})`);

    // 1. The whole hub: N new dossiers, 1-item posts, 128 in flight, until all are at the portal.
    log(`  whole hub: ${N} dossiers, 1-item posts, ${IN_FLIGHT} in flight, until each is at the sandbox portal…`);
    const accepted = new Map();
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < N) {
          const item = dossier(++next);
          item.MaHoSo = `000.00.01.H22-251120-${String(next).padStart(7, '0')}`;
          const r = await postUntilAccepted(agent, ports.GATEWAY_PORT, headers, item);
          accepted.set(item.MaHoSo, r);
        }
      }),
    );
    const postedAt = Date.now();
    const doneAt = await waitAtPortal(sandboxUrl, undefined, N, 600_000);
    const got = await receipts(sandboxUrl, '000.00.01.');
    const answer = [...accepted.values()].map((r) => r.t1 - r.t0).sort((a, b) => a - b);
    const toPortal = [...got]
      .map(([m, at]) => at - accepted.get(m).t1)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    results.wholeHub = {
      dossiers: N,
      seconds: (doneAt - t0) / 1000,
      dossiersPerSecond: N / ((doneAt - t0) / 1000),
      postsPerSecond: N / ((postedAt - t0) / 1000),
      p50AcceptMs: percentile(answer, 50),
      p99AcceptMs: percentile(answer, 99),
      p50ToPortalMs: percentile(toPortal, 50),
      p99ToPortalMs: percentile(toPortal, 99),
    };

    // 2. 202 → portal receipt at a steady rate (open loop, new dossiers).
    log(`  steady ${RATE} events/s for ${SECONDS} s, 202 → sandbox receipt…`);
    const total = RATE * SECONDS;
    const steady = new Map();
    const pending = [];
    const s0 = Date.now();
    let failed = 0;
    for (let i = 0; i < total; i++) {
      const due = s0 + (i * 1000) / RATE;
      if (due - Date.now() > 1) await sleep(due - Date.now());
      const item = dossier(i);
      item.MaHoSo = `000.00.02.H22-251120-${String(i + 1).padStart(7, '0')}`;
      pending.push(
        post(agent, ports.GATEWAY_PORT, headers, JSON.stringify(item)).then((r) =>
          r.status === 202 ? steady.set(item.MaHoSo, r.t1) : failed++,
        ),
      );
    }
    await Promise.all(pending);
    const offered = total / ((Date.now() - s0) / 1000);
    await waitAtPortal(sandboxUrl, '000.00.02.', steady.size, 300_000);
    const got2 = await receipts(sandboxUrl, '000.00.02.');
    const lat = [...got2]
      .map(([m, at]) => at - steady.get(m))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    results.steady = {
      rate: RATE,
      offered,
      accepted: steady.size,
      failed,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
      maxMs: lat.at(-1),
    };
  } finally {
    agent.destroy();
    await stop();
    rmSync(clientsFile, { force: true });
    const kadmin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await kadmin.connect();
    const topics = (await kadmin.listTopics()).filter((t) => t.startsWith(ns));
    if (topics.length) await kadmin.deleteTopics({ topics }).catch(() => {});
    await kadmin.disconnect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  const w = results.wholeHub;
  const s = results.steady;
  log('');
  log(`hub on one box (npm start: sandbox, gateway, national-sync, payments, broker; logs ${results.logLevel})`);
  log(
    `  whole hub: ${f(w.dossiersPerSecond)} dossiers/s to the portal (${w.dossiers} in ${f(w.seconds, 1)} s; posts ${f(w.postsPerSecond)}/s), 202 p50/p99 ${f(w.p50AcceptMs)}/${f(w.p99AcceptMs)} ms, 202 → portal p50/p99 ${f(w.p50ToPortalMs)}/${f(w.p99ToPortalMs)} ms (goal ≥ 2,000/s, p99 < 500 ms)`,
  );
  log(
    `  steady ${s.rate}/s (offered ${f(s.offered)}/s, ${s.accepted} accepted, ${s.failed} failed): 202 → sandbox receipt p50 ${f(s.p50Ms)} ms, p99 ${f(s.p99Ms)} ms, max ${f(s.maxMs)} ms (goal p99 < 500 ms)`,
  );
  return results;
}
