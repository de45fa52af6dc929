#!/usr/bin/env node
// A local three-node Apache Kafka cluster (KRaft, each node controller+broker) from the same Maven Central
// jars as the single broker (kafka.mjs: jar assembly, java flags and readiness are imported from there).
// It runs BESIDE the shared single broker on 9092, never touching it: its own ports, its own data folder.
//
//   node infra/kafka/cluster.mjs start     start (or reuse) the three nodes, wait until each is ready,
//                                          print the KAFKA_BROKERS string on stdout
//   node infra/kafka/cluster.mjs stop      stop the nodes this script started (SIGTERM, then SIGKILL)
//   node infra/kafka/cluster.mjs status    per node: pid, port open or not; then the KAFKA_BROKERS string
//
// Ports (env KAFKA_CLUSTER_PORT, default 19092): brokers on PORT, PORT+1, PORT+2 and controllers on
// PORT+100, PORT+101, PORT+102 (19092-19094 and 19192-19194). Data in .data/kafka-cluster/node-N
// (git-ignored; env KAFKA_CLUSTER_DIR). Topics get replication factor 3 and min.insync.replicas=2 from the
// broker defaults (the hub creates topics with replicationFactor -1 = the broker's default), and the hub's
// producers already write with acks=all, so KAFKA_BROKERS=<printed string> runs the hub unchanged.
// Tests start their own cluster on free ports in a temporary folder (startCluster({ dataDir, ports })).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureJars, freePort, isPortOpen, javaBase, pidAlive, repoRoot, stopPid, waitReady } from './kafka.mjs';

export const defaultClusterDir = path.join(repoRoot, '.data', 'kafka-cluster');
export const NODES = 3;

function say(msg) {
  process.stderr.write(`[kafka-cluster] ${msg}\n`);
}

/** Broker and controller ports of the default cluster (19092… and 19192…), or from a base port. */
export function defaultPorts(base = Number(process.env.KAFKA_CLUSTER_PORT ?? 19092)) {
  return {
    ports: Array.from({ length: NODES }, (_, i) => base + i),
    controllerPorts: Array.from({ length: NODES }, (_, i) => base + 100 + i),
  };
}

/** Free ports for a cluster started by a test next to everything else. */
export async function freePorts() {
  const all = [];
  while (all.length < 2 * NODES) {
    const p = await freePort();
    if (!all.includes(p)) all.push(p);
  }
  return { ports: all.slice(0, NODES), controllerPorts: all.slice(NODES) };
}

/**
 * A throwaway CA and one server certificate for 127.0.0.1/localhost (openssl CLI), in `dir`: ca.pem (what
 * clients trust: KAFKA_SSL_CA_FILE) and server.pem (unencrypted PKCS#8 key + certificate, Kafka's PEM key
 * store). Test material only: a province's brokers use certificates from its own CA.
 * @returns {{ caFile: string, serverFile: string }}
 */
export function ensureTestCertificates(dir) {
  const caFile = path.join(dir, 'ca.pem');
  const serverFile = path.join(dir, 'server.pem');
  if (existsSync(caFile) && existsSync(serverFile)) return { caFile, serverFile };
  mkdirSync(dir, { recursive: true });
  const run = (args) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.error) throw new Error(`could not run openssl (${r.error.message}); install openssl for the secure cluster`);
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed (exit ${r.status}): ${r.stderr}`);
  };
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=lienthong-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  ]);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.crt',
  ]);
  run(['pkcs8', '-topk8', '-nocrypt', '-in', 'server.key', '-out', 'server.pk8']);
  writeFileSync(
    serverFile,
    readFileSync(path.join(dir, 'server.pk8'), 'utf8') + readFileSync(path.join(dir, 'server.crt'), 'utf8'),
  );
  return { caFile, serverFile };
}

/**
 * The listeners of node `id`. With `secure` ({ ports, username, password, serverFile }), a third listener
 * on secure.ports[id-1] takes SASL_SSL: TLS with the node's certificate, then SCRAM-SHA-512 (the credential
 * is written at format time). Replication and the controllers stay on the loopback PLAINTEXT listeners of
 * this local cluster; a province puts those on SASL_SSL too (docs/operations-runbook.md).
 */
function listenerProperties({ id, ports, controllerPorts, secure }) {
  const port = ports[id - 1];
  const cport = controllerPorts[id - 1];
  const extra = secure ? `,SASL_SSL://127.0.0.1:${secure.ports[id - 1]}` : '';
  return [
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${cport}${extra}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${cport}${extra}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(secure
      ? [
          'sasl.enabled.mechanisms=SCRAM-SHA-512',
          'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
          'listener.name.sasl_ssl.ssl.keystore.type=PEM',
          `listener.name.sasl_ssl.ssl.keystore.location=${secure.serverFile}`,
        ]
      : []),
  ];
}

