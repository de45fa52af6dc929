// The 100-item ingest ceiling of issue 16: Kafka's own producer perf test
// (org.apache.kafka.tools.ProducerPerformance, the kafka-tools jar of the broker's version from Maven
// Central) into the same broker, same record size, acks=all, idempotent. The jar is fetched the way
// infra/kafka/kafka.mjs fetches the broker's (Maven, first run only) and cached beside them in
// infra/kafka/lib/tools (git-ignored; a folder of its own so the broker's classpath `lib/*` stays as it is).
// Only kafka-tools itself is fetched: ProducerPerformance needs kafka-clients and argparse4j, which the
// broker's jars already include (its other dependencies — connect, Jetty — are for other tools).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureJars, KAFKA_VERSION } from '../../infra/kafka/kafka.mjs';

const kafkaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'infra', 'kafka');
const toolsDir = path.join(kafkaDir, 'lib', 'tools');
const toolsJar = path.join(toolsDir, `kafka-tools-${KAFKA_VERSION}.jar`);

export function ensureToolsJar() {
  ensureJars({ quiet: true });
  if (existsSync(toolsJar)) return;
  mkdirSync(toolsDir, { recursive: true });
  const mvn = process.platform === 'win32' ? 'mvn.cmd' : 'mvn';
  const r = spawnSync(
    mvn,
    [
      '-B',
      '--no-transfer-progress',
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy',
      `-Dartifact=org.apache.kafka:kafka-tools:${KAFKA_VERSION}`,
      '-Dtransitive=false',
      `-DoutputDirectory=${toolsDir}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
  );
  if (r.status !== 0 || !existsSync(toolsJar))
    throw new Error(`Maven could not fetch kafka-tools ${KAFKA_VERSION} (exit ${r.status ?? r.error?.message})`);
}

/**
 * Runs ProducerPerformance; resolves to { recordsPerSecond, avgMs, p99Ms, line } from its summary line
 * ("N records sent, X records/sec (… MB/sec), A ms avg latency, M ms max latency, p50 ms 50th, … 99th, …").
 */
export function kafkaProducerPerf({ brokers, topic, recordSize, records, lingerMs = 5 }) {
  ensureToolsJar();
  const sep = path.delimiter;
  const args = [
    '-Xmx256m',
    '-cp',
    `${path.join(kafkaDir, 'lib', '*')}${sep}${path.join(toolsDir, '*')}`,
    `-Dlog4j2.configurationFile=${path.join(kafkaDir, 'log4j2.properties')}`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers}`,
    'acks=all',
    'enable.idempotence=true',
    `linger.ms=${lingerMs}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out
        .split('\n')
        .reverse()
        .find((l) => / records sent, .* records\/sec/.test(l));
      if (code !== 0 || !line) return reject(new Error(`ProducerPerformance exited ${code}: ${(out + err).slice(-1500)}`));
      const num = (re) => Number(re.exec(line)?.[1]);
      resolve({
        recordsPerSecond: num(/([\d.]+) records\/sec/),
        avgMs: num(/([\d.]+) ms avg latency/),
        p99Ms: num(/([\d.]+) ms 99th/),
        line: line.trim(),
      });
    });
  });
}
