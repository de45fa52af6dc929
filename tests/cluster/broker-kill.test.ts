/**
 * Issue 11 §3, on a real three-node KRaft cluster (RF 3, min.insync.replicas=2, acks=all):
 *  1. kill -9 of one broker under steady ingest: provinces post dossiers to two gateway instances (buildApp, listening
 *     on HTTP) while national-sync pushes them to the DVCQG sandbox. The node leading the dossier topic is
 *     SIGKILLed mid-run and restarted; every 202 is in Kafka, every dossier's newest accepted state is at
 *     the portal, no status goes backwards, and the restarted node catches up (all replicas in sync).
 *  2. kill -9 of one of two national-sync processes (dist/main.js) in one consumer group: its partitions
 *     move to the other, no dossier stays behind, nothing regresses.
 *  3. kill -9 of the national-sync process holding the reconciliation lock mid-run: the other one takes
 *     the lock and runs the job; never two holders at once.
 *  4. two payments instances on one ledger: payments created on both, their IPNs lost, both reconcile at
 *     once: each payment settles once and publishes one event.
 * Prints the summary table (sent, accepted, at the portal, duplicates, regressions, lost) and asserts
 * lost = 0. Runs through tests/cluster/vitest.config.ts (the end of `npm test`; `npm run test:cluster` alone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeEvent, topicNames } from '@lienthong/events';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  readTopic,
} from '../helpers/index.js';
import { generateApiKey } from '@lienthong/platform';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  dossierAt,
  gatewayProducer,
  maHoSoOf,
  startNationalSync,
  startSandbox,
  syncEnv,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';
import {
  buildWorkload,
  ledgerConverged,
  publishWorkload,
  verifyConverged,
  watchForRegressions,
} from '../../services/national-sync/test/workload.js';
import { createTestPayments, freePort, newMaHoSo, paymentBody, type TestPayments } from '../../services/payments/test/harness.js';
import { startTestSandbox, type TestSandbox } from '../../services/payments/test/sandbox-harness.js';
import type { ReconciliationSummary } from '../../services/payments/src/reconciler.js';
import { clusterTestsEnabled, printSummary, startTestCluster, type Summary, type TestCluster } from './cluster-harness.js';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@lienthong/platform';
import { topicRecordsFromLogs, type RecordFate } from '../helpers/kafka-log-forensics.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const DOSSIERS = Number(process.env.CLUSTER_TEST_DOSSIERS ?? 150);
const STATES = ['2', '4', '9'] as const;
const rank: Record<string, number> = { '2': 1, '4': 2, '9': 3 };
const summaries: Summary[] = [];

interface SyncProcess {
  proc: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

/** national-sync as a real process (dist/main.js), its output kept (last 200 kB). */
function spawnSync(env: Record<string, string>): SyncProcess {
  const proc = spawn(process.execPath, ['services/national-sync/dist/main.js'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out = (out + d).slice(-200_000)));
  proc.stderr!.on('data', (d) => (out = (out + d).slice(-200_000)));
  return { proc, out: () => out, exited: new Promise<number | null>((r) => proc.on('exit', (code) => r(code))) };
}

/**
 * The OS pid of the process owning the client end of a connection to the server on `serverPort` from local
 * port `port` (iproute2's ss). Both ports are needed: Linux reuses an ephemeral port for other destinations.
 */
function pidOfLocalPort(port: number, serverPort: number): number | undefined {
  const line = execFileSync('ss', ['-tnpH', 'state', 'established', `( sport = :${port} and dport = :${serverPort} )`], {
    encoding: 'utf8',
  });
  const m = /pid=(\d+)/.exec(line);
  return m ? Number(m[1]) : undefined;
}

