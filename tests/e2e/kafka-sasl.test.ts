/**
 * Issue 17 §2: Kafka TLS and SASL are configurable (packages/events kafkaConnectionFromConfig, platform
 * kafkaConfigProperties). The SCRAM-SHA-512 part is proven against a real broker: a private KRaft broker on
 * free ports with a SASL_PLAINTEXT listener and one SCRAM credential (infra/kafka/kafka.mjs `scram`). The
 * hub's producer publishes and its consumer runner reads through that listener with the configured
 * user; a wrong password is refused by the broker. notifications — which once passed only KAFKA_BROKERS to
 * kafkajs — is started as a real process with the SASL settings alone and turns an event read through the
 * SCRAM listener into a Zalo message; with a wrong password it does not start. TLS against a real broker is
 * not run here (no broker with certificates is started): kafka-security-services.test.ts shows every
 * service's TLS handshake, client certificate and SASL user on a recorder; that is said, not implied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  catalogueSpecs,
  createConsumerRunner,
  createEvent,
  createEventProducer,
  createKafka,
  ensureTopics,
  kafkaConnectionFromConfig,
  topicNames,
  type CloudEvent,
} from '@lienthong/events';
import { hashApiKey, kafkaConfigProperties, loadConfig } from '@lienthong/platform';
// @ts-expect-error plain ESM script without types
import { startKafka, freePort, repoRoot } from '../../infra/kafka/kafka.mjs';
import { createTestDatabase, eventually, quietLogger, randomSuffix } from '../helpers/index.js';
import { startPeers, writeConfigFiles } from '../../services/notifications/test/harness.js';

const logger = quietLogger();
const schema = { type: 'object', properties: { ...kafkaConfigProperties }, required: [] } as const;

describe('Kafka connection settings (config → kafkajs options)', () => {
  const files: Record<string, string> = { '/ca.pem': 'CA PEM', '/c.pem': 'CERT PEM', '/k.pem': 'KEY PEM' };
  const read = (p: string) => {
    const f = files[p];
    if (f === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return f;
  };

  it('a secured config: TLS with a CA file, mutual TLS, SCRAM-SHA-512; the password is masked as a secret', () => {
    const config = loadConfig(schema, {
      KAFKA_BROKERS: 'kafka-1.tinh.gov.vn:9093, kafka-2.tinh.gov.vn:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: '/ca.pem',
      KAFKA_SSL_CERT_FILE: '/c.pem',
      KAFKA_SSL_KEY_FILE: '/k.pem',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'lienthong-payments',
      KAFKA_SASL_PASSWORD: 's3cret-from-the-vault',
    });
    expect(kafkaConnectionFromConfig(config, read)).toEqual({
      brokers: ['kafka-1.tinh.gov.vn:9093', 'kafka-2.tinh.gov.vn:9093'],
      ssl: { rejectUnauthorized: true, ca: ['CA PEM'], cert: 'CERT PEM', key: 'KEY PEM' },
      sasl: { mechanism: 'scram-sha-512', username: 'lienthong-payments', password: 's3cret-from-the-vault' },
    });
    expect(kafkaConfigProperties.KAFKA_SASL_PASSWORD.secret).toBe(true);
  });

  it('the default stays plaintext on the local broker', () => {
    expect(kafkaConnectionFromConfig(loadConfig(schema, {}), read)).toEqual({ brokers: ['127.0.0.1:9092'] });
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }, /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /without KAFKA_SASL_MECHANISM/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /in clear: set KAFKA_SSL=true/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/c.pem' }, /go together/],
    [{ KAFKA_SSL_CA_FILE: '/nowhere.pem' }, /KAFKA_SSL_CA_FILE: cannot read \/nowhere.pem \(ENOENT\)/],
  ])('refuses a half or unsafe config %#, naming the settings', (env, message) => {
    expect(() => kafkaConnectionFromConfig(loadConfig(schema, env as NodeJS.ProcessEnv), read)).toThrow(message);
  });

  it('an unknown mechanism is refused by the schema', () => {
    expect(() => loadConfig(schema, { KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});

describe('SASL/SCRAM-SHA-512 against a real broker (private, free ports)', () => {
  const dataDir = path.join(repoRoot, '.data', `kafka-sasl-${randomSuffix()}`);
  const username = 'lienthong-test';
  const password = `pw-${randomSuffix()}${randomSuffix()}`;
  let broker: { stop: () => Promise<void> } | undefined;
  let saslPort: number;

  beforeAll(async () => {
    const port = await freePort();
    saslPort = await freePort();
    broker = await startKafka({
      dataDir,
      port,
      controllerPort: await freePort(),
      quiet: true,
      scram: { port: saslPort, username, password },
    });
  }, 150_000);
  afterAll(async () => {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (pw: string) => ({
    KAFKA_BROKERS: `127.0.0.1:${saslPort}`,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: pw,
  });

  it('publishes and consumes through the SCRAM listener with the configured user; a wrong password is refused', async () => {
    const kafka = createKafka({
      ...kafkaConnectionFromConfig(loadConfig(schema, env(password))),
      clientId: 'sasl-test',
      logger,
      retries: 1,
    });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, catalogueSpecs(''));
    await admin.disconnect();
    const topic = topicNames('').dossierEvents;
    const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: 'sasl-test' });
    await producer.connect();
    const sent = createEvent({
      source: 'urn:lienthong:test',
      type: 'vn.lienthong.dossier.upserted',
      subject: 'S-1',
      dataschema: 'x',
      data: { n: 1 },
    });
    // A broker just formatted may not have its transaction coordinator yet ("Failed to find group
    // coordinator", retriable): a client retries, as the gateway's callers do on 503.
    await eventually(() => producer.publish(topic, [sent]).then(() => true), {
      what: 'the first transaction through SASL',
      timeoutMs: 60_000,
      intervalMs: 1_000,
    });
    await producer.disconnect();
    const seen: CloudEvent[] = [];
    const runner = createConsumerRunner({
      kafka,
      logger,
      groupId: `sasl-${randomSuffix()}`,
      topics: [topic],
      producer,
      handle: async (e) => void seen.push(e),
    });
    await runner.start();
    await eventually(() => seen.some((e) => e.id === sent.id), { what: 'the event read through SASL', timeoutMs: 30_000 });
    await runner.stop();
    expect(seen.map((e) => e.id)).toEqual([sent.id]);

    const wrong = createKafka({
      ...kafkaConnectionFromConfig(loadConfig(schema, env('not-the-password'))),
      clientId: 'sasl-wrong',
      logger,
      retries: 0,
    });
    const a = wrong.admin();
    await expect(a.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication failed|SASL/i);
    await a.disconnect().catch(() => {});
  }, 90_000);

  it('notifications, started as a process with the SASL settings, reads through the SCRAM listener and sends; a wrong password keeps it from starting', async () => {
    const root = path.resolve(repoRoot);
    execFileSync('npx', ['tsc', '-b', 'services/notifications'], { cwd: root, stdio: 'pipe', timeout: 300_000 });
    const db = await createTestDatabase();
    const peers = await startPeers(logger);
    const files = writeConfigFiles(peers.url);
    const clientsFile = path.join(tmpdir(), `sasl-notif-clients-${randomSuffix()}.json`);
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
    const ns = `t-${randomSuffix()}.`;
    // Our own environment minus a caller's Kafka or TLS settings: only the SCRAM listener and its user.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|TLS_|DATABASE_URL$)/.test(k)));
    const procs: ChildProcess[] = [];
    const start = (pw: string) => {
      let output = '';
      const p = spawn(process.execPath, ['services/notifications/dist/main.js'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...base,
          ...env(pw),
          KAFKA_TOPIC_NAMESPACE: ns,
          DATABASE_URL: db.url,
          API_CLIENTS_FILE: clientsFile,
          NOTIFICATIONS_PORT: '0',
          NOTIFICATIONS_GROUP_ID: `${ns}notifications`,
          NOTIFICATIONS_TEMPLATES_FILE: files.templatesFile,
          NOTIFICATIONS_PROVIDERS_FILE: files.providersFile,
          NOTIFICATIONS_DATA_KEY: randomBytes(32).toString('hex'),
          NOTIFICATIONS_ZALO_API_URL: `${peers.url}/zalo`,
          NOTIFICATIONS_ZALO_OAUTH_URL: `${peers.url}/zalo/oauth`,
          NOTIFICATIONS_QUIET_HOURS: 'off',
          WEBHOOKS_SECRET_KEY: randomBytes(32).toString('hex'),
          LOG_LEVEL: 'info',
        },
      });
      p.stdout!.on('data', (d) => (output += d));
      p.stderr!.on('data', (d) => (output += d));
      procs.push(p);
      return { p, output: () => output };
    };
    const exited = (p: ChildProcess) =>
      new Promise<number | null>((resolve) => (p.exitCode !== null ? resolve(p.exitCode) : p.once('exit', resolve)));
    try {
      // The wrong password first: the broker refuses it, so the service never gets to listen.
      const refused = start('not-the-password');
      const code = await exited(refused.p);
      expect(code, refused.output().slice(-2000)).not.toBe(0);
      expect(refused.output()).toMatch(/SASL|authentication/i);
      expect(refused.output()).not.toContain('"msg":"started"');

      const svc = start(password);
      await eventually(() => svc.output().includes('"msg":"started"'), {
        what: `notifications started through SASL: ${svc.output().slice(-2000)}`,
        timeoutMs: 90_000,
      });
      const kafka = createKafka({
        ...kafkaConnectionFromConfig(loadConfig(schema, env(password))),
        clientId: 'sasl-notif',
        logger,
      });
      const producer = createEventProducer({ kafka, logger, transactionalIdPrefix: `sasl-notif-${ns}` });
      const maHoSo = `000.00.01.H22-251206-${Math.floor(Math.random() * 1e6)}`;
      const sent = createEvent({
        source: 'urn:lienthong:gateway',
        type: 'vn.lienthong.dossier.upserted',
        subject: maHoSo,
        dataschema: 'test',
        data: {
          MaHoSo: maHoSo,
          TenTTHC: 'Đăng ký khai sinh',
          ChuHoSo: 'Trần Văn Bình',
          SoDienThoai: '0987000222',
          NgayHenTra: '20251210170000',
          TrangThaiHoSo: '2',
        },
      });
      await eventually(() => producer.publish(topicNames(ns).dossierEvents, [sent]).then(() => true), {
        what: 'the dossier event published through SASL',
        timeoutMs: 60_000,
        intervalMs: 1_000,
      });
      await producer.disconnect();
      const zaloMessages = async () =>
        (
          (await (await fetch(`${peers.url}/zalo/_admin/messages?phone=84987000222`)).json()) as { messages: any[] }
        ).messages.filter((m) => m.templateData.ma_ho_so === maHoSo);
      await eventually(async () => (await zaloMessages()).length === 1, {
        what: `the Zalo message for the event read through SASL: ${svc.output().slice(-2000)}`,
        timeoutMs: 60_000,
      });
      svc.p.kill('SIGTERM');
      expect(await exited(svc.p), svc.output().slice(-2000)).toBe(0);
      expect(svc.output()).not.toContain(password);
    } finally {
      for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      await peers.app.close();
      rmSync(clientsFile, { force: true });
      await db.drop();
    }
  }, 420_000);
});
