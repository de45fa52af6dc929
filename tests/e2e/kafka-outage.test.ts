/**
 * Issue 17 §3: Kafka stopped for 60 s under load, the hub running under `npm start` (sandbox, gateway,
 * national-sync, payments as real processes). A provincial system keeps posting (the gateway answers 503
 * while Kafka is down and the client retries with the same Idempotency-Key), citizens keep paying (payments
 * settles in its ledger; its outbox publishes once Kafka is back). Checked: no process exits, readiness is
 * false during the outage and true after, every dossier and every fee reaches the portal, no dead letter.
 *
 * The broker is this test's own, on free ports (like gateway-broker-outage.test.ts): the shared broker is
 * never stopped. Postgres is the shared server (a fresh database). Runs only with FULL_FAULT_TEST=1 (a second
 * broker JVM and about four minutes on the shared 2-core machine); KAFKA_OUTAGE_SECONDS shortens the outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { dlqOf, topicNames } from '@lienthong/events';
// @ts-expect-error plain ESM script without types
import { startKafka, freePort } from '../../infra/kafka/kafka.mjs';
import { createTestDatabase, eventually, randomSuffix } from '../helpers/index.js';
import { hubClient, repoRoot, sleep, startHubProcess, type HubProcess } from '../helpers/hub-process.js';

const outageMs = Number(process.env.KAFKA_OUTAGE_SECONDS ?? 60) * 1_000;
const DOSSIERS = 45;
const PAYMENTS = 9;

describe.skipIf(!process.env.FULL_FAULT_TEST)(
  `Kafka stopped for ${outageMs / 1000} s under load (npm start, own broker; FULL_FAULT_TEST=1)`,
  () => {
    const dataDir = path.join(repoRoot, '.data', `kafka-outage-hub-${randomSuffix()}`);
    let port: number;
    let controllerPort: number;
    let broker: { stop: () => Promise<void> } | undefined;
    let db: { url: string; drop: () => Promise<void> } | undefined;
    let hub: HubProcess | undefined;
    const run = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const maHoSo = (i: number) => `000.00.01.H22-251206-${run}${String(i).padStart(3, '0')}`;

    beforeAll(async () => {
      port = await freePort();
      controllerPort = await freePort();
      broker = await startKafka({ dataDir, port, controllerPort, quiet: true });
      db = await createTestDatabase();
      hub = await startHubProcess({
        KAFKA_BROKERS: `127.0.0.1:${port}`,
        DATABASE_URL: db.url,
        KAFKA_TOPIC_NAMESPACE: '',
        SANDBOX_VNPAY_IPN_RETRY_INTERVAL_MS: '10000',
        SANDBOX_VNPAY_IPN_MAX_ATTEMPTS: '40',
      });
    }, 480_000);

    afterAll(async () => {
      await hub?.stop();
      await broker?.stop();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }, 90_000);

    /** Every committed record of a topic on the private broker. */
    async function records(topic: string): Promise<number> {
      const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      try {
        return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      } finally {
        await admin.disconnect();
      }
    }

    it('no process exits, readiness follows Kafka, every dossier and every fee reaches the portal, no dead letter', async () => {
      const c = hubClient(hub!);
      for (let i = 0; i < DOSSIERS / 3; i++) await c.postUntilAccepted(maHoSo(i), `k-${run}-${i}`);
      const payments = [];
      for (let i = 0; i < PAYMENTS; i++) payments.push(await c.createPayment(maHoSo(i)));
      const posting = (async () => {
        for (let i = DOSSIERS / 3; i < DOSSIERS; i++) await c.postUntilAccepted(maHoSo(i), `k-${run}-${i}`);
      })();
      const paying = (async () => {
        for (const p of payments) {
          expect(await c.pay(p.payUrl)).toBe(200);
          await sleep(6_000);
        }
      })();
      await sleep(3_000);

      await broker!.stop();
      broker = undefined;
      const downAt = Date.now();
      const readySeen: Record<string, number[]> = { gateway: [], 'national-sync': [] };
      while (Date.now() - downAt < outageMs) {
        readySeen.gateway!.push(await c.readiness('gateway'));
        readySeen['national-sync']!.push(await c.readiness('national-sync'));
        await sleep(5_000);
      }
      broker = await startKafka({ dataDir, port, controllerPort, quiet: true });
      await Promise.all([posting, paying]);

      expect(readySeen.gateway).toContain(503);
      expect(readySeen.gateway).not.toContain(0);
      expect(readySeen['national-sync']).not.toContain(0);
      await eventually(async () => (await c.readiness('gateway')) === 200 && (await c.readiness('national-sync')) === 200, {
        what: 'ready again',
        timeoutMs: 120_000,
      });

      await eventually(
        async () => {
          for (let i = 0; i < DOSSIERS; i++) if (!(await c.portalDossier(maHoSo(i)))) return false;
          return true;
        },
        { what: 'every dossier at the portal', timeoutMs: 240_000, intervalMs: 2_000 },
      );
      await eventually(
        async () => {
          for (let i = 0; i < PAYMENTS; i++) if ((await c.portalDossier(maHoSo(i)))?.DuocThanhToanTrucTuyen !== '2') return false;
          return true;
        },
        { what: 'every fee at the portal', timeoutMs: 240_000, intervalMs: 2_000 },
      );
      for (const p of payments) expect(await c.paymentStatus(p.paymentId)).toBe('paid');
      const topics = topicNames('');
      for (const t of [topics.dossierEvents, topics.paymentEvents, topics.syncOutcomes])
        expect(await records(dlqOf(t)), `${dlqOf(t)} is empty`).toBe(0);
      expect(hub!.output()).not.toMatch(/STOPPED UNEXPECTEDLY|could not start|stopping…/);
    }, 900_000);
  },
);