describe.skipIf(!clusterTestsEnabled)('three-broker cluster: kill -9 under load', () => {
  let cluster: TestCluster;
  let savedBrokers: string | undefined;
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let portal: Sandbox;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await startTestCluster();
    process.stdout.write(`[cluster-test] cluster ready on ${cluster.brokers} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    // Every helper below (namespace, readTopic, national-sync's env) reads KAFKA_BROKERS: point it at the cluster.
    savedBrokers = process.env.KAFKA_BROKERS;
    process.env.KAFKA_BROKERS = cluster.brokers;
    ns = await createTestNamespace();
    db = await createTestDatabase();
    portal = await startSandbox();
    // The process scenarios run services/national-sync/dist/main.js: build it once.
    try {
      execFileSync('npx', ['tsc', '-b', 'services/national-sync'], { cwd: root, stdio: 'pipe', timeout: 300_000 });
    } catch (err) {
      throw new Error(`tsc -b services/national-sync failed:\n${String((err as { stdout?: Buffer }).stdout ?? '')}`);
    }
  }, 480_000);

  afterAll(async () => {
    if (summaries.length) printSummary(summaries);
    await portal?.close();
    if (ns) await deleteTestNamespace(ns).catch(() => {});
    await db?.drop();
    await cluster?.stop();
    if (savedBrokers === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = savedBrokers;
  }, 120_000);

  it('topics are created with replication factor 3 by the broker default', async () => {
    const rf = await cluster.replicationFactors(topicNames(ns).dossierEvents);
    expect(rf.length).toBeGreaterThan(0);
    expect(new Set(rf)).toEqual(new Set([3]));
    expect(await cluster.underReplicated(ns)).toEqual([]);
  });

  // This scenario once left CI (2 of 5 runs reported 37–47 accepted ids its reader did not find). The brokers'
  // own segments (DumpLogSegments, tests/helpers/kafka-log-forensics.ts) showed every one of them committed:
  // the reader stopped at the last stable offset, held back by a gateway lane's transaction that hung when
  // the broker died and was aborted by the coordinator only at its timeout. The reader now aims at the high
  // watermark and waits for that transaction to end (tests/helpers/kafka.ts readTopic).
  it(
    'a broker killed with SIGKILL under gateway posts and sync: no 202 lost, newest state at the portal, no regression, the broker catches up',
    { timeout: 600_000 },
    async () => {
      const started = Date.now();
      const run = 10 + Math.floor(Math.random() * 40);
      const dossiers = Array.from({ length: DOSSIERS }, (_, i) => maHoSoOf(i + 1, run));
      let sync: RunningSync | undefined;
      const gateways: TestGateway[] = [];
      try {
        sync = await startNationalSync(
          syncEnv({
            ns,
            databaseUrl: db.url,
            sandboxUrl: portal.url,
            extra: { NATIONAL_SYNC_GROUP_ID: `cluster-${randomSuffix()}` },
          }),
          quietLogger('national-sync'),
        );
        // Two gateway instances on one database (idempotency store) and the cluster; the province's system
        // alternates between them, so a retry usually lands on the other instance (issue 11 §2).
        const key = generateApiKey();
        const urls: string[] = [];
        for (let i = 0; i < 2; i++) {
          const g = await createTestGateway({
            namespace: ns,
            databaseUrl: db.url,
            brokers: cluster.brokers.split(','),
            clients: [{ id: 'motcua-h22', agencies: ['*.H22'], key }],
            // Kept beside the cluster's data: what each gateway saw of Kafka during the kill.
            logger: createLogger({
              name: `gateway-${i + 1}`,
              level: 'info',
              destination: createWriteStream(path.join(cluster.dataDir, `gateway-${i + 1}.log`)),
            }),
          });
          gateways.push(g);
          urls.push(await g.app.listen({ host: '127.0.0.1', port: 0 }));
        }
        let turn = 0;
        const watch = watchForRegressions(portal);

        // The province's one-stop system: each dossier goes 2 → 4 → 9, one POST per state, retried with the
        // same Idempotency-Key until 202 (what a client does on a 503 or a dropped connection).
        let sent = 0;
        let accepted = 0;
        let retries = 0;
        const notAccepted: string[] = [];
        const eventIds = new Map<string, string>(); // eventId → MaHoSo/status
        const postTrail = new Map<string, string>(); // MaHoSo/status → attempts, answers and times
        const newest = new Map<string, string>(); // MaHoSo → newest accepted status
        const post = async (m: string, status: string) => {
          sent++;
          const trail: string[] = [];
          for (let attempt = 1; attempt <= 40; attempt++) {
            const g = turn++ % urls.length;
            const at = Date.now();
            try {
              const res = await fetch(`${urls[g]}/v1/dossiers`, {
                method: 'POST',
                headers: {
                  authorization: `Bearer ${key}`,
                  'content-type': 'application/json',
                  'idempotency-key': `${m}/${status}`,
                },
                body: JSON.stringify(dossierAt(m, status as '2')),
                signal: AbortSignal.timeout(15_000),
              });
              const body = (await res.json()) as { accepted?: { eventId: string }[] };
              trail.push(
                `g${g + 1}@${new Date(at).toISOString().slice(11, 23)}→${res.status}${res.headers.get('idempotent-replayed') ? ' replayed' : ''} ${Date.now() - at}ms`,
              );
              postTrail.set(`${m}/${status}`, trail.join(', '));
              if (res.status === 202) {
                accepted++;
                eventIds.set(body.accepted![0]!.eventId, `${m}/${status}`);
                newest.set(m, status);
                return;
              }
              expect([429, 500, 502, 503, 504]).toContain(res.status);
            } catch (err) {
              if ((err as Error).name === 'AssertionError') throw err;
              trail.push(`g${g + 1}@${new Date(at).toISOString().slice(11, 23)}→${(err as Error).name} ${Date.now() - at}ms`);
              postTrail.set(`${m}/${status}`, trail.join(', '));
            }
            retries++;
            await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
          }
          notAccepted.push(`${m}/${status}`);
        };
        let next = 0;
        const worker = async () => {
          for (let i = next++; i < dossiers.length; i = next++) {
            for (const s of STATES) {
              await post(dossiers[i]!, s);
              await new Promise((r) => setTimeout(r, 30));
            }
          }
        };

        // Kill the node that leads partition 0 of the dossier topic once a third of the posts are accepted.
        let victim = 0;
        let killedAt = 0;
        let killedTime = 0;
        const fault = (async () => {
          await eventually(() => accepted >= DOSSIERS, {
            timeoutMs: 300_000,
            intervalMs: 100,
            what: 'a third of the posts accepted',
          });
          victim = await cluster.leaderOf(topicNames(ns).dossierEvents, 0);
          await cluster.kill(victim);
          killedAt = accepted;
          killedTime = Date.now();
          // Down for a while under load, then back on its kept data.
          await new Promise((r) => setTimeout(r, 8_000));
          await cluster.restart(victim);
        })();
        await Promise.all(Array.from({ length: 6 }, worker));
        await fault;
        expect(notAccepted).toEqual([]);

        // Every 202 is in Kafka (read_committed), once per (MaHoSo, status) at most duplicates counted.
        // A transaction left open by the kill ends at its timeout (30 s, plus the coordinator's 10 s sweep).
        const records = await readTopic(topicNames(ns).dossierEvents, { timeoutMs: 180_000, idleMs: 60_000, maxIdleMs: 60_000 });
        const inKafka = new Map<string, number>();
        const ids = new Set<string>();
        const offsets = new Set<string>();
        let sameIdTwice = 0;
        for (const r of records) {
          // The reader may be handed a batch again after the cluster moved its group: count each offset once.
          if (offsets.has(`${r.partition}:${r.offset}`)) continue;
          offsets.add(`${r.partition}:${r.offset}`);
          const e = decodeEvent(r.value) as unknown as { id: string; data: { MaHoSo: string; TrangThaiHoSo: string } };
          if (ids.has(e.id)) sameIdTwice++;
          ids.add(e.id);
          const k = `${e.data.MaHoSo}/${e.data.TrangThaiHoSo}`;
          inKafka.set(k, (inKafka.get(k) ?? 0) + 1);
        }
        const missingFromKafka = [...eventIds.keys()].filter((id) => !ids.has(id));
        if (missingFromKafka.length > 0) {
          // Ground truth from the brokers' own segments (DumpLogSegments): is each missing record in the log,
          // and did its transaction commit? Tells a reader defect from a write-path loss.
          const report: string[] = [`killed node ${victim} at ${new Date(killedTime).toISOString()}; data in ${cluster.dataDir}`];
          for (const node of [1, 2, 3]) {
            const logged = topicRecordsFromLogs(path.join(cluster.dataDir, `node-${node}`, 'logs'), topicNames(ns).dossierEvents);
            const fateOf = new Map<string, { fate: RecordFate; where: string }>();
            for (const r of logged) {
              const id = /"id":"([^"]+)"/.exec(r.payload)?.[1];
              if (id) fateOf.set(id, { fate: r.fate, where: `p${r.partition}@${r.offset} pid ${r.producerId}` });
            }
            const counts: Record<string, number> = {};
            for (const id of missingFromKafka) {
              const f = fateOf.get(id)?.fate ?? 'absent';
              counts[f] = (counts[f] ?? 0) + 1;
            }
            report.push(`node ${node}: ${logged.length} records in its log; the missing ids there: ${JSON.stringify(counts)}`);
            for (const id of missingFromKafka.slice(0, 8)) {
              const k = eventIds.get(id)!;
              report.push(`  ${k} ${id}: ${JSON.stringify(fateOf.get(id) ?? 'absent')} posts: ${postTrail.get(k)}`);
            }
          }
          process.stderr.write(`[broker-kill forensics]\n${report.join('\n')}\n`);
        }
        const kafkaDuplicates = [...inKafka.values()].reduce((a, n) => a + n - 1, 0);

        // The portal converges to each dossier's newest accepted state.
        await eventually(
          async () => {
            const st = await portal.stats();
            if (st.dossiers < DOSSIERS) return false;
            const behind = await Promise.all(
              dossiers.map(async (m) => (await portal.dossier(m))?.dossier?.TrangThaiHoSo === newest.get(m)),
            );
            return behind.every(Boolean);
          },
          { timeoutMs: 240_000, intervalMs: 2_000, what: 'every dossier at its newest state at the portal' },
        );
        const { regressions } = await watch.stop();
        let atPortal = 0;
        let portalWrites = 0;
        let portalDuplicates = 0;
        const lost: string[] = [...missingFromKafka.map((id) => `${eventIds.get(id)} (event ${id}) not in Kafka`)];
        for (const m of dossiers) {
          const d = await portal.dossier(m);
          const held = rank[String(d?.dossier?.TrangThaiHoSo)] ?? 0;
          for (const s of STATES) if (eventIds.size && held >= rank[s]!) atPortal++;
          if (held < rank[newest.get(m)!]!)
            lost.push(`${m}: portal holds ${String(d?.dossier?.TrangThaiHoSo)}, newest accepted ${newest.get(m)}`);
          portalWrites += d?.version ?? 0;
          // Three distinct states per dossier: any accepted write beyond three re-sent something already held.
          portalDuplicates += Math.max(0, (d?.version ?? 0) - STATES.length);
        }

        // The killed node came back and caught up: every partition of the namespace in sync on 3 replicas.
        await eventually(async () => (await cluster.underReplicated(ns)).length === 0, {
          timeoutMs: 120_000,
          intervalMs: 1_000,
          what: 'all replicas back in sync',
        });

        summaries.push({
          scenario: `broker ${victim} kill -9 @${killedAt} accepted`,
          sent,
          accepted,
          atPortal,
          duplicates: kafkaDuplicates + portalDuplicates,
          regressions: regressions.length,
          lost: lost.length,
          kafkaDup: kafkaDuplicates,
          sameEventTwice: sameIdTwice,
          portalDup: portalDuplicates,
          retries,
          portalWrites,
          seconds: Math.round((Date.now() - started) / 1000),
        });
        expect(lost.slice(0, 20)).toEqual([]);
        expect(regressions.slice(0, 20)).toEqual([]);
        expect(accepted).toBe(sent);
        expect(atPortal).toBe(sent);
        expect(victim).toBeGreaterThan(0);
      } finally {
        for (const g of gateways) await g.close();
        await sync?.close();
      }
    },
  );

  it(
    'one of two national-sync processes killed with SIGKILL: its partitions move to the other, every dossier converges, nothing regresses',
    { timeout: 600_000 },
    async () => {
      const started = Date.now();
      const groupId = `cluster-ns-${randomSuffix()}`;
      const env = syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: portal.url,
        extra: { NATIONAL_SYNC_GROUP_ID: groupId, LOG_LEVEL: 'warn' },
      });
      const procs: SyncProcess[] = [];
      const start = () => {
        const p = spawnSync(env);
        procs.push(p);
        return p;
      };
      const gw = await gatewayProducer(quietLogger());
      const admin = cluster.kafka.admin();
      await admin.connect();
      try {
        const [a, b] = [start(), start()];
        // Both members hold partitions of the dossier topic before the kill.
        const assigned = async () => {
          const g = (await admin.describeGroups([groupId])).groups[0]!;
          return g.state === 'Stable' ? g.members.length : 0;
        };
        await eventually(async () => (await assigned()) === 2, {
          timeoutMs: 90_000,
          intervalMs: 500,
          what: `both national-sync processes in the group\n${a.out()}\n${b.out()}`,
        });

        const w = buildWorkload(1_200, 60 + Math.floor(Math.random() * 25));
        const watch = watchForRegressions(portal);
        let killed: Promise<void> | undefined;
        await publishWorkload(gw, topicNames(ns).dossierEvents, w, {
          durationMs: 15_000,
          onSent: (f) => {
            if (f < 0.4 || killed) return;
            killed = (async () => {
              a.proc.kill('SIGKILL');
              expect(await a.exited).toBeNull();
            })();
          },
        });
        await killed;
        // The group rebalances (after the dead member's session times out) onto the survivor alone.
        await eventually(async () => (await assigned()) === 1, {
          timeoutMs: 90_000,
          intervalMs: 1_000,
          what: 'the group down to one member',
        });
        await eventually(() => ledgerConverged(db.url, w), {
          timeoutMs: 240_000,
          intervalMs: 1_000,
          what: `convergence on the survivor\n${b.out()}`,
        });
        const { regressions } = await watch.stop();
        const problems = await verifyConverged(portal, db.url, w);
        let portalDuplicates = 0;
        let portalWrites = 0;
        for (const m of w.dossiers) {
          const version = (await portal.dossier(m))?.version ?? 0;
          portalWrites += version;
          portalDuplicates += Math.max(0, version - 3); // three upserts per dossier in the workload
        }
        summaries.push({
          scenario: 'national-sync 1 of 2 kill -9',
          sent: w.events,
          accepted: w.events,
          atPortal: w.events - problems.length,
          duplicates: portalDuplicates,
          regressions: regressions.length,
          lost: problems.length,
          kafkaDup: 0,
          portalDup: portalDuplicates,
          retries: 0,
          portalWrites,
          seconds: Math.round((Date.now() - started) / 1000),
        });
        expect(problems.slice(0, 20)).toEqual([]);
        expect(regressions.slice(0, 20)).toEqual([]);
        b.proc.kill('SIGTERM');
        expect(await b.exited).toBe(0);
      } finally {
        for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
        await admin.disconnect();
        await gw.disconnect();
      }
    },
  );
  it(
    'the reconciliation leader killed with SIGKILL mid-run: the lock passes to the other process, which runs the job; never two at once',
    { timeout: 300_000 },
    async () => {
      // Reconciliation (TraCuuHoSo, NATIONAL_SYNC_RECONCILE_CRON) runs under a session advisory lock: the
      // leader is whoever holds it. Every 2 s here, on the dossiers the previous scenarios synced, with a slow
      // portal so that a run lasts seconds and can be killed mid-run.
      const LOCK = 0x4c5402; // services/national-sync/src/reconcile/reconciler.ts
      const groupId = `cluster-cron-${randomSuffix()}`;
      const env = syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: portal.url,
        extra: {
          NATIONAL_SYNC_GROUP_ID: groupId,
          LOG_LEVEL: 'info',
          NATIONAL_SYNC_RECONCILE_CRON: '*/2 * * * * *',
          NATIONAL_SYNC_RECONCILE_LIMIT: '40',
        },
      });
      const pg = await import('pg');
      const pgPort = Number(new URL(db.url).port || 5432);
      const client = new pg.default.Client({ connectionString: db.url });
      await client.connect();
      const holders = async () =>
        (
          await client.query<{ port: number }>(
            `SELECT a.client_port AS port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1`,
            [LOCK],
          )
        ).rows.map((r) => r.port);
      const procs = [spawnSync(env), spawnSync(env)];
      let maxHolders = 0;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          maxHolders = Math.max(maxHolders, (await holders()).length);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      try {
        await portal.faults({ latencyMs: 250 });
        // The leader: the process whose Postgres connection holds the lock, found while a run is under way.
        const leaderPid = await eventually(
          async () => {
            const [port] = await holders();
            return port ? pidOfLocalPort(port, pgPort) : undefined;
          },
          { timeoutMs: 90_000, intervalMs: 200, what: `a reconciliation run holding the lock\n${procs[0]!.out().slice(-2_000)}` },
        );
        const leader = procs.find((p) => p.proc.pid === leaderPid);
        expect(leader, 'the lock holder is one of the two national-sync processes').toBeDefined();
        const survivor = procs.find((p) => p !== leader)!;
        const before = (survivor.out().match(/"ran":true/g) ?? []).length;
        leader!.proc.kill('SIGKILL');
        expect(await leader!.exited).toBeNull();
        // Postgres drops the dead session and its lock; the survivor's next tick takes it and completes a run.
        // (Until Postgres has noticed the dead session, the lock may still be its: wait for the survivor's.)
        const seen = new Set<number>();
        await eventually(
          async () => {
            const [port] = await holders();
            const pid = port ? pidOfLocalPort(port, pgPort) : undefined;
            if (pid) seen.add(pid);
            return pid === survivor.proc.pid;
          },
          { timeoutMs: 60_000, intervalMs: 200, what: `the lock taken by the survivor (${survivor.proc.pid}) after the kill` },
        );
        expect(seen.has(leaderPid), 'the killed process never holds the lock again').toBe(false);
        await eventually(() => (survivor.out().match(/"ran":true/g) ?? []).length > before, {
          timeoutMs: 90_000,
          intervalMs: 500,
          what: `a completed run on the survivor\n${survivor.out().slice(-2_000)}`,
        });
        expect(maxHolders).toBe(1);
        await portal.faults({});
        // A SIGTERM while the group still waits for the killed member's session to expire (30 s) can outlast
        // the 15 s shutdown grace (the consumer is stuck in the rebalance): stop once the group is down to one.
        const admin = cluster.kafka.admin();
        await admin.connect();
        try {
          await eventually(
            async () => {
              const g = (await admin.describeGroups([groupId])).groups[0]!;
              return g.state === 'Stable' && g.members.length === 1;
            },
            { timeoutMs: 90_000, intervalMs: 1_000, what: 'the consumer group down to the survivor' },
          );
        } finally {
          await admin.disconnect();
        }
        survivor.proc.kill('SIGTERM');
        const code = await survivor.exited;
        expect(code, `survivor's exit on SIGTERM\n${survivor.out().slice(-3_000)}`).toBe(0);
      } finally {
        watching = false;
        await watcher;
        await portal.faults({});
        for (const p of procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
        await client.end();
      }
    },
  );
  it(
    'two payments instances: payments created on both, IPNs lost, both reconcile at the same time: each settles once, one event each',
    { timeout: 300_000 },
    async () => {
      const started = Date.now();
      const key = generateApiKey();
      const clients = [
        { id: 'motcua-h22', agencies: ['*.H22'], key },
        { id: 'operator', agencies: ['*'], roles: ['operator' as const], key: generateApiKey() },
      ];
      const portA = await freePort();
      const vnpay: TestSandbox = await startTestSandbox({ paymentsUrl: `http://127.0.0.1:${portA}` });
      const instances: TestPayments[] = [];
      try {
        for (const port of [portA, await freePort()]) {
          const p = await createTestPayments({ namespace: ns, databaseUrl: db.url, port, env: vnpay.env, clients });
          await p.listen();
          instances.push(p);
        }
        const N = 12;
        await vnpay.admin('vnpay', 'POST', '/faults', { lostNotifications: 1 });
        const ids: string[] = [];
        for (let i = 0; i < N; i++) {
          const svc = instances[i % 2]!;
          const res = await fetch(`${svc.baseUrl}/v1/payments`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(paymentBody(newMaHoSo(), 'vnpay', 50_000)),
          });
          const text = await res.text();
          expect(res.status, text).toBe(201);
          const created = JSON.parse(text) as { paymentId: string; payUrl: string };
          await vnpay.admin('vnpay', 'POST', '/pay', { payUrl: created.payUrl });
          ids.push(created.paymentId);
        }
        await vnpay.admin('vnpay', 'DELETE', '/faults');
        // Both instances reconcile at once, twice: the run lock lets one at a time do the work.
        const reconcile = async (svc: TestPayments) => {
          const res = await fetch(`${svc.baseUrl}/v1/admin/reconcile`, {
            method: 'POST',
            headers: { authorization: `Bearer ${clients[1]!.key}`, 'content-type': 'application/json' },
            body: '{"all":true}',
          });
          expect(res.status).toBe(200);
          return (await res.json()) as ReconciliationSummary;
        };
        const runs = [...(await Promise.all(instances.map(reconcile))), ...(await Promise.all(instances.map(reconcile)))];
        expect(runs.every((r) => r.errors === 0)).toBe(true);
        const settledByRuns = runs.reduce((n, r) => n + r.settled, 0);
        const paid: number[] = [];
        for (const id of ids) {
          const r = await instances[0]!.pool.query(
            "SELECT count(*)::int AS n FROM payment_events WHERE payment_id = $1 AND kind = 'paid'",
            [id],
          );
          paid.push(r.rows[0].n as number);
        }
        // Each payment's settled event on payment.events.v1 (outboxes of both instances drained).
        await Promise.all(instances.map((i) => i.core.outbox.drain()));
        const records = await readTopic(instances[0]!.topic, { timeoutMs: 60_000 });
        const offsets = new Set<string>();
        const settledEvents = new Map<string, number>();
        for (const r of records) {
          if (offsets.has(`${r.partition}:${r.offset}`) || !r.key || !ids.includes(r.key)) continue;
          offsets.add(`${r.partition}:${r.offset}`);
          if (decodeEvent(r.value).type === 'vn.lienthong.payment.settled')
            settledEvents.set(r.key, (settledEvents.get(r.key) ?? 0) + 1);
        }
        summaries.push({
          scenario: 'payments ×2, both reconciling',
          sent: N,
          accepted: paid.filter((n) => n >= 1).length,
          atPortal: settledEvents.size,
          duplicates:
            paid.reduce((a, n) => a + Math.max(0, n - 1), 0) + [...settledEvents.values()].reduce((a, n) => a + n - 1, 0),
          regressions: 0,
          lost: ids.filter((id) => !settledEvents.has(id)).length,
          kafkaDup: [...settledEvents.values()].reduce((a, n) => a + n - 1, 0),
          portalDup: 0,
          retries: 0,
          portalWrites: settledByRuns,
          seconds: Math.round((Date.now() - started) / 1000),
        });
        expect(paid).toEqual(ids.map(() => 1));
        expect(settledByRuns).toBe(N);
        expect(ids.map((id) => settledEvents.get(id) ?? 0)).toEqual(ids.map(() => 1));
      } finally {
        for (const i of instances) await i.close();
        await vnpay.close();
      }
    },
  );
});
