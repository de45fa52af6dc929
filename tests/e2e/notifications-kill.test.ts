/**
 * notifications as a real process (services/notifications/dist/main.js, built here): SIGKILLed after Zalo
 * accepted a message but before the hub recorded the answer, then restarted. The citizen still gets one
 * message: the restarted process resends with the same tracking_id (the sandbox answers the first message
 * again), the event redelivered by Kafka queues nothing new, and the ledger ends delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  catalogueSpecs,
  createEvent,
  createEventProducer,
  createKafka,
  ensureTopics,
  topicNames,
  type EventProducer,
} from '@lienthong/events';
import { hashApiKey } from '@lienthong/platform';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  eventually,
  quietLogger,
  randomSuffix,
  testBrokers,
} from '../helpers/index.js';
import { startPeers, withRetry, writeConfigFiles } from '../../services/notifications/test/harness.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('notifications process: SIGKILL mid-send', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let peers: Awaited<ReturnType<typeof startPeers>>;
  let producer: EventProducer;
  let env: Record<string, string>;
  const procs: ChildProcess[] = [];
  let output = '';

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'services/notifications'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
    const logger = quietLogger();
    ns = await withRetry(createTestNamespace);
    db = await createTestDatabase();
    const kafka = createKafka({ brokers: testBrokers(), clientId: 'notif-kill', logger });
    const admin = kafka.admin();
    await admin.connect();
    await withRetry(() => ensureTopics(admin, catalogueSpecs(ns)));
    await admin.disconnect();
    producer = createEventProducer({ kafka, logger, transactionalIdPrefix: `notif-kill-${ns}` });
    await producer.connect();
    peers = await startPeers(logger);
    // A fixed port, so Zalo's delivery webhooks reach the restarted process at the same URL.
    const port = await new Promise<number>((r) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => r(p));
      });
    });
    const files = writeConfigFiles(peers.url);
    const clientsFile = path.join(tmpdir(), `notif-kill-clients-${randomSuffix()}.json`);
    writeFileSync(
      clientsFile,
      JSON.stringify({
        clients: [
          {
            id: 'ops',
            name: 'Ops',
            keyHash: hashApiKey(`lt_${randomBytes(20).toString('hex')}`),
            agencies: ['*'],
            roles: ['operator'],
          },
        ],
      }),
    );
    env = {
      DATABASE_URL: db.url,
      API_CLIENTS_FILE: clientsFile,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_TOPIC_NAMESPACE: ns,
      NOTIFICATIONS_GROUP_ID: `${ns}notifications`,
      NOTIFICATIONS_PORT: String(port),
      NOTIFICATIONS_TEMPLATES_FILE: files.templatesFile,
      NOTIFICATIONS_PROVIDERS_FILE: files.providersFile,
      NOTIFICATIONS_DATA_KEY: randomBytes(32).toString('hex'),
      NOTIFICATIONS_ZALO_API_URL: `${peers.url}/zalo`,
      NOTIFICATIONS_ZALO_OAUTH_URL: `${peers.url}/zalo/oauth`,
      NOTIFICATIONS_QUIET_HOURS: 'off',
      NOTIFICATIONS_PROVIDER_TIMEOUT_MS: '8000',
      NOTIFICATIONS_SEND_LEASE_MS: '9000',
      NOTIFICATIONS_SEND_POLL_MS: '100',
      WEBHOOKS_SECRET_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
    };
  }, 240_000);

  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    if (process.env.NOTIF_KILL_DEBUG) writeFileSync(process.env.NOTIF_KILL_DEBUG, output);
    await producer?.disconnect();
    await peers?.app.close();
    await deleteTestNamespace(ns).catch(() => {});
    await db?.drop();
  });

  const start = () => {
    const p = spawn(process.execPath, ['services/notifications/dist/main.js'], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout!.on('data', (d) => (output += d));
    p.stderr!.on('data', (d) => (output += d));
    procs.push(p);
    return p;
  };
  const zalo = async (p: string, body?: unknown) =>
    (
      await fetch(
        `${peers.url}/zalo/_admin/${p}`,
        body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      )
    ).json() as Promise<any>;
  const rows = async (maHoSo: string) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (
        await c.query('SELECT status, attempts, provider_msg_id, phone_last3 FROM notif_messages WHERE ma_ho_so = $1', [maHoSo])
      ).rows;
    } finally {
      await c.end();
    }
  };

  it(
    'killed after Zalo accepted the message, restarted: still one message per citizen and event',
    { timeout: 120_000 },
    async () => {
      await zalo('faults', { webhookUrl: `http://127.0.0.1:${env.NOTIFICATIONS_PORT}/v1/zalo/webhook` });
      const first = start();
      await eventually(() => output.includes('"started"'), {
        timeoutMs: 60_000,
        what: `notifications started: ${output.slice(-2000)}`,
      });
      // Zalo records the message, then holds its answer: the hub is killed in that window.
      await zalo('faults', { latencyMs: 5_000 });
      const maHoSo = `000.00.01.H22-251205-${Math.floor(Math.random() * 1e6)}`;
      const event = createEvent({
        source: 'urn:lienthong:gateway',
        type: 'vn.lienthong.dossier.upserted',
        subject: maHoSo,
        dataschema: 'test',
        data: {
          MaHoSo: maHoSo,
          TenTTHC: 'Đăng ký khai sinh',
          ChuHoSo: 'Trần Văn Bình',
          SoDienThoai: '0987000111',
          NgayHenTra: '20251210170000',
          TrangThaiHoSo: '2',
        },
      });
      await producer.publish(topicNames(ns).dossierEvents, [event]);
      const mine = async () =>
        ((await zalo(`messages?phone=84987000111`)).messages as any[]).filter((m) => m.templateData.ma_ho_so === maHoSo);
      await eventually(async () => (await mine()).length === 1, { timeoutMs: 30_000, what: 'Zalo recorded the message' });
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      expect((await rows(maHoSo))[0]).toMatchObject({ status: 'sending', provider_msg_id: null });

      // The same event delivered again (as Kafka does for an uncommitted offset) and a restart.
      await producer.publish(topicNames(ns).dossierEvents, [event]);
      await zalo('faults', { latencyMs: 0 });
      start();
      const [row] = await eventually(
        async () => {
          const r = await rows(maHoSo);
          return r[0]?.status === 'delivered' ? r : undefined;
        },
        { timeoutMs: 30_000, what: 'message delivered after the restart' },
      ).catch(async (err) => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        const w = (await c.query('SELECT msg_id FROM notif_zalo_webhooks')).rows;
        const m = (await c.query('SELECT status, provider_msg_id, reason FROM notif_messages')).rows;
        await c.end();
        throw new Error(
          `${(err as Error).message}: webhooks ${JSON.stringify(w)} messages ${JSON.stringify(m)} sandbox ${JSON.stringify(await zalo('webhooks'))}`,
        );
      });
      const msgs = await mine();
      expect(msgs).toHaveLength(1);
      expect(row.provider_msg_id).toBe(msgs[0].msgId);
      expect(row.attempts).toBe(2);
      expect(await rows(maHoSo)).toHaveLength(1);
      expect(output).not.toContain('0987000111');
      expect(output).not.toContain('Trần Văn Bình');
    },
  );
});
