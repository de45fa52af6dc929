// Gateway ingest bench (issues 2 and 16): POST /v1/dossiers to Kafka ack, 1-item and 100-item requests,
// each beside the ceiling issue 16 names, measured in the same run:
// - 1-item: bare fastify answering a POST checked against the same body schema, no Kafka (MODE=ceiling
//   of gateway-server.mjs);
// - 100-item: Kafka's own producer perf test (ProducerPerformance of kafka-tools, same broker, same record
//   size as one event, acks=all, idempotent, linger 5 ms; kafka-producer-perf.mjs);
// then p50/p99 of 1-item requests at half the hub's peak rate (after one uncounted second at that rate).
// The hub logs at info, as npm start runs it. BENCH_LEVERS=idempotent,debug,warn adds hub variants (lever
// probes, same rounds): `idempotent` = an idempotent lingering producer without transactions
// (idempotent-producer.mjs); `debug` = LOG_LEVEL=debug, i.e. fastify's two lines per request on (what info
// wrote before issue 16); `warn` = LOG_LEVEL=warn; `lanes1`, `lanes4`, `lanes8` = the events producer with that
// many transactional lanes instead of its default 2; `singles-txn` = 1-item requests in transactions too
// (GATEWAY_SINGLE_ITEM_PUBLISH=transaction, the gateway before issue 16's last change); `claims-unbounded`,
// `claims1`, `claims4` = the idempotency store's claim statements in flight at once (default 2; unbounded =
// a statement per event-loop turn, as before).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { closedLoop, logPauses, openLoop } from './load.mjs';
import { kafkaProducerPerf } from './kafka-producer-perf.mjs';
import { freePort } from '../../infra/kafka/kafka.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LEVERS = (process.env.BENCH_LEVERS ?? '').split(',').filter(Boolean);
/** BENCH_SIZES=1 measures 1-item requests only (a lever's before/after in more rounds). */
const SIZES = (process.env.BENCH_SIZES ?? '1,100').split(',').map(Number);
const variantEnv = {
  idempotent: { PRODUCER: 'idempotent' },
  debug: { LOG_LEVEL: 'debug' },
  warn: { LOG_LEVEL: 'warn' },
  lanes1: { PRODUCER_LANES: '1' },
  lanes4: { PRODUCER_LANES: '4' },
  lanes8: { PRODUCER_LANES: '8' },
  'singles-txn': { SINGLE_ITEM_PUBLISH: 'transaction' },
  'claims-unbounded': { CLAIMS_IN_FLIGHT: '0' },
  claims1: { CLAIMS_IN_FLIGHT: '1' },
  claims4: { CLAIMS_IN_FLIGHT: '4' },
  semi64: { NODE_OPTIONS: '--max-semi-space-size=64' },
};

