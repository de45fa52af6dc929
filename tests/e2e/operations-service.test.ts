/**
 * The operations service as `npm start` runs it (its dist build, real Kafka and Postgres): the demo dossier
 * of the README and nine more, all past NgayHenTra, published on dossier.events.v1 as the gateway does, show
 * up as overdue over HTTP and on dossier.deadline.v1 — exactly one overdue event per dossier, although the
 * service is killed (SIGKILL) mid-run and started again — and the indicators of their month count them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEvent, createEventProducer, createKafka, decodeEvent, topicNames, type EventProducer } from '@lienthong/events';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
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
import { createServer } from 'node:net';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const demo = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/demo/dossier.json'), 'utf8')) as Record<string, unknown>;
const key = generateApiKey();
const clientsFile = path.join(tmpdir(), `ops-clients-${randomSuffix()}.json`);
let db: { url: string; drop: () => Promise<void> };
let ns: string;
let port: number;
let child: ChildProcess | undefined;
let producer: EventProducer;

/** A port free right now on loopback (the service needs a fixed one in its config). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
}

function startService(): ChildProcess {
  // No DVCQG credentials: the catalogue and ratings jobs stay off (they have their own tests).
  const { DVCQG_PASSWORD: _unset, ...env } = process.env;
  const c = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', path.join(root, 'services/operations/dist/main.js')],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...env,
        DATABASE_URL: db.url,
        API_CLIENTS_FILE: clientsFile,
        KAFKA_BROKERS: testBrokers().join(','),
        KAFKA_TOPIC_NAMESPACE: ns,
        OPERATIONS_PORT: String(port),
        OPERATIONS_GROUP_ID: `${ns}operations`,
        OPERATIONS_DEADLINE_CRON: '* * * * * *', // every second (node-cron's seconds field) instead of every minute
        OPERATIONS_OUTBOX_INTERVAL_MS: '200',
        LOG_LEVEL: 'error',
      },
    },
  );
  return c;
}

const get = async (p: string) => {
  const r = await fetch(`http://127.0.0.1:${port}${p}`, {
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(5_000),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
};
const ready = () =>
  eventually(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) })).ok, {
    timeoutMs: 60_000,
    what: 'operations ready',
  });

const dossier = (n: number) => ({
  ...demo,
  MaHoSo: n === 1 ? demo.MaHoSo : `000.00.01.H22-251123-${String(n).padStart(4, '0')}`,
});
const upserted = (item: Record<string, unknown>) =>
  createEvent({
    source: 'urn:lienthong:gateway',
    type: 'vn.lienthong.dossier.upserted',
    subject: String(item.MaHoSo),
    dataschema: 'https://lienthong.gov.vn/schemas/dvcqg/dong-bo-ho-so-mc.item.v1.json',
    data: item,
  });

beforeAll(async () => {
  db = await createTestDatabase();
  ns = await createTestNamespace();
  port = await freePort();
  writeFileSync(
    clientsFile,
    JSON.stringify({
      clients: [
        {
          id: 'demo',
          name: 'Demo',
          keyHash: hashApiKey(key),
          agencies: ['*'],
          roles: ['submitter', 'operator', 'viewer', 'auditor'],
        },
      ],
    }),
  );
  const logger = quietLogger('ops-e2e');
  producer = createEventProducer({
    kafka: createKafka({ brokers: testBrokers(), clientId: `ops-e2e-${randomSuffix()}`, logger }),
    logger,
    transactionalIdPrefix: `ops-e2e-${randomSuffix()}`,
  });
  await producer.connect();
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await producer?.disconnect();
  rmSync(clientsFile, { force: true });
  await db?.drop();
  if (ns) await deleteTestNamespace(ns).catch(() => {});
});

describe('operations service (dist build)', () => {
  it('shows the README dossier overdue, publishes one overdue event per dossier across a kill and a restart, and counts them', async () => {
    child = startService();
    await ready();
    const topics = topicNames(ns);
    await producer.publish(
      topics.dossierEvents,
      [1, 2, 3, 4, 5, 6].map((n) => upserted(dossier(n))),
    );
    await eventually(async () => (await get('/v1/overdue?agency=000.00.00.H22')).body.total === 6, {
      timeoutMs: 60_000,
      what: '6 overdue',
    });
    // Killed without warning in the middle of its work, then 4 more dossiers arrive, then it starts again.
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await producer.publish(
      topics.dossierEvents,
      [7, 8, 9, 10].map((n) => upserted(dossier(n))),
    );
    child = startService();
    await ready();
    await eventually(async () => (await get('/v1/overdue?agency=000.00.00.H22')).body.total === 10, {
      timeoutMs: 120_000,
      what: '10 overdue',
    });
    const overdueEvents = async () =>
      (await readTopic(topics.dossierDeadline))
        .map((r) => decodeEvent(r.value))
        .filter((e) => e.type === 'vn.lienthong.dossier.overdue');
    await eventually(async () => (await overdueEvents()).length >= 10, { timeoutMs: 90_000, what: 'overdue events' });
    await new Promise((r) => setTimeout(r, 2_500)); // a few more scans: nothing new may appear
    const events = await overdueEvents();
    for (let n = 1; n <= 10; n++)
      expect(
        events.filter((e) => e.subject === dossier(n).MaHoSo),
        `dossier ${n}`,
      ).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ agencyCode: '000.00.01.H22', kind: 'overdue', NgayHenTra: '20251207170000' });

    const dossierView = await get(`/v1/dossiers/${demo.MaHoSo}`);
    expect(dossierView.status).toBe(200);
    expect(dossierView.body.deadlineNotices).toEqual([expect.objectContaining({ kind: 'overdue' })]);
    // November 2025: received in the month, due 7 December → on time at the month's end.
    const nov = await get('/v1/indicators?agency=000.00.00.H22&from=2025-11-01&to=2025-11-30');
    const fig = (r: typeof nov, id: string) =>
      (r.body.indicators as { id: string; numerator: number; denominator: number }[]).find((f) => f.id === id)!;
    expect(fig(nov, '2.1')).toMatchObject({ numerator: 10, denominator: 10 });
    expect(fig(nov, '3.3')).toMatchObject({ numerator: 10, denominator: 10 });
    // December 2025: still open past the deadline → late.
    const dec = await get('/v1/indicators?agency=000.00.00.H22&from=2025-12-01&to=2025-12-31');
    expect(fig(dec, '2.1')).toMatchObject({ numerator: 0, denominator: 10 });
    expect(fig(dec, '5.4')).toMatchObject({ numerator: 10, denominator: 10 });

    child.kill('SIGTERM');
    const code = await new Promise((r) => child!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  }, 360_000);
});
