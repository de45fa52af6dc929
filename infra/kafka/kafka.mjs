#!/usr/bin/env node
// Real single-node Apache Kafka (KRaft) assembled from Maven Central jars and run with plain `java`.
// Facts and pitfalls: ../shared/reference/kafka-local.md. Plain ESM JavaScript on purpose: it must run
// before `npm run build`, from .ci/run, npm start and the vitest global setup.
//
//   node infra/kafka/kafka.mjs fetch            download the jars into infra/kafka/lib (cached)
//   node infra/kafka/kafka.mjs start            start (or reuse) a broker on 127.0.0.1:9092, wait until ready
//   node infra/kafka/kafka.mjs stop             stop the broker this script started
//   node infra/kafka/kafka.mjs status           print whether a broker answers
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const KAFKA_VERSION = '4.1.1';
const libDir = path.join(here, 'lib');
const brokerJar = path.join(libDir, `kafka_2.13-${KAFKA_VERSION}.jar`);

/** Default data folder of the broker `npm start` and the tests use (git-ignored). */
export const defaultDataDir = path.join(repoRoot, '.data', 'kafka');

function say(msg) {
  process.stderr.write(`[kafka] ${msg}\n`);
}

/** Download the broker's jars from Maven Central unless they are already there. Prints Maven's progress. */
export function ensureJars({ quiet = false } = {}) {
  if (existsSync(brokerJar)) return;
  if (!quiet)
    say(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into infra/kafka/lib (first run only, ~70 MB)…`);
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  const started = Date.now();
  const r = spawnSync(
    mvn,
    [
      '-B',
      '--no-transfer-progress',
      '-f',
      path.join(here, 'pom.xml'),
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libDir}`,
    ],
    { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] },
  );
  if (r.error) throw new Error(`could not run Maven (${r.error.message}); install Maven 3.8+ and Java 17+`);
  if (r.status !== 0 || !existsSync(brokerJar)) {
    rmSync(libDir, { recursive: true, force: true });
    throw new Error(`Maven could not fetch the Kafka jars (exit ${r.status}); see its output above`);
  }
  // Pitfall §8.3: a second SLF4J binding or logback would swallow the broker's log (and its ready line).
  const bad = readdirSync(libDir).filter((f) => /logback|slf4j-log4j12|slf4j-api-2/.test(f));
  if (bad.length) throw new Error(`unexpected logging jars in infra/kafka/lib: ${bad.join(', ')}`);
  if (!quiet) say(`jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A free TCP port on 127.0.0.1, for brokers started by tests beside the shared one. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function serverProperties({ dataDir, port, controllerPort, scram }) {
  // With `scram`, a second listener on scram.port takes SASL/SCRAM-SHA-512 (the credential is written at
  // format time, see startKafka): the tests prove the hub's KAFKA_SASL_* settings against a real broker.
  const sasl = scram ? `,SASL_PLAINTEXT://127.0.0.1:${scram.port}` : '';
  // Values from kafka-local.md §4; the speed settings suit one node on two cores.
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${sasl}`,
    // 127.0.0.1, not localhost: localhost may resolve to ::1 (§8.5).
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}${sasl}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${scram ? ',SASL_PLAINTEXT:SASL_PLAINTEXT' : ''}`,
    ...(scram
      ? [
          'sasl.enabled.mechanisms=SCRAM-SHA-512',
          'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        ]
      : []),
    `log.dirs=${path.join(dataDir, 'logs')}`,
    'num.partitions=3',
    // Topics are created explicitly from the catalogue in packages/events; auto-creation would hide typos.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.num.partitions=1',
    'num.network.threads=2',
    'num.io.threads=2',
    'background.threads=2',
    'log.cleaner.dedupe.buffer.size=8388608',
    '',
  ].join('\n');
}

export function javaBase() {
  return [
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(here, 'log4j2.properties')}`,
    '-cp',
    `${libDir}${path.sep}*`, // java expands lib/*; spawn passes it unexpanded (§8.4)
  ];
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitReady({ logFile, port, pid, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  let sawStarted = false;
  while (Date.now() < deadline) {
    if (pid && !pidAlive(pid)) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
      throw new Error(`the Kafka broker exited during start; last lines of ${logFile}:\n${tail}`);
    }
    if (!sawStarted && existsSync(logFile)) sawStarted = readFileSync(logFile, 'utf8').includes('Kafka Server started');
    if (sawStarted && (await isPortOpen(port))) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Kafka broker on 127.0.0.1:${port} was not ready after ${timeoutMs / 1000} s; see ${logFile}`);
}

/**
 * The broker's JVM flags. `test` (default: the tests, CI, `npm start`): fast start and little CPU on two cores —
 * the serial collector and the C1 compiler only [inferred: kafka-local.md]. `production`: what Kafka's own
 * scripts give a broker (kafka-server-start.sh's 1 GB heap, kafka-run-class.sh's G1 with 20 ms pause goal and
 * full JIT), for benches that should not measure the test JVM: after issue 16's bench rounds the test profile
 * had made 446 young collections averaging 32 ms each, stop-the-world (jstat). Measured once with the hub's
 * gateway bench: no change in its figures that stands out of the noise (docs/performance.md).
 * Set it with KAFKA_JVM_PROFILE=production (`node infra/kafka/kafka.mjs stop` first: a running broker is reused).
 */
