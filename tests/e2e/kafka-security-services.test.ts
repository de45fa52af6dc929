/**
 * Every service honours the shared Kafka security settings (KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE,
 * KAFKA_SSL_KEY_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD). notifications,
 * citizen-data and console once passed only KAFKA_BROKERS to kafkajs, so a province whose Kafka requires
 * TLS and SASL could not run them; every service now starts Kafka through packages/events
 * connectServiceKafka.
 *
 * Two checks, table-driven over the services:
 * 1. each config schema declares the shared settings exactly as packages/platform kafkaConfigProperties
 *    does (so they are validated, and the password is a secret), and no service with Kafka is missing from
 *    the table;
 * 2. each service, built and started as a real process (`dist/main.js`, as in production) with TLS, mutual
 *    TLS and a SASL user, connects to a listener that records its handshake (tests/helpers
 *    kafka-handshake-recorder.ts, no broker): the TLS handshake succeeds against the test CA (so the CA file
 *    was used), the client certificate chains to it (cert and key used), the request header carries the
 *    service's client id, the SaslHandshake names the configured mechanism and the first SASL message the
 *    configured user (with PLAIN, the password too). Services that serve without Kafka (payments,
 *    citizen-data, console) answer /health/live meanwhile and stop cleanly on SIGTERM with Kafka still away.
 * A real SCRAM broker is in kafka-sasl.test.ts (notifications started against it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashApiKey, kafkaConfigProperties } from '@lienthong/platform';
import { gatewayConfigSchema } from '../../services/gateway/src/config.js';
import { postalConfigSchema } from '../../services/postal/src/config.js';
import { inboundConfigSchema } from '../../services/inbound/src/config.js';
import { paymentsConfigSchema } from '../../services/payments/src/config.js';
import { syncConfigSchema } from '../../services/national-sync/src/config.js';
import { operationsConfigSchema } from '../../services/operations/src/config.js';
import { notificationsConfigSchema } from '../../services/notifications/src/config.js';
import { citizenDataConfigSchema } from '../../services/citizen-data/src/config.js';
import { consoleConfigSchema } from '../../services/console/src/config.js';
import { sandboxConfigSchema } from '../../services/sandbox/src/config.js';
// @ts-expect-error plain ESM script without types
import { freePort } from '../../infra/kafka/kafka.mjs';
import { createTestCertificates, createTestDatabase, eventually, randomSuffix, type TestCertificates } from '../helpers/index.js';
import { startKafkaHandshakeRecorder, type KafkaHandshakeRecorder } from '../helpers/kafka-handshake-recorder.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const repo = (p: string) => path.join(root, p);
const hex32 = () => randomBytes(32).toString('hex');

type Mechanism = 'scram-sha-512' | 'scram-sha-256' | 'plain';
interface Row {
  service: string;
  schema: { properties: Record<string, unknown> };
  clientId: string;
  portVar: string;
  /** Serves without Kafka (connectServiceKafka `background`): answers /health/live while Kafka is away. */
  servesWithoutKafka: boolean;
  mechanism: Mechanism;
  env: () => Record<string, string>;
}