function nodeProperties({ id, dataDir, ports, controllerPorts, secure }) {
  const voters = controllerPorts.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(',');
  return [
    'process.roles=broker,controller',
    `node.id=${id}`,
    // Static quorum (kafka-local.md §4): the same on 3.9 and 4.x, no --standalone at format.
    `controller.quorum.voters=${voters}`,
    ...listenerProperties({ id, ports, controllerPorts, secure }),
    `log.dirs=${path.join(dataDir, 'logs')}`,
    // What a province's cluster runs with: every partition on all three nodes, a write acknowledged
    // (acks=all) only once two replicas have it, so one node can die without losing an accepted event.
    'default.replication.factor=3',
    'min.insync.replicas=2',
    'unclean.leader.election.enable=false',
    'num.partitions=3',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=3',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=3',
    'transaction.state.log.min.isr=2',
    'transaction.state.log.num.partitions=3',
    'share.coordinator.state.topic.replication.factor=3',
    'share.coordinator.state.topic.min.isr=2',
    'group.initial.rebalance.delay.ms=0',
    // Two cores for three JVMs and the hub: few threads (the defaults are 3 / 8 / 10).
    'num.network.threads=2',
    'num.io.threads=2',
    'background.threads=2',
    'num.replica.fetchers=1',
    'log.cleaner.dedupe.buffer.size=8388608',
    '',
  ].join('\n');
}

function nodeDir(dataDir, id) {
  return path.join(dataDir, `node-${id}`);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The cluster's id, chosen once per data folder and kept (a node formatted with another id cannot join). */
function clusterId(dataDir) {
  const file = path.join(dataDir, 'cluster.json');
  const saved = readJson(file);
  if (saved?.clusterId) return saved;
  let cid;
  do cid = randomBytes(16).toString('base64url');
  while (cid.startsWith('-'));
  mkdirSync(dataDir, { recursive: true });
  const info = { clusterId: cid };
  writeFileSync(file, JSON.stringify(info));
  return info;
}

function format({ id, dataDir, cid, quiet, secure }) {
  const dir = nodeDir(dataDir, id);
  if (existsSync(path.join(dir, 'logs', 'meta.properties'))) return;
  if (!quiet) say(`formatting node ${id} in ${path.relative(repoRoot, dir) || dir}`);
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
      path.join(dir, 'server.properties'),
      '-g',
      ...(secure ? ['--add-scram', `SCRAM-SHA-512=[name=${secure.username},password=${secure.password}]`] : []),
    ],
    { encoding: 'utf8' },
  );
  if (r.error) throw new Error(`could not run java (${r.error.message}); install Java 17+`);
  if (r.status !== 0) throw new Error(`Kafka storage format of node ${id} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

function spawnNode({ id, dataDir }) {
  const dir = nodeDir(dataDir, id);
  const out = openSync(path.join(dir, 'broker.log'), 'w');
  const child = spawn(
    'java',
    [
      '-Xms128m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-XX:+ExitOnOutOfMemoryError',
      ...javaBase(),
      'kafka.Kafka',
      path.join(dir, 'server.properties'),
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  return child.pid;
}

/**
 * Start node `id` of the cluster whose layout is in `dataDir` (as written by startCluster): used by
 * startCluster and by the fault tests to bring a killed node back. Resolves once it is ready.
 * @returns {Promise<number>} the node's pid
 */
export async function startNode({ dataDir = defaultClusterDir, id, timeoutMs = 120_000, quiet = false }) {
  const layout = readJson(path.join(dataDir, 'cluster.json'));
  if (!layout?.ports) throw new Error(`no cluster layout in ${dataDir}: start the cluster first`);
  const dir = nodeDir(dataDir, id);
  const port = layout.ports[id - 1];
  if (await isPortOpen(port)) throw new Error(`port ${port} of node ${id} is already taken`);
  const pid = spawnNode({ id, dataDir });
  writeFileSync(path.join(dir, 'broker.pid'), JSON.stringify({ pid, port, controllerPort: layout.controllerPorts[id - 1] }));
  await waitReady({ logFile: path.join(dir, 'broker.log'), port, pid, timeoutMs }).catch((err) => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
    throw err;
  });
  if (!quiet) say(`node ${id} (pid ${pid}) ready on 127.0.0.1:${port}`);
  return pid;
}

/** pid of node `id` as recorded by the last start, when that process is still alive. */
export function nodePid({ dataDir = defaultClusterDir, id }) {
  const info = readJson(path.join(nodeDir(dataDir, id), 'broker.pid'));
  return info && pidAlive(info.pid) ? info.pid : undefined;
}

export function brokersString(ports) {
  return ports.map((p) => `127.0.0.1:${p}`).join(',');
}

/**
 * Start the three nodes (formatting them on first use; data kept across restarts), or reuse them when all
 * three already answer. The nodes start together: a combined node is ready only once a controller quorum
 * (2 of 3) exists.
 * @returns {Promise<{brokers: string, ports: number[], controllerPorts: number[], dataDir: string, reused: boolean, stop: () => Promise<void>}>}
 */
export async function startCluster({
  dataDir = defaultClusterDir,
  ports,
  controllerPorts,
  timeoutMs = 120_000,
  quiet = false,
  secure,
} = {}) {
  const saved = readJson(path.join(dataDir, 'cluster.json'));
  if (!ports) ({ ports, controllerPorts } = saved?.ports ? saved : defaultPorts());
  if (!controllerPorts) throw new Error('controllerPorts must be given with ports');
  if (ports.includes(9092) || controllerPorts.includes(9093))
    throw new Error('the cluster never uses 9092/9093: those are the shared single broker');
  const brokers = brokersString(ports);
  const open = await Promise.all(ports.map((p) => isPortOpen(p)));
  const mine = ports.map((_, i) => nodePid({ dataDir, id: i + 1 }));
  if (open.every(Boolean) && mine.every(Boolean)) {
    if (!quiet) say(`the cluster already runs on ${brokers}; reusing it`);
    return { brokers, ports, controllerPorts, dataDir, reused: true, stop: () => stopCluster({ dataDir, quiet }) };
  }
  const taken = ports.filter((p, i) => open[i] && !mine[i]);
  if (taken.length) throw new Error(`ports ${taken.join(', ')} are taken by something else; set KAFKA_CLUSTER_PORT`);
  ensureJars({ quiet });
  const { clusterId: cid } = clusterId(dataDir);
  writeFileSync(path.join(dataDir, 'cluster.json'), JSON.stringify({ clusterId: cid, ports, controllerPorts }));
  for (let id = 1; id <= NODES; id++) {
    const dir = nodeDir(dataDir, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'server.properties'), nodeProperties({ id, dataDir: dir, ports, controllerPorts, secure }));
    format({ id, dataDir, cid, quiet, secure });
  }
  const t0 = Date.now();
  if (!quiet) say(`starting ${NODES} nodes on ${brokers} (controllers ${controllerPorts.join(', ')})…`);
  const started = [];
  try {
    await Promise.all(
      ports.map(async (_, i) => {
        if (mine[i] && open[i]) return; // this node still runs
        started.push(await startNode({ dataDir, id: i + 1, timeoutMs, quiet }));
      }),
    );
  } catch (err) {
    await stopCluster({ dataDir, quiet: true });
    throw err;
  }
  if (!quiet) say(`cluster ready on ${brokers} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { brokers, ports, controllerPorts, dataDir, reused: false, stop: () => stopCluster({ dataDir, quiet }) };
}

