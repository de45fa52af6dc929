/**
 * Issue 17 §2: national-sync accepts a fee settlement on payment.events.v1 only when the payments service's
 * producer signed it (EVENT_SIGNING_KEYS, packages/events signature.ts). An unsigned settlement, one signed
 * with a key national-sync does not hold, and one altered after signing are dead-lettered with the reason
 * and never reach the portal; a signed one — with the previous key during a rotation too — does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  createEventProducer,
  createKafka,
  decodeEvent,
  dlqOf,
  parseSigningKeys,
  topicNames,
  type EventProducer,
} from '@lienthong/events';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  readTopic,
  testBrokers,
} from '../helpers/index.js';
import {
  dossierAt,
  gatewayProducer,
  maHoSoOf,
  settledData,
  settledEvent,
  startNationalSync,
  startSandbox,
  syncEnv,
  upsertedEvent,
  type RunningSync,
  type Sandbox,
} from '../../services/national-sync/test/harness.js';

const key = (id: string, b: number) => `${id}:${Buffer.alloc(32, b).toString('base64')}`;
const current = key('k2026', 11);
const previous = key('k2025', 12);
const attacker = key('k2026', 13); // the right key id, the wrong secret

describe('signed fee settlements (national-sync, real Kafka and Postgres)', () => {
  const logger = quietLogger();
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sandbox: Sandbox;
  let sync: RunningSync;
  let gw: EventProducer;
  const signers: EventProducer[] = [];
  const run = 80 + Math.floor(Math.random() * 19);
  const group = `ns-sig-${randomSuffix()}`;
  let n = 0;

  const signer = async (spec: string) => {
    const p = createEventProducer({
      kafka: createKafka({ brokers: testBrokers(), clientId: `signer-${randomSuffix()}`, logger }),
      logger,
      transactionalIdPrefix: `signer-${randomSuffix()}`,
      signingKeys: parseSigningKeys(spec),
    });
    await p.connect();
    signers.push(p);
    return p;
  };

  beforeAll(async () => {
    ns = await createTestNamespace();
    db = await createTestDatabase();
    sandbox = await startSandbox();
    // national-sync holds the current key and, during a rotation, the previous one.
    sync = await startNationalSync(
      syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: sandbox.url,
        extra: { NATIONAL_SYNC_GROUP_ID: group, NATIONAL_SYNC_PAYMENTS: 'true', EVENT_SIGNING_KEYS: `${current},${previous}` },
      }),
      logger,
    );
    gw = await gatewayProducer(logger);
  });
  afterAll(async () => {
    for (const p of signers) await p.disconnect();
    await gw?.disconnect();
    await sync?.close();
    await sandbox?.close();
    await deleteTestNamespace(ns);
    await db?.drop();
  });

  async function syncedDossier(): Promise<string> {
    const m = maHoSoOf(++n, run);
    await gw.publish(topicNames(ns).dossierEvents, [upsertedEvent(dossierAt(m, '6'))]);
    await eventually(() => sandbox.dossier(m).then((d) => d?.dossier?.TrangThaiHoSo === '6'), { what: 'dossier at the portal' });
    return m;
  }
  const feeAtPortal = (m: string) => sandbox.dossier(m).then((d) => d?.dossier?.DuocThanhToanTrucTuyen === '2');

  it('refuses an unsigned, a forged and an altered settlement: dead-lettered with the reason, nothing at the portal', async () => {
    const topic = topicNames(ns).paymentEvents;
    const [m1, m2, m3] = [await syncedDossier(), await syncedDossier(), await syncedDossier()];
    const unsigned = settledEvent(settledData(m1));
    await gw.publish(topic, [unsigned]);
    const forged = settledEvent(settledData(m2));
    await (await signer(attacker)).publish(topic, [forged]);
    // Signed properly, then the amount changed on the way (a raw copy with the original signature header).
    const honest = settledEvent(settledData(m3));
    const s = await signer(current);
    await s.publish(dlqOf(topicNames(ns).citizenAudit), [honest]); // somewhere harmless, to read its signed bytes
    const [signedCopy] = await readTopic(dlqOf(topicNames(ns).citizenAudit));
    const altered = signedCopy!.value!.replace('"amount":50000', '"amount":5000000');
    expect(altered).not.toBe(signedCopy!.value);
    await gw.publishRecords(topic, [{ key: signedCopy!.key, value: altered, headers: signedCopy!.headers }]);

    const reasons = await eventually(
      async () => {
        const dead = await readTopic(dlqOf(topic));
        const by = new Map(dead.map((d) => [decodeEvent(d.value).id, d.headers]));
        return [unsigned.id, forged.id, honest.id].every((id) => by.has(id)) ? by : undefined;
      },
      { what: 'three dead letters', timeoutMs: 30_000 },
    );
    for (const id of [unsigned.id, forged.id, honest.id])
      expect(reasons.get(id)!['dlq-error-code']).toBe('LT_EVENT_SIGNATURE_INVALID');
    expect(reasons.get(unsigned.id)!['dlq-reason']).toMatch(/no lt-signature header/);
    expect(reasons.get(forged.id)!['dlq-reason']).toMatch(/does not match \(key k2026\)/);
    expect(reasons.get(honest.id)!['dlq-reason']).toMatch(/does not match/);
    for (const m of [m1, m2, m3]) expect(await feeAtPortal(m)).toBe(false);
  });

  it('accepts a settlement signed with the current key, and one signed with the previous key during a rotation', async () => {
    const topic = topicNames(ns).paymentEvents;
    const m1 = await syncedDossier();
    const m2 = await syncedDossier();
    await (await signer(`${current},${previous}`)).publish(topic, [settledEvent(settledData(m1))]);
    await (await signer(previous)).publish(topic, [settledEvent(settledData(m2))]);
    await eventually(() => feeAtPortal(m1), { what: 'fee of the current-key settlement at the portal', timeoutMs: 40_000 });
    await eventually(() => feeAtPortal(m2), { what: 'fee of the previous-key settlement at the portal', timeoutMs: 40_000 });
  });

  it('a botched rotation dead-letters settlements; once national-sync holds the new key, the replay CLI gets the fees to the portal', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const topic = topicNames(ns).paymentEvents;
    const since = new Date(Date.now() - 1_000);
    const next = key('k2027', 14);
    const m = await syncedDossier();
    // payments started signing with k2027 before national-sync was given it.
    const settled = settledEvent(settledData(m));
    await (await signer(`${next},${current}`)).publish(topic, [settled]);
    await eventually(async () => (await readTopic(dlqOf(topic))).some((r) => decodeEvent(r.value).id === settled.id), {
      what: 'the settlement dead-lettered',
      timeoutMs: 30_000,
    });
    expect(await feeAtPortal(m)).toBe(false);

    // The operator completes the rotation on national-sync (same consumer group) and replays.
    await sync.close();
    sync = await startNationalSync(
      syncEnv({
        ns,
        databaseUrl: db.url,
        sandboxUrl: sandbox.url,
        extra: { NATIONAL_SYNC_GROUP_ID: group, NATIONAL_SYNC_PAYMENTS: 'true', EVENT_SIGNING_KEYS: `${next},${current}` },
      }),
      logger,
    );
    await promisify(execFile)('npx', ['tsc', '-b', 'packages/events'], { cwd: root, timeout: 240_000 });
    const cli = (args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['packages/events/bin/replay-dead-letters.mjs', '--topic', 'payment.events.v1', '--since', since.toISOString(), ...args],
        {
          cwd: root,
          timeout: 60_000,
          env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_NAMESPACE: ns, LOG_LEVEL: 'warn' },
        },
      );
    const dry = JSON.parse((await cli(['--code', 'LT_EVENT_SIGNATURE_INVALID', '--key', settled.subject, '--dry-run'])).stdout);
    expect(dry).toMatchObject({
      dryRun: true,
      replayed: [{ key: settled.subject, group: `${group}-payments`, code: 'LT_EVENT_SIGNATURE_INVALID' }],
    });
    expect(await feeAtPortal(m)).toBe(false);
    const done = JSON.parse((await cli(['--code', 'LT_EVENT_SIGNATURE_INVALID', '--key', settled.subject])).stdout);
    expect(done.replayed).toHaveLength(1);
    await eventually(() => feeAtPortal(m), { what: 'the replayed fee at the portal', timeoutMs: 40_000 });
  }, 180_000);
});
