/**
 * Helpers of the cluster fault tests (npm run test:cluster, or FULL_FAULT_TEST=1 in the default run): a
 * three-node KRaft cluster of the test's own (infra/kafka/cluster.mjs, free ports, a temporary folder, so
 * neither the shared broker on 9092 nor a developer's `npm run infra:cluster` is touched), node kill and
 * restart, replica catch-up, and the summary table the issue asks for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
// @ts-expect-error plain ESM script without types
import { ensureTestCertificates, freePorts, nodePid, startCluster, startNode, stopCluster } from '../../infra/kafka/cluster.mjs';
// @ts-expect-error plain ESM script without types
import { freePort } from '../../infra/kafka/kafka.mjs';

/** The cluster tests run only when asked: they take minutes and three more JVMs. */
export const clusterTestsEnabled = process.env.FULL_FAULT_TEST === '1' || process.env.LT_CLUSTER_TEST === '1';

/** The cluster's SASL_SSL listeners (TLS, then SCRAM-SHA-512): what a province's secured cluster offers. */
export interface SecureListeners {
  brokers: string;
  /** The throwaway CA that signed the nodes' certificate (KAFKA_SSL_CA_FILE). */
  caFile: string;
  username: string;
  password: string;
}

export interface TestCluster {
  brokers: string;
  /** Present when started with `{ secure: true }`. */
  secure?: SecureListeners;
  ports: number[];
  dataDir: string;
  kafka: Kafka;
  /** SIGKILL node `id` (1..3); resolves once the process is gone. */
  kill(id: number): Promise<number>;
  /** Start node `id` again on its kept data; resolves when it is ready. */
  restart(id: number): Promise<void>;
  /** The node (1..3) leading `partition` of `topic`. */
  leaderOf(topic: string, partition?: number): Promise<number>;
  /** Partitions of the topics starting with `prefix` whose in-sync replicas are fewer than 3. */
  underReplicated(prefix: string): Promise<string[]>;
  /** Replication factor of each partition of `topic`. */
  replicationFactors(topic: string): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startTestCluster(opts: { secure?: boolean } = {}): Promise<TestCluster> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lt-kafka-cluster-'));
  const { ports, controllerPorts } = (await freePorts()) as { ports: number[]; controllerPorts: number[] };
  let secure: (SecureListeners & { ports: number[]; serverFile: string }) | undefined;
  if (opts.secure) {
    const taken = new Set([...ports, ...controllerPorts]);
    const securePorts: number[] = [];
    while (securePorts.length < 3) {
      const p = (await freePort()) as number;
      if (taken.has(p)) continue;
      securePorts.push(p);
      taken.add(p);
    }
    const certs = ensureTestCertificates(path.join(dataDir, 'certs')) as { caFile: string; serverFile: string };
    secure = {
      ports: securePorts,
      brokers: securePorts.map((p) => `127.0.0.1:${p}`).join(','),
      caFile: certs.caFile,
      serverFile: certs.serverFile,
      username: 'lienthong-hub',
      password: `pw-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
    };
  }
  const c = (await startCluster({ dataDir, ports, controllerPorts, quiet: true, secure })) as { brokers: string };
  const kafka = new Kafka({
    clientId: 'cluster-test',
    brokers: c.brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8 },
  });
  const metadata = async (topics?: string[]) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await admin.fetchTopicMetadata(topics ? { topics } : undefined);
    } finally {
      await admin.disconnect();
    }
  };
  return {
    brokers: c.brokers,
    ...(secure
      ? {
          secure: {
            brokers: secure.brokers,
            caFile: secure.caFile,
            username: secure.username,
            password: secure.password,
          },
        }
      : {}),
    ports,
    dataDir,
    kafka,
    async kill(id) {
      const pid = nodePid({ dataDir, id }) as number | undefined;
      if (!pid) throw new Error(`node ${id} is not running`);
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100; i++) {
        if (!nodePid({ dataDir, id })) return pid;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`node ${id} (pid ${pid}) survived SIGKILL`);
    },
    async restart(id) {
      await startNode({ dataDir, id, quiet: true });
    },
    async leaderOf(topic, partition = 0) {
      const m = await metadata([topic]);
      const p = m.topics[0]!.partitions.find((x) => x.partitionId === partition)!;
      return p.leader;
    },
    async underReplicated(prefix) {
      const m = await metadata();
      return m.topics
        .filter((t) => t.name.startsWith(prefix))
        .flatMap((t) =>
          t.partitions.filter((p) => p.isr.length < 3).map((p) => `${t.name}[${p.partitionId}] isr=${p.isr.join(',')}`),
        );
    },
    async replicationFactors(topic) {
      const m = await metadata([topic]);
      return m.topics[0]!.partitions.map((p) => p.replicas.length);
    },
    async stop() {
      await stopCluster({ dataDir, quiet: true });
      // CLUSTER_KEEP_DATA=1 keeps the nodes' logs and segments for a post-mortem.
      if (process.env.CLUSTER_KEEP_DATA === '1') process.stdout.write(`[cluster-test] data kept in ${dataDir}\n`);
      else rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Summary {
  scenario: string;
  /** Distinct events the clients meant to deliver. */
  sent: number;
  /** Answered 202 (after the client's retries). */
  accepted: number;
  /** Events whose state the portal holds or has gone past. */
  atPortal: number;
  duplicates: number;
  regressions: number;
  lost: number;
  [extra: string]: string | number;
}

/** Prints the summary table (stdout, so `npm run test:cluster` shows it) and returns its text. */
export function printSummary(rows: Summary[]): string {
  const cols = ['scenario', 'sent', 'accepted', 'atPortal', 'duplicates', 'regressions', 'lost'];
  const extra = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => !cols.includes(k))))];
  const all = [...cols, ...extra];
  const width = all.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(width[i]!)).join(' | ')} |`;
  const text = [
    line(all),
    `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((r) => line(all.map((c) => String(r[c] ?? '')))),
  ].join('\n');
  process.stdout.write(`\n${text}\n\n`);
  return text;
}