export const JVM_PROFILES = {
  test: ['-Xms256m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
  production: [
    '-Xms1g',
    '-Xmx1g',
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:MaxInlineLevel=15',
  ],
};

/** The JVM profile of the broker this script started in `dataDir` (undefined: none, or one started elsewhere). */
export function runningJvmProfile(dataDir = defaultDataDir) {
  const info = readJson(path.join(dataDir, 'broker.pid'));
  return info && pidAlive(info.pid) ? (info.jvmProfile ?? 'test') : undefined;
}

/**
 * Start a broker with its data in `dataDir` (formatted on first use, kept afterwards so a restart keeps
 * the topics and offsets), or reuse one already listening on `port`.
 * @returns {Promise<{brokers: string, pid?: number, reused: boolean, stop: () => Promise<void>}>}
 */
export async function startKafka({
  dataDir = defaultDataDir,
  port = 9092,
  controllerPort,
  timeoutMs = 90_000,
  quiet = false,
  scram,
  jvmProfile,
} = {}) {
  const brokers = `127.0.0.1:${port}`;
  if (await isPortOpen(port)) {
    if (!quiet) say(`a broker already answers on ${brokers}; reusing it`);
    return { brokers, reused: true, stop: async () => {} };
  }
  ensureJars({ quiet });
  mkdirSync(dataDir, { recursive: true });
  controllerPort ??= port === 9092 ? 9093 : await freePort();
  const propsFile = path.join(dataDir, 'server.properties');
  writeFileSync(propsFile, serverProperties({ dataDir, port, controllerPort, scram }));
  const logFile = path.join(dataDir, 'broker.log');
  const metaFile = path.join(dataDir, 'logs', 'meta.properties');
  if (!existsSync(metaFile)) {
    // Cluster id: 16 random bytes, base64url, not starting with '-' (Uuid.randomUuid's rule, §5).
    let cid;
    do cid = randomBytes(16).toString('base64url');
    while (cid.startsWith('-'));
    if (!quiet) say(`formatting a new KRaft log dir in ${path.relative(repoRoot, dataDir) || dataDir}`);
    const r = spawnSync(
      'java',
      [
        '-Xmx256m',
        ...javaBase(),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        cid,
        '-c',
        propsFile,
        '-g',
        ...(scram ? ['--add-scram', `SCRAM-SHA-512=[name=${scram.username},password=${scram.password}]`] : []),
      ],
      { encoding: 'utf8' },
    );
    if (r.error) throw new Error(`could not run java (${r.error.message}); install Java 17+`);
    if (r.status !== 0) throw new Error(`Kafka storage format failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const out = openSync(logFile, 'w');
  const profile = jvmProfile ?? process.env.KAFKA_JVM_PROFILE ?? 'test';
  if (!(profile in JVM_PROFILES)) throw new Error(`KAFKA_JVM_PROFILE=${profile}: expected test or production`);
  const child = spawn(
    'java',
    [...JVM_PROFILES[profile], '-XX:+ExitOnOutOfMemoryError', ...javaBase(), 'kafka.Kafka', propsFile],
    {
      detached: true,
      stdio: ['ignore', out, out],
    },
  );
  closeSync(out);
  child.unref();
  writeFileSync(path.join(dataDir, 'broker.pid'), JSON.stringify({ pid: child.pid, port, controllerPort, jvmProfile: profile }));
  if (!quiet) say(`starting broker (pid ${child.pid}, JVM profile ${profile}) on ${brokers}…`);
  const t0 = Date.now();
  try {
    await waitReady({ logFile, port, pid: child.pid, timeoutMs });
  } catch (err) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
    throw err;
  }
  if (!quiet) say(`broker ready on ${brokers} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { brokers, pid: child.pid, reused: false, stop: () => stopPid(child.pid, quiet) };
}

export async function stopPid(pid, quiet) {
  if (!pidAlive(pid)) return;
  process.kill(pid, 'SIGTERM'); // the broker's shutdown hook flushes and closes cleanly
  const deadline = Date.now() + 20_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (pidAlive(pid)) {
    if (!quiet) say(`broker pid ${pid} did not stop in 20 s; killing it`);
    process.kill(pid, 'SIGKILL');
  }
}

/** Stop the broker whose pid file is in `dataDir` (one this script started). */
export async function stopKafka({ dataDir = defaultDataDir, quiet = false } = {}) {
  const info = readJson(path.join(dataDir, 'broker.pid'));
  if (!info || !pidAlive(info.pid)) {
    if (!quiet) say('no broker started by this project is running');
    return false;
  }
  await stopPid(info.pid, quiet);
  if (!quiet) say(`stopped broker pid ${info.pid}`);
  return true;
}

async function main() {
  const [cmd = 'status'] = process.argv.slice(2);
  const port = Number(process.env.KAFKA_PORT ?? 9092);
  switch (cmd) {
    case 'fetch':
      ensureJars();
      break;
    case 'start':
      await startKafka({ port });
      break;
    case 'stop':
      await stopKafka();
      break;
    case 'status':
      console.log((await isPortOpen(port)) ? `a broker answers on 127.0.0.1:${port}` : `nothing on 127.0.0.1:${port}`);
      break;
    default:
      console.error('usage: kafka.mjs fetch|start|stop|status');
      process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    say(err.message);
    process.exit(1);
  });
}
