// Issue 2 bench: ingest throughput and latency of POST /v1/dossiers to Kafka ack, 1-item and 100-item
// requests, beside a baseline measured in the same run (a bare fastify route publishing the same bytes
// with kafkajs, no auth or validation), then p50/p99 at half the hub's peak rate.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { closedLoop, openLoop } from './load.mjs';
import { freePort } from '../../infra/kafka/kafka.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

function dossier(n) {
  return {
    MaHoSo: `000.00.01.H22-251120-${String(n).padStart(7, '0')}`,
    MaTTHC: '1.001234',
    TenTTHC: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
    MaLinhVuc: 'G09-XD01',
    TenLinhVuc: 'Hoạt động xây dựng',
    KenhThucHien: '2',
    ChuHoSo: 'Nguyễn Văn An',
    LoaiDoiTuong: '1',
    SoDienThoai: '0912345678',
    Email: 'an.nguyen@example.vn',
    TrichYeuHoSo: 'Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ',
    NgayTiepNhan: '20251120083000',
    NgayHenTra: '20251204170000',
    TrangThaiHoSo: '2',
    HinhThuc: '0',
    DonViXuLy: 'Sở Xây dựng tỉnh Hà Giang',
  };
}

async function startServer(mode, env) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(here, 'gateway-server.mjs')], { env: { ...process.env, ...env, MODE: mode, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => d.toString().includes('READY') && resolve());
    child.once('exit', (c) => reject(new Error(`${mode} server exited ${c}`)));
  });
  return { port, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

export async function run(log, { brokers, databaseUrl }) {
  const ns = `bench-${randomBytes(4).toString('hex')}.`;
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: `${ns}dossier.events.v1`, numPartitions: 6 }], waitForLeaders: true });
  const apiKey = `lt_${randomBytes(32).toString('base64url')}`;
  const env = { KAFKA_BROKERS: brokers, NS: ns, DATABASE_URL: databaseUrl, API_KEY: apiKey };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  let seq = 0;
  const bodies = {
    1: () => JSON.stringify(dossier(++seq)),
    100: () => JSON.stringify(Array.from({ length: 100 }, () => dossier(++seq))),
  };
  // Baseline and hub are measured in alternating rounds, with both servers up, so that drift in the
  // machine's load (this is a shared 2-core box) hits both alike; the medians and the range of the
  // per-round ratios are reported.
  const servers = { baseline: await startServer('baseline', env), hub: await startServer('hub', env) };
  const rounds = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of [1, 100]) {
      const order = round % 2 === 0 ? ['baseline', 'hub'] : ['hub', 'baseline'];
      for (const mode of order) {
        log(`  round ${round + 1}/${ROUNDS}: ${mode}, ${size}-item requests, ${CONCURRENCY} in flight, ${SECONDS} s…`);
        const r = await closedLoop({ port: servers[mode].port, path: '/v1/dossiers', headers, makeBody: bodies[size], concurrency: CONCURRENCY, seconds: SECONDS });
        (rounds[`${mode}/${size}`] ??= []).push({ ...r, eventsPerSecond: r.requestsPerSecond * size });
      }
    }
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const results = {};
  for (const [k, list] of Object.entries(rounds)) {
    results[k] = {
      eventsPerSecond: median(list.map((r) => r.eventsPerSecond)),
      requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      failed: list.reduce((n, r) => n + r.failed, 0),
    };
  }
  const ratios = (size) => rounds[`hub/${size}`].map((h, i) => h.eventsPerSecond / rounds[`baseline/${size}`][i].eventsPerSecond);
  const halfRate = results['hub/1'].requestsPerSecond / 2;
  log(`  hub, 1-item requests at half its median peak rate (${halfRate.toFixed(0)} req/s), ${SECONDS} s…`);
  results['hub/1@half'] = await openLoop({ port: servers.hub.port, path: '/v1/dossiers', headers, makeBody: bodies[1], rate: halfRate, seconds: SECONDS });
  await servers.baseline.stop();
  await servers.hub.stop();
  await admin.deleteTopics({ topics: [`${ns}dossier.events.v1`] }).catch(() => {});
  await admin.disconnect();

  const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  log('');
  log('gateway ingest (POST /v1/dossiers → Kafka ack)');
  log(`  medians of ${ROUNDS} alternating rounds of ${SECONDS} s each`);
  log('  request size | baseline events/s | hub events/s | ratio (rounds: min–max) | baseline p50/p99 ms | hub p50/p99 ms | hub failed');
  for (const size of [1, 100]) {
    const b = results[`baseline/${size}`];
    const h = results[`hub/${size}`];
    const rs = ratios(size);
    const range = `${f(h.eventsPerSecond / b.eventsPerSecond, 2)} (${f(Math.min(...rs), 2)}–${f(Math.max(...rs), 2)})`;
    log(`  ${String(size).padStart(12)} | ${f(b.eventsPerSecond).padStart(17)} | ${f(h.eventsPerSecond).padStart(12)} | ${range.padStart(23)} | ${`${f(b.p50, 1)}/${f(b.p99, 1)}`.padStart(19)} | ${`${f(h.p50, 1)}/${f(h.p99, 1)}`.padStart(14)} | ${h.failed}`);
  }
  const half = results['hub/1@half'];
  log(`  hub at half peak: ${f(half.achievedRate)} req/s sent, ${half.ok} ok, ${half.failed} failed, p50 ${f(half.p50, 1)} ms, p99 ${f(half.p99, 1)} ms (target p99 < 50 ms)`);
  return results;
}