const table: Row[] = [
  {
    service: 'gateway',
    schema: gatewayConfigSchema,
    clientId: 'lienthong-gateway',
    portVar: 'GATEWAY_PORT',
    servesWithoutKafka: false,
    mechanism: 'scram-sha-512',
    env: () => ({}),
  },
  {
    service: 'postal',
    schema: postalConfigSchema,
    clientId: 'lienthong-postal',
    portVar: 'POSTAL_PORT',
    servesWithoutKafka: false,
    mechanism: 'scram-sha-256',
    env: () => ({ POSTAL_AGENCIES_FILE: repo('services/postal/demo/agencies.sandbox.json') }),
  },
  {
    service: 'inbound',
    schema: inboundConfigSchema,
    clientId: 'lienthong-inbound',
    portVar: 'INBOUND_PORT',
    servesWithoutKafka: false,
    mechanism: 'plain',
    env: () => ({ WEBHOOKS_SECRET_KEY: hex32() }),
  },
  {
    service: 'payments',
    schema: paymentsConfigSchema,
    clientId: 'lienthong-payments',
    portVar: 'PAYMENTS_PORT',
    servesWithoutKafka: true,
    mechanism: 'scram-sha-512',
    env: () => ({
      PAYMENTS_MERCHANTS_FILE: repo('services/payments/demo/merchants.sandbox.json'),
      PAYMENTS_RECONCILE_ENABLED: 'false',
    }),
  },
  {
    service: 'national-sync',
    schema: syncConfigSchema,
    // national-sync's client id is also its producer's transactional id prefix: kept as it was.
    clientId: 'national-sync',
    portVar: 'NATIONAL_SYNC_PORT',
    servesWithoutKafka: false,
    mechanism: 'scram-sha-256',
    env: () => ({
      DVCQG_BASE_URL: 'http://127.0.0.1:9/dvcqg',
      DVCQG_USERNAME: 'lienthong',
      DVCQG_PASSWORD: `pw-${randomSuffix()}`,
      DVCQG_MADONVI: '000.00.00.H22',
    }),
  },
  {
    service: 'operations',
    schema: operationsConfigSchema,
    clientId: 'lienthong-operations',
    portVar: 'OPERATIONS_PORT',
    servesWithoutKafka: false,
    mechanism: 'plain',
    env: () => ({ OPERATIONS_JOBS_ENABLED: 'false', DVCQG_BASE_URL: 'http://127.0.0.1:9/dvcqg' }),
  },
  {
    service: 'notifications',
    schema: notificationsConfigSchema,
    clientId: 'lienthong-notifications',
    portVar: 'NOTIFICATIONS_PORT',
    servesWithoutKafka: false,
    mechanism: 'scram-sha-512',
    env: () => ({
      NOTIFICATIONS_TEMPLATES_FILE: repo('services/notifications/config/templates.sandbox.json'),
      NOTIFICATIONS_PROVIDERS_FILE: repo('services/notifications/config/providers.sandbox.json'),
      NOTIFICATIONS_DATA_KEY: hex32(),
      WEBHOOKS_SECRET_KEY: hex32(),
    }),
  },
  {
    service: 'citizen-data',
    schema: citizenDataConfigSchema,
    clientId: 'lienthong-citizen-data',
    portVar: 'CITIZEN_DATA_PORT',
    servesWithoutKafka: true,
    mechanism: 'scram-sha-256',
    env: () => ({
      CITIZEN_DATA_LICENCES_FILE: repo('services/citizen-data/config/licences.json'),
      CITIZEN_DATA_SUBJECT_HASH_KEY: hex32(),
      CITIZEN_DATA_AUDIT_CHAIN_KEY: hex32(),
      CSDL_TOKEN_URL: 'http://127.0.0.1:9/csdl/token',
      CSDL_SERVICE_URL: 'http://127.0.0.1:9/csdl/ws',
      CSDL_ACCESS_KEY: 'lienthong-lgsp',
      CSDL_SECRET_KEY: `s-${randomSuffix()}`,
      CSDL_PARTNER_CODE: '000.00.00.H22',
      DKKD_TOKEN_URL: 'http://127.0.0.1:9/dkkd/token',
      DKKD_ADAPTER_URL: 'http://127.0.0.1:9/dkkd/api',
      DKKD_CONSUMER_KEY: 'lienthong-ngsp',
      DKKD_CONSUMER_SECRET: `s-${randomSuffix()}`,
    }),
  },
  {
    service: 'console',
    schema: consoleConfigSchema,
    clientId: 'lienthong-console',
    portVar: 'CONSOLE_PORT',
    servesWithoutKafka: true,
    mechanism: 'plain',
    env: () => ({ CONSOLE_SESSION_SECRET: hex32() }),
  },
];

