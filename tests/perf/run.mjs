#!/usr/bin/env node
// `npm run bench [-- name…]`: runs the benchmark modules of tests/perf (*.bench.mjs, each exporting
// `run(log, env)`), against the real broker and Postgres, and prints their figures. Not a test: nothing
// here passes or fails on time; the figures go into the issues' notes.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import { runningJvmProfile, startKafka } from '../../infra/kafka/kafka.mjs';
import { ensurePostgresDaemon } from '../../infra/postgres/postgres.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const log = (m) => process.stdout.write(`${m}\n`);

// BENCH_KAFKAJS=original: the "before" of the kafkajs request-queue fix (kafkajs-original.mjs). The bench
// runs again with a module hook that resolves kafkajs to an unpatched copy, in this process and in every
// process it starts (NODE_OPTIONS is inherited); the shared node_modules stays patched.
if (process.env.BENCH_KAFKAJS === 'original' && !process.env.LT_BENCH_KAFKAJS_DIR) {
  const { originalKafkajsNodeOptions } = await import('./kafkajs-original.mjs');
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} ${originalKafkajsNodeOptions()}`.trim();
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...only], {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
  });
  process.exit(r.status ?? 1);
}

const ownBroker = !process.env.KAFKA_BROKERS;
const kafka = ownBroker ? await startKafka({}) : { brokers: process.env.KAFKA_BROKERS, stop: async () => {} };
const pg = await ensurePostgresDaemon({});
const env = { brokers: kafka.brokers, databaseUrl: pg.url };
process.env.KAFKA_BROKERS = kafka.brokers;
process.env.DATABASE_URL = pg.url;

log(
  `bench on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), node ${process.version}; figures vary with machine load`,
);
// The local broker's JVM flags move the figures (infra/kafka/kafka.mjs JVM_PROFILES): say which ones ran.
const profile = ownBroker ? runningJvmProfile() : undefined;
log(
  profile === 'production'
    ? "broker: local, JVM profile production (Kafka's own heap and G1 flags)"
    : profile === 'test'
      ? 'broker: local, JVM profile test (serial GC, C1 only: start-up over throughput); for figures, `node infra/kafka/kafka.mjs stop` then KAFKA_JVM_PROFILE=production'
      : `broker: ${kafka.brokers} (not started by this checkout: its JVM flags are its own)`,
);
if (process.env.LT_BENCH_KAFKAJS_DIR)
  log(
    `kafkajs: the ORIGINAL request queue (unpatched copy in ${process.env.LT_BENCH_KAFKAJS_DIR}), for a before/after of infra/patches/kafkajs-request-queue.mjs`,
  );
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort();
let failed = 0;
for (const file of files) {
  const name = file.replace('.bench.mjs', '');
  if (only.length && !only.includes(name)) continue;
  log(`\n== ${name}`);
  const t0 = Date.now();
  try {
    const mod = await import(pathToFileURL(path.join(here, file)).href);
    await mod.run(log, env);
  } catch (err) {
    failed++;
    log(`  ${name} bench failed: ${err.stack ?? err}`);
  }
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
process.exit(failed ? 1 : 0);
