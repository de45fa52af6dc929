/**
 * Issue 11 §5: the hub on a secured three-node cluster. Each node offers a SASL_SSL listener (TLS with a
 * certificate from a throwaway CA, then SCRAM-SHA-512, the credential written at format time); the gateway
 * and national-sync run as real processes (dist/main.js) configured ONLY through the documented settings
 * (KAFKA_BROKERS on the SASL_SSL ports, KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_*). They create their
 * topics, publish and consume through that listener while one node is SIGKILLed and restarted, and every
 * accepted dossier reaches the sandbox portal. The broker refuses a wrong password and a client that skips
 * TLS. The test reads the topics back over the cluster's internal plaintext listener (loopback, test only).
 * Runs with the other cluster tests (the end of npm test; npm run test:cluster alone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { createKafka, decodeEvent, kafkaConnectionFromConfig, topicNames } from '@lienthong/events';
import { generateApiKey, hashApiKey, kafkaConfigProperties, loadConfig } from '@lienthong/platform';
import { createTestDatabase, eventually, quietLogger, randomSuffix, readTopic } from '../helpers/index.js';
import { dossierAt, maHoSoOf, startSandbox, syncEnv, type Sandbox } from '../../services/national-sync/test/harness.js';
import { watchForRegressions } from '../../services/national-sync/test/workload.js';
import { clusterTestsEnabled, printSummary, startTestCluster, type TestCluster } from './cluster-harness.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DOSSIERS = 60;

interface Proc {
  proc: ChildProcess;
  out: () => string;
}

function spawnService(main: string, env: Record<string, string>): Proc {
  const proc = spawn(process.execPath, [main], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + d).slice(-200_000)));
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-200_000)));
  return { proc, out: () => out };
}

async function stop(p: Proc | undefined): Promise<void> {
  if (!p || p.proc.exitCode !== null) return;
  const exited = new Promise((r) => p.proc.once('exit', r));
  p.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
}

describe.skipIf(!clusterTestsEnabled)('secured cluster: TLS + SCRAM-SHA-512 on three nodes', () => {
  let cluster: TestCluster;
  let savedBrokers: string | undefined;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let portal: Sandbox;
  const dir = mkdtempSync(path.join(tmpdir(), 'lt-secure-cluster-'));
  const ns = `t-${randomSuffix()}.`;

  beforeAll(async () => {
    cluster = await startTestCluster({ secure: true });
    savedBrokers = process.env.KAFKA_BROKERS;
    // The test's own reads (readTopic) go through the internal plaintext listener.
    process.env.KAFKA_BROKERS = cluster.brokers;
    db = await createTestDatabase();
    portal = await startSandbox();
    execFileSync('npx', ['tsc', '-b', 'services/gateway', 'services/national-sync'], {
      cwd: root,
      stdio: 'pipe',
      timeout: 300_000,
    });
  }, 480_000);

  afterAll(async () => {
    await portal?.close();
    await db?.drop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = savedBrokers;
  }, 120_000);

  /** The documented settings of a secured cluster, as an operator writes them. */
  const kafkaEnv = (password = cluster.secure!.password): Record<string, string> => ({
    KAFKA_BROKERS: cluster.secure!.brokers,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: cluster.secure!.caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: cluster.secure!.username,
    KAFKA_SASL_PASSWORD: password,
  });

  it('the broker refuses a wrong SCRAM password and a client that skips TLS', async () => {
    const schema = { type: 'object', properties: { ...kafkaConfigProperties }, required: [] } as const;
    const wrong = createKafka({
      ...kafkaConnectionFromConfig(loadConfig(schema, kafkaEnv('not-the-password'))),
      clientId: 'secure-test-wrong',
      logger: quietLogger(),
    });
    const admin = wrong.admin();
    await expect(admin.connect()).rejects.toThrow(/SASL|authentication/i);
    await admin.disconnect().catch(() => {});

    const plain = new Kafka({
      clientId: 'secure-test-plain',
      brokers: cluster.secure!.brokers.split(','),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      retry: { retries: 0 },
    });
    const plainAdmin = plain.admin();
    await expect(plainAdmin.connect()).rejects.toThrow();
    await plainAdmin.disconnect().catch(() => {});

    // With the right settings the same code connects and sees the three nodes.
    const right = createKafka({
      ...kafkaConnectionFromConfig(loadConfig(schema, kafkaEnv())),
      clientId: 'secure-test-right',
      logger: quietLogger(),
    });
    const ok = right.admin();
    await ok.connect();
    try {
      expect((await ok.describeCluster()).brokers).toHaveLength(3);
    } finally {
      await ok.disconnect();
    }
  });

  it(
    'gateway and national-sync over SASL_SSL: topics created, every accepted dossier at the portal while a node is SIGKILLed under load',
    { timeout: 600_000 },
    async () => {
      const started = Date.now();
      const key = generateApiKey();
      const clientsFile = path.join(dir, 'api-clients.json');
      writeFileSync(
        clientsFile,
        JSON.stringify({
          clients: [
            { id: 'motcua-h22', name: 'motcua-h22', keyHash: hashApiKey(key), agencies: ['*.H22'], roles: ['submitter'] },
          ],
        }),
      );
      const gateway = spawnService('services/gateway/dist/main.js', {
        ...kafkaEnv(),
        DATABASE_URL: db.url,
        API_CLIENTS_FILE: clientsFile,
        KAFKA_TOPIC_NAMESPACE: ns,
        GATEWAY_PORT: '0',
        LOG_LEVEL: 'info',
      });
      const sync = spawnService('services/national-sync/dist/main.js', {
        ...syncEnv({ ns, databaseUrl: db.url, sandboxUrl: portal.url }),
        ...kafkaEnv(),
        NATIONAL_SYNC_GROUP_ID: `secure-${randomSuffix()}`,
        LOG_LEVEL: 'info',
      });
      try {
        const base = await eventually(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(gateway.out())?.[1], {
          what: `the gateway listening on the secured cluster; output: ${gateway.out().slice(-800)}`,
          timeoutMs: 120_000,
        });

        const watch = watchForRegressions(portal);
        const run = 10 + Math.floor(Math.random() * 40);
        const dossiers = Array.from({ length: DOSSIERS }, (_, i) => maHoSoOf(i + 1, run));
        const eventIds = new Map<string, string>();
        let accepted = 0;
        let retries = 0;
        const notAccepted: string[] = [];
        const post = async (m: string) => {
          for (let attempt = 1; attempt <= 40; attempt++) {
            try {
              const res = await fetch(`${base}/v1/dossiers`, {
                method: 'POST',
                headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `${m}/2` },
                body: JSON.stringify(dossierAt(m, '2')),
                signal: AbortSignal.timeout(15_000),
              });
              const body = (await res.json()) as { accepted?: { eventId: string }[] };
              if (res.status === 202) {
                accepted++;
                eventIds.set(body.accepted![0]!.eventId, m);
                return;
              }
              expect([429, 500, 502, 503, 504]).toContain(res.status);
            } catch (err) {
              if ((err as Error).name === 'AssertionError') throw err;
            }
            retries++;
            await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
          }
          notAccepted.push(m);
        };
        let next = 0;
        const worker = async () => {
          for (let i = next++; i < dossiers.length; i = next++) {
            await post(dossiers[i]!);
            await new Promise((r) => setTimeout(r, 50));
          }
        };
        // In one of four runs national-sync once stayed behind after this kill: kafkajs gives up on a consumer
        // after a non-retriable error (a restarted node refusing SASL while it still loads the credentials is
        // one) and never restarts it; the consumer runner now runs it again itself (packages/events).
        let victim = 0;
        const fault = (async () => {
          await eventually(() => accepted >= DOSSIERS / 3, { timeoutMs: 300_000, intervalMs: 100, what: 'a third accepted' });
          victim = await cluster.leaderOf(topicNames(ns).dossierEvents, 0);
          await cluster.kill(victim);
          await new Promise((r) => setTimeout(r, 6_000));
          await cluster.restart(victim);
        })();
        await Promise.all(Array.from({ length: 4 }, worker));
        await fault;
        expect(notAccepted).toEqual([]);

        // Every dossier at the portal (national-sync consumed through SASL_SSL and pushed it).
        await eventually(
          async () =>
            (await Promise.all(dossiers.map(async (m) => (await portal.dossier(m))?.dossier?.TrangThaiHoSo === '2'))).every(
              Boolean,
            ),
          {
            timeoutMs: 240_000,
            intervalMs: 2_000,
            what: `every dossier at the portal; national-sync: ${sync.out().slice(-800)}`,
          },
        );
        const { regressions } = await watch.stop();
        // Every 202 is in Kafka: the gateway's transactional producer committed through the secured listener.
        const records = await readTopic(topicNames(ns).dossierEvents, { timeoutMs: 180_000, idleMs: 60_000, maxIdleMs: 60_000 });
        // The reader may be handed a batch again after the group moved: each offset counts once. A duplicate
        // is the same event id at two offsets (the gateway's producer writing it twice across the kill).
        const unique = [...new Map(records.map((r) => [`${r.partition}:${r.offset}`, r])).values()];
        const ids = new Set(unique.map((r) => (decodeEvent(r.value) as unknown as { id: string }).id));
        const missing = [...eventIds.keys()].filter((id) => !ids.has(id));
        printSummary([
          {
            scenario: `SASL_SSL, node ${victim} kill -9`,
            sent: DOSSIERS,
            accepted,
            atPortal: DOSSIERS,
            duplicates: unique.length - ids.size,
            regressions: regressions.length,
            lost: missing.length,
            retries,
            seconds: Math.round((Date.now() - started) / 1000),
          },
        ]);
        expect(missing).toEqual([]);
        expect(regressions).toEqual([]);
        expect(accepted).toBe(DOSSIERS);
        expect(victim).toBeGreaterThan(0);
        // The services really ran on the secured listeners: neither logged a Kafka authentication failure.
        expect(gateway.out()).not.toMatch(/SASL.*(fail|error)/i);
        expect(sync.out()).not.toMatch(/SASL.*(fail|error)/i);
      } finally {
        await stop(gateway);
        await stop(sync);
      }
    },
  );
});