export function dossier(n) {
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
  // BENCH_CPU_PROF=<dir>: the hub servers run with --cpu-prof (a .cpuprofile per server in <dir>, written at exit).
  const prof =
    process.env.BENCH_CPU_PROF && mode !== 'ceiling' ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, path.join(here, 'gateway-server.mjs')], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => d.toString().includes('READY') && resolve());
    child.once('exit', (c) => reject(new Error(`${mode} server exited ${c}`)));
  });
  return { port, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const range = (xs, d = 0) => `${f(Math.min(...xs), d)}–${f(Math.max(...xs), d)}`;

export async function run(log, { brokers, databaseUrl }) {
  if (process.env.GC_LOG) logPauses('load-generator');
  const ns = `bench-${randomBytes(4).toString('hex')}.`;
  const topic = `${ns}dossier.events.v1`;
  const perfTopic = `${ns}producer-perf`;
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic, numPartitions: 6 },
      { topic: perfTopic, numPartitions: 6 },
    ],
    waitForLeaders: true,
  });
  const events = await import('../../packages/events/dist/index.js');
  const recordSize = events.encodeEvent(
    events.createEvent({
      source: 'urn:lienthong:gateway',
      type: 'vn.lienthong.dossier.upserted',
      subject: dossier(1).MaHoSo,
      dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/dong-bo-ho-so-mc.item.v1.json',
      data: dossier(1),
    }),
  ).length;
  const apiKey = `lt_${randomBytes(32).toString('base64url')}`;
  const env = { KAFKA_BROKERS: brokers, NS: ns, DATABASE_URL: databaseUrl, API_KEY: apiKey };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
  let seq = 0;
  const bodies = {
    1: () => JSON.stringify(dossier(++seq)),
    100: () => JSON.stringify(Array.from({ length: 100 }, () => dossier(++seq))),
  };
  const hubs = ['hub', ...LEVERS.map((l) => `hub-${l}`)];
  const servers = { ceiling: await startServer('ceiling', { ...env, MODE: 'ceiling' }) };
  for (const h of hubs) servers[h] = await startServer(h, { ...env, MODE: 'hub', ...(variantEnv[h.slice(4)] ?? {}) });
  // Ceiling and hub are measured in alternating rounds, with every server up, so that drift in the
  // machine's load (a shared 2-core box) hits both alike; medians and the per-round ratios are reported.
  const rounds = {};
  const kafkaPerf = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Odd rounds run in the reverse order, so that no server is always measured after another.
    const order1 = round % 2 === 0 ? ['ceiling', ...hubs] : [...hubs].reverse().concat('ceiling');
    for (const mode of order1) {
      log(`  round ${round + 1}/${ROUNDS}: ${mode}, 1-item requests, ${CONCURRENCY} in flight, ${SECONDS} s…`);
      const r = await closedLoop({
        port: servers[mode].port,
        path: '/v1/dossiers',
        headers,
        makeBody: bodies[1],
        concurrency: CONCURRENCY,
        seconds: SECONDS,
      });
      (rounds[`${mode}/1`] ??= []).push({ ...r, eventsPerSecond: r.requestsPerSecond });
    }
    const order100 = !SIZES.includes(100)
      ? []
      : round % 2 === 0
        ? ['kafka-perf', ...hubs]
        : [...hubs].reverse().concat('kafka-perf');
    for (const mode of order100) {
      if (mode === 'kafka-perf') {
        log(
          `  round ${round + 1}/${ROUNDS}: Kafka ProducerPerformance, ${recordSize}-byte records, acks=all, idempotent, linger 5 ms…`,
        );
        const r = await kafkaProducerPerf({
          brokers,
          topic: perfTopic,
          recordSize,
          records: Number(process.env.BENCH_KAFKA_RECORDS ?? 150_000),
        });
        log(`    ${r.line}`);
        kafkaPerf.push(r);
        continue;
      }
      log(`  round ${round + 1}/${ROUNDS}: ${mode}, 100-item requests, ${CONCURRENCY} in flight, ${SECONDS} s…`);
      const r = await closedLoop({
        port: servers[mode].port,
        path: '/v1/dossiers',
        headers,
        makeBody: bodies[100],
        concurrency: CONCURRENCY,
        seconds: SECONDS,
      });
      (rounds[`${mode}/100`] ??= []).push({ ...r, eventsPerSecond: r.requestsPerSecond * 100 });
    }
  }
  const results = { recordSize, kafkaPerf: kafkaPerf.map((r) => r.recordsPerSecond) };
  for (const [k, list] of Object.entries(rounds)) {
    results[k] = {
      eventsPerSecond: median(list.map((r) => r.eventsPerSecond)),
      rounds: list.map((r) => Math.round(r.eventsPerSecond)),
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      failed: list.reduce((n, r) => n + r.failed, 0),
    };
  }
  for (const h of hubs) {
    const halfRate = results[`${h}/1`].eventsPerSecond / 2;
    if (process.env.BENCH_SYNC !== '0') {
      // The rounds before wrote hundreds of MB into the broker's log; the kernel writes them back to disk in
      // the seconds after, and Postgres's commits (the idempotency claims) wait behind that writeback.
      const t = Date.now();
      spawnSync('sync');
      log(`  (sync: the page cache's dirty data written back in ${Date.now() - t} ms before the half-peak run)`);
    }
    log(`  ${h}, 1-item requests at half its median peak rate (${halfRate.toFixed(0)} req/s), ${SECONDS} s…`);
    results[`${h}/1@half`] = await openLoop({
      port: servers[h].port,
      path: '/v1/dossiers',
      headers,
      makeBody: bodies[1],
      rate: halfRate,
      seconds: SECONDS,
      // Not counted: the first second at that rate (new connections; the 100-item rounds just before left
      // the broker and Postgres busy — without it the first hub measured here had p99 245–250 ms, the others
      // 30–41 ms, in the same runs).
      warmupSeconds: 1,
    });
  }
  for (const s of Object.values(servers)) await s.stop();
  await admin.deleteTopics({ topics: [topic, perfTopic] }).catch(() => {});
  await admin.disconnect();

  log('');
  log(
    `gateway ingest (POST /v1/dossiers → Kafka ack), medians of ${ROUNDS} alternating rounds of ${SECONDS} s, ${CONCURRENCY} in flight`,
  );
  log(
    '  figure                    | ceiling/s (rounds)          | hub events/s (rounds)        | ratio (per round)   | hub p50/p99 ms | failed',
  );
  const c1 = rounds['ceiling/1'].map((r) => r.eventsPerSecond);
  const c100 = results.kafkaPerf;
  for (const h of hubs) {
    for (const [size, ceil] of [
      [1, c1],
      [100, c100],
    ].filter(([size]) => SIZES.includes(size))) {
      const list = rounds[`${h}/${size}`].map((r) => r.eventsPerSecond);
      const ratios = list.map((x, i) => x / ceil[i]);
      const r = results[`${h}/${size}`];
      log(
        `  ${`${h} ${size}-item`.padEnd(25)} | ${`${f(median(ceil))} (${range(ceil)})`.padEnd(27)} | ${`${f(r.eventsPerSecond)} (${range(list)})`.padEnd(28)} | ${`${f(median(ratios), 2)} (${range(ratios, 2)})`.padEnd(19)} | ${`${f(r.p50, 1)}/${f(r.p99, 1)}`.padEnd(14)} | ${r.failed}`,
      );
    }
  }
  log(
    `  1-item ceiling: bare fastify + the same schema check, no Kafka: p50/p99 ${f(results['ceiling/1'].p50, 1)}/${f(results['ceiling/1'].p99, 1)} ms (goal: hub ≥ 0.50 of it)`,
  );
  log(
    `  100-item ceiling: Kafka ProducerPerformance, ${recordSize}-byte records, acks=all, idempotent, linger 5 ms, 6 partitions (goal: hub ≥ 0.70 of it)`,
  );
  for (const h of hubs) {
    const half = results[`${h}/1@half`];
    log(
      `  ${h} at half peak: ${f(half.achievedRate)} req/s sent, ${half.ok} ok, ${half.failed} failed, p50 ${f(half.p50, 1)} ms, p99 ${f(half.p99, 1)} ms (goal p99 < 50 ms)`,
    );
  }
  return results;
}