describe('every service declares the shared Kafka security settings', () => {
  it.each(table.map((r) => [r.service, r] as const))('%s: the schema spreads kafkaConfigProperties', (_name, row) => {
    for (const [key, declaration] of Object.entries(kafkaConfigProperties)) {
      expect(row.schema.properties[key], key).toEqual(declaration);
    }
  });

  it('no service with Kafka settings is left out of this table (sandbox has none)', () => {
    const dirs = readdirSync(repo('services'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(dirs.filter((d) => !table.some((r) => r.service === d))).toEqual(['sandbox']);
    expect(Object.keys(sandboxConfigSchema.properties ?? {}).filter((k) => k.startsWith('KAFKA_'))).toEqual([]);
  });
});

describe('every service started with TLS, mutual TLS and SASL connects with them (no broker: a handshake recorder)', () => {
  let certs: TestCertificates;
  let clientsFile: string;
  const dbs: { drop: () => Promise<void> }[] = [];
  const started = new Map<
    string,
    {
      proc: ChildProcess;
      output: () => string;
      recorder: KafkaHandshakeRecorder;
      port: number;
      username: string;
      password: string;
    }
  >();

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', ...table.map((r) => `services/${r.service}`)], {
      cwd: root,
      stdio: 'pipe',
      timeout: 420_000,
    });
    certs = createTestCertificates({ 'kafka-client': 'lienthong-kafka-client' });
    const tls = {
      cert: readFileSync(certs.file('server.pem')),
      key: readFileSync(certs.file('server.key')),
      ca: readFileSync(certs.file('ca.pem')),
    };
    clientsFile = path.join(tmpdir(), `lt-kafka-sec-clients-${randomSuffix()}.json`);
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
    // Our own environment minus anything that would change a service's start (a caller's Kafka or TLS).
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(KAFKA_|TLS_|DATABASE_URL$)/.test(k)));
    for (const row of table) {
      const recorder = await startKafkaHandshakeRecorder(tls);
      const db = await createTestDatabase();
      dbs.push(db);
      const port = (await freePort()) as number;
      const username = `svc-${row.service}`;
      const password = `pw-${randomSuffix()}${randomSuffix()}`;
      let output = '';
      const proc = spawn(process.execPath, [`services/${row.service}/dist/main.js`], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...base,
          ...row.env(),
          DATABASE_URL: db.url,
          API_CLIENTS_FILE: clientsFile,
          [row.portVar]: String(port),
          LOG_LEVEL: 'info',
          KAFKA_BROKERS: `127.0.0.1:${recorder.port}`,
          KAFKA_TOPIC_NAMESPACE: `t-${randomSuffix()}.`,
          KAFKA_SSL: 'true',
          KAFKA_SSL_CA_FILE: certs.file('ca.pem'),
          KAFKA_SSL_CERT_FILE: certs.file('kafka-client.pem'),
          KAFKA_SSL_KEY_FILE: certs.file('kafka-client.key'),
          KAFKA_SASL_MECHANISM: row.mechanism,
          KAFKA_SASL_USERNAME: username,
          KAFKA_SASL_PASSWORD: password,
        },
      });
      proc.stdout!.on('data', (d) => (output += d));
      proc.stderr!.on('data', (d) => (output += d));
      started.set(row.service, { proc, output: () => output, recorder, port, username, password });
    }
  }, 600_000);

  afterAll(async () => {
    for (const s of started.values()) {
      if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
      await s.recorder.close();
    }
    for (const db of dbs) await db.drop().catch(() => {});
    if (clientsFile) rmSync(clientsFile, { force: true });
    certs?.remove();
  });

  it.each(table.map((r) => [r.service, r] as const))(
    '%s: TLS with the CA and client certificate, its client id, the SASL mechanism and user',
    async (_name, row) => {
      const s = started.get(row.service)!;
      // A process that exited before reaching Kafka (a config refusal…) ends the wait at once, with its output.
      const h = await eventually(
        () => s.recorder.completed() ?? (s.proc.exitCode !== null ? { exited: s.proc.exitCode } : undefined),
        {
          what: `${row.service} reaching its SASL message (recorded: ${JSON.stringify(s.recorder.handshakes.slice(0, 3))}; output: ${s.output().slice(-1500)})`,
          timeoutMs: 90_000,
          intervalMs: 200,
        },
      );
      expect(h, s.output().slice(-1500)).toMatchObject({
        tls: true,
        clientCertAuthorized: true,
        clientCertCn: 'lienthong-kafka-client',
        clientId: row.clientId,
        mechanism: row.mechanism.toUpperCase(),
      });
      const first = (h as { saslFirstMessage?: string }).saslFirstMessage;
      if (row.mechanism === 'plain') expect(first).toContain(`\0${s.username}\0${s.password}`);
      else expect(first).toMatch(new RegExp(`^n,,n=${s.username},r=[^,]+$`));
      // The password is a secret: never in the service's own log lines.
      expect(s.output()).not.toContain(s.password);

      if (row.servesWithoutKafka) {
        const live = await eventually(
          async () => {
            const r = await fetch(`http://127.0.0.1:${s.port}/health/live`).catch(() => undefined);
            return r?.status === 200 ? r : undefined;
          },
          { what: `${row.service} serving while Kafka is away (output: ${s.output().slice(-1500)})`, timeoutMs: 60_000 },
        );
        expect(live.status).toBe(200);
        s.proc.kill('SIGTERM');
        const code = await new Promise<number | null>((resolve) => {
          if (s.proc.exitCode !== null) resolve(s.proc.exitCode);
          else s.proc.once('exit', (c) => resolve(c));
        });
        expect(code, s.output().slice(-2000)).toBe(0);
      } else {
        // Waits for Kafka: it does not serve, and stops when told (or has given up on its own).
        expect(await fetch(`http://127.0.0.1:${s.port}/health/live`).catch(() => 'refused')).toBe('refused');
        if (s.proc.exitCode === null) s.proc.kill('SIGTERM');
      }
    },
    120_000,
  );
});