/** Stop the nodes whose pid files are in `dataDir` (only processes this script started). */
export async function stopCluster({ dataDir = defaultClusterDir, quiet = false } = {}) {
  const pids = Array.from({ length: NODES }, (_, i) => nodePid({ dataDir, id: i + 1 })).filter(Boolean);
  if (!pids.length) {
    if (!quiet) say('no cluster node started by this project is running');
    return false;
  }
  // Together: a node stopping alone waits for the quorum to move its partitions' leadership away.
  await Promise.all(pids.map((pid) => stopPid(pid, quiet)));
  if (!quiet) say(`stopped pids ${pids.join(', ')}`);
  return true;
}

async function main() {
  const [cmd = 'status'] = process.argv.slice(2);
  const dataDir = process.env.KAFKA_CLUSTER_DIR ? path.resolve(process.env.KAFKA_CLUSTER_DIR) : defaultClusterDir;
  switch (cmd) {
    case 'fetch':
      ensureJars();
      break;
    case 'start': {
      const env = process.env.KAFKA_CLUSTER_PORT ? defaultPorts() : {};
      const c = await startCluster({ dataDir, ...env });
      console.log(c.brokers);
      say(`run the hub on it with KAFKA_BROKERS=${c.brokers}`);
      break;
    }
    case 'stop':
      await stopCluster({ dataDir });
      break;
    case 'status': {
      const saved = readJson(path.join(dataDir, 'cluster.json'));
      const { ports } = saved?.ports ? saved : defaultPorts();
      let up = 0;
      for (let i = 0; i < ports.length; i++) {
        const pid = nodePid({ dataDir, id: i + 1 });
        const open = await isPortOpen(ports[i]);
        if (open) up++;
        console.error(`node ${i + 1}: 127.0.0.1:${ports[i]} ${open ? 'answers' : 'down'}${pid ? ` (pid ${pid})` : ''}`);
      }
      console.log(brokersString(ports));
      if (up < ports.length) process.exitCode = up === 0 ? 3 : 1;
      break;
    }
    default:
      console.error('usage: cluster.mjs start|stop|status|fetch');
      process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    say(err.message);
    process.exit(1);
  });
}
