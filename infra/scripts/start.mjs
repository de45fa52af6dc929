#!/usr/bin/env node
// `npm start`: the whole hub on one machine, with its sandbox peers.
// Brings up Kafka (KAFKA_BROKERS, or the project's own KRaft broker from Maven jars) and Postgres
// (DATABASE_URL, or an embedded one), writes the demo API client, starts every service from its dist/
// build, waits until each is ready, prints the URLs and the demo key, and stops everything it started on
// Ctrl-C. Runs after `npm run build` (the npm script does both).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { startKafka, repoRoot } from '../kafka/kafka.mjs';
import { ensurePostgresDaemon, stopPostgresDaemon } from '../postgres/postgres.mjs';
import { createSupervisor } from './supervisor.mjs';

const dataDir = path.join(repoRoot, '.data');
mkdirSync(dataDir, { recursive: true });
const say = (m) => process.stdout.write(`[start] ${m}\n`);
const host = process.env.HUB_HOST ?? '127.0.0.1';

const portOf = (name, fallback) => Number(process.env[name] || fallback);
const ports = {
  sandbox: portOf('SANDBOX_PORT', 8090),
  gateway: portOf('GATEWAY_PORT', 8080),
  nationalSync: portOf('NATIONAL_SYNC_PORT', 8081),
  payments: portOf('PAYMENTS_PORT', 8082),
  citizenData: portOf('CITIZEN_DATA_PORT', 8083),
  postal: portOf('POSTAL_PORT', 8087),
  notifications: portOf('NOTIFICATIONS_PORT', 8086),
  console: portOf('CONSOLE_PORT', 8084),
  inbound: portOf('INBOUND_PORT', 8088),
};
// Every URL one service gives another follows the ports above: the services' own defaults assume 8082 and
// 8090, which would send national-sync, payments and the sandbox's notifications to the wrong place (or to
// another hub) as soon as a port is changed.
const sandboxUrl = `http://${host}:${ports.sandbox}`;
const paymentsUrl = process.env.PAYMENTS_PUBLIC_URL || `http://${host}:${ports.payments}`;
const namespace = process.env.KAFKA_TOPIC_NAMESPACE ?? '';

/** Only the variables the caller did not set (the caller's environment always wins). */
const unlessSet = (vars) => Object.fromEntries(Object.entries(vars).filter(([k, v]) => v !== undefined && !process.env[k]));

/**
 * The sandbox's simulated merchant accounts, from the merchants file payments uses (by default the demo one,
 * services/payments/demo/merchants.sandbox.json), with the notification URLs of this run's payments service:
 * both sides then share the credentials, and VNPAY's IPN and PayGov's confirm reach PAYMENTS_PORT.
 */
function sandboxMerchants(merchantsFile) {
  const { merchants = [] } = JSON.parse(readFileSync(merchantsFile, 'utf8'));
  const vnpay = merchants
    .filter((m) => m.vnpay)
    .map((m) => ({ tmnCode: m.vnpay.tmnCode, hashSecret: m.vnpay.hashSecret, ipnUrl: `${paymentsUrl}/v1/ipn/vnpay` }));
  const momo = merchants
    .filter((m) => m.momo)
    .map((m) => ({ partnerCode: m.momo.partnerCode, accessKey: m.momo.accessKey, secretKey: m.momo.secretKey }));
  const paygov = merchants
    .filter((m) => m.paygov)
    .map((m) => ({
      maDoiTac: m.paygov.maDoiTac,
      secret: m.paygov.secretKey,
      confirmUrl: `${paymentsUrl}/v1/ipn/paygov`,
      returnUrl: `${paymentsUrl}/v1/return/paygov`,
    }));
  const vnptpay = merchants
    .filter((m) => m.vnptpay)
    .map((m) => ({
      ...m.vnptpay,
      ipnUrl: `${paymentsUrl}/v1/ipn/vnptpay`,
      returnUrl: `${paymentsUrl}/v1/return/vnptpay`,
      ipnTransport: 'form',
    }));
  const bankAccounts = merchants
    .filter((m) => m.vietqr)
    .map(({ vietqr: q }) => ({
      bin: q.bin,
      accountNumber: q.accountNumber,
      ...(q.payos ? { payos: { checksumKey: q.payos.checksumKey, webhookUrl: `${paymentsUrl}/v1/ipn/payos` } } : {}),
      ...(q.sepay ? { sepay: { apiKey: q.sepay.apiKey, webhookUrl: `${paymentsUrl}/v1/ipn/sepay` } } : {}),
    }));
  const json = (list) => (list.length ? JSON.stringify(list) : undefined);
  return unlessSet({
    SANDBOX_VNPAY_MERCHANTS: json(vnpay),
    SANDBOX_MOMO_MERCHANTS: json(momo),
    SANDBOX_PAYGOV_MERCHANTS: json(paygov),
    SANDBOX_VNPTPAY_MERCHANTS: json(vnptpay),
    SANDBOX_BANKTRANSFER_ACCOUNTS: json(bankAccounts),
  });
}

/**
 * The key pair the VNPost sandbox signs its status webhooks with (postal verifies with the public half),
 * made once into .data/ (git-ignored): a simulator key, never VNPost's.
 */
function vnpostKeys() {
  const privateKeyFile = path.join(dataDir, 'vnpost-sandbox-webhook.pem');
  const publicKeyFile = path.join(dataDir, 'vnpost-sandbox-webhook.pub.pem');
  if (!existsSync(privateKeyFile) || !existsSync(publicKeyFile)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return { privateKeyFile, publicKeyFile };
}

/** The VNPost simulator's signing key and where it pushes status webhooks (this run's postal service). */
function vnpostSandboxEnv() {
  return unlessSet({
    SANDBOX_VNPOST_PRIVATE_KEY_FILE: vnpostKeys().privateKeyFile,
    SANDBOX_VNPOST_WEBHOOK_URL: `http://${host}:${ports.postal}/v1/postal/webhooks/myvnpost`,
  });
}

/** A secret generated once into .data (git-ignored), never printed. */
function dataSecret(name, bytes = 32) {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(bytes).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * The key payments signs payment.events.v1 records with and national-sync verifies them with
 * (EVENT_SIGNING_KEYS, docs/events.md#signed-settlements): generated once into .data, never printed. A caller's
 * EVENT_SIGNING_KEYS wins, for both services.
 */
function eventSigningKeys() {
  const file = path.join(dataDir, 'event-signing-key');
  if (!existsSync(file)) writeFileSync(file, `local:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

// The Zalo simulator keeps its token chain in memory, so each run starts a new chain: a fresh first refresh token
// goes to the sandbox and into notifications' providers file, where a new token means a new grant (re-seeded).
const zaloRefreshToken = `zalo-refresh-sandbox-${randomBytes(8).toString('hex')}`;

/** The Zalo simulator's first refresh token and where it pushes delivery webhooks (this run's notifications). */
function notificationsSandboxEnv() {
  return unlessSet({
    SANDBOX_ZALO_REFRESH_TOKEN: zaloRefreshToken,
    SANDBOX_ZALO_WEBHOOK_URL: `http://${host}:${ports.notifications}/v1/zalo/webhook`,
  });
}

/** notifications' providers file: the sandbox accounts (services/notifications/config) at this run's sandbox URL. */
function notificationsProvidersFile() {
  const file = path.join(dataDir, 'notifications-providers.json');
  const text = readFileSync(path.join(repoRoot, 'services/notifications/config/providers.sandbox.json'), 'utf8')
    .replaceAll('http://127.0.0.1:8090', sandboxUrl)
    .replace('zalo-refresh-sandbox-0', zaloRefreshToken);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/**
 * citizen-data's two HMAC keys (subject IDs in the audit log, the audit hash chain), generated once into
 * .data/citizen-data-keys.json (mode 600) so the chain still verifies after a restart; the environment wins.
 */
function citizenDataKeys() {
  const file = path.join(dataDir, 'citizen-data-keys.json');
  if (!existsSync(file)) {
    const gen = () => randomBytes(32).toString('base64url');
    writeFileSync(file, JSON.stringify({ subjectHashKey: gen(), auditChainKey: gen() }), { mode: 0o600 });
  }
  const keys = JSON.parse(readFileSync(file, 'utf8'));
  return unlessSet({ CITIZEN_DATA_SUBJECT_HASH_KEY: keys.subjectHashKey, CITIZEN_DATA_AUDIT_CHAIN_KEY: keys.auditChainKey });
}

/** notifications' receipts file: the sandbox's VNPT e-receipt and Viettel S-Invoice accounts at this run's sandbox URL. */
function notificationsReceiptsFile() {
  const file = path.join(dataDir, 'notifications-receipts.json');
  const text = readFileSync(path.join(repoRoot, 'services/notifications/config/receipts.sandbox.json'), 'utf8').replaceAll(
    'http://127.0.0.1:8090',
    sandboxUrl,
  );
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** Services in start order: each with its port variable, port and the env it needs. */
function services(env) {
  return [
    {
      name: 'sandbox',
      portVar: 'SANDBOX_PORT',
      port: ports.sandbox,
      env: {
        ...sandboxMerchants(env.merchantsFile),
        // VNPAY's refund command answered (its own sandbox answers 99 unless VNPAY enables it [V5 #12]), so the
        // README's refund walk-through goes through VNPAY's refund API as production does.
        ...unlessSet({ SANDBOX_VNPAY_REFUND_ENABLED: 'true' }),
        ...vnpostSandboxEnv(),
        ...notificationsSandboxEnv(),
        ...inboundSandboxEnv(),
      },
    },
    {
      name: 'gateway',
      portVar: 'GATEWAY_PORT',
      port: ports.gateway,
      // Dossiers are checked against the procedure catalogue operations syncs (warnings; "not checked" while
      // operations is not up yet), with the demo key (it holds the viewer role operations asks for).
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        ...unlessSet({
          GATEWAY_CATALOGUE_URL: `http://${host}:${portOf('OPERATIONS_PORT', 8085)}`,
          GATEWAY_CATALOGUE_API_KEY: env.demoKey,
        }),
      },
    },
    {
      name: 'national-sync',
      portVar: 'NATIONAL_SYNC_PORT',
      port: ports.nationalSync,
      // The sandbox's simulated portal and its simulator credentials (services/sandbox/src/peers/dvcqg/config.ts).
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        DVCQG_BASE_URL: process.env.DVCQG_BASE_URL || `${sandboxUrl}/dvcqg`,
        DVCQG_USERNAME: process.env.DVCQG_USERNAME ?? 'lienthong',
        DVCQG_PASSWORD: process.env.DVCQG_PASSWORD ?? 'lienthong-sandbox',
        DVCQG_MADONVI: process.env.DVCQG_MADONVI ?? '000.00.00.H22',
        // A consumer group per topic namespace: hubs sharing a cluster under different namespaces never share a group.
        // Fee settlements count only when signed with payments' key.
        ...unlessSet({
          NATIONAL_SYNC_GROUP_ID: namespace ? `${namespace}national-sync` : undefined,
          EVENT_SIGNING_KEYS: eventSigningKeys(),
        }),
      },
    },
    {
      name: 'payments',
      portVar: 'PAYMENTS_PORT',
      port: ports.payments,
      // The sandbox peers' demo merchants (simulator credentials); provider URLs point at this run's sandbox.
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        PAYMENTS_MERCHANTS_FILE: env.merchantsFile,
        PAYMENTS_PUBLIC_URL: paymentsUrl,
        ...unlessSet({
          EVENT_SIGNING_KEYS: eventSigningKeys(),
          VNPAY_PAYMENT_URL: `${sandboxUrl}/vnpay/paymentv2/vpcpay.html`,
          VNPAY_API_URL: `${sandboxUrl}/vnpay/merchant_webapi/api/transaction`,
          MOMO_API_URL: `${sandboxUrl}/momo`,
          PAYGOV_INIT_URL: `${sandboxUrl}/paygov/init`,
          PAYGOV_QUERY_URL: `${sandboxUrl}/paygov/query`,
          VNPTPAY_INIT_URL: `${sandboxUrl}/vnptpay/rest/payment/v1.0.5/init`,
          VNPTPAY_QUERY_URL: `${sandboxUrl}/vnptpay/rest/payment/v1.0.5/query_transaction`,
        }),
      },
    },
    {
      name: 'citizen-data',
      portVar: 'CITIZEN_DATA_PORT',
      port: ports.citizenData,
      // The sandbox's population DB and business registry (services/sandbox/src/peers/csdl-dancu, dkkd) and their
      // simulator credentials; the demo licence table; HMAC keys generated once into .data/.
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        ...citizenDataKeys(),
        ...unlessSet({
          CITIZEN_DATA_LICENCES_FILE: path.join(repoRoot, 'services/citizen-data/config/licences.json'),
          CSDL_TOKEN_URL: `${sandboxUrl}/csdl-dancu/token`,
          CSDL_SERVICE_URL: `${sandboxUrl}/csdl-dancu/ws/dancu`,
          CSDL_ACCESS_KEY: 'lienthong-lgsp',
          CSDL_SECRET_KEY: 'lienthong-lgsp-sandbox',
          CSDL_PARTNER_CODE: '000.00.00.H22',
          DKKD_TOKEN_URL: `${sandboxUrl}/dkkd/ngsp/token`,
          DKKD_ADAPTER_URL: `${sandboxUrl}/dkkd/ngsp/api`,
          DKKD_CONSUMER_KEY: 'lienthong-ngsp',
          DKKD_CONSUMER_SECRET: 'lienthong-ngsp-sandbox',
        }),
      },
    },
    {
      name: 'postal',
      portVar: 'POSTAL_PORT',
      port: ports.postal,
      // The sandbox's MyVNPost and HCC simulators (services/sandbox/src/peers/vnpost) and their demo credentials.
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        ...unlessSet({
          POSTAL_AGENCIES_FILE: path.join(repoRoot, 'services/postal/demo/agencies.sandbox.json'),
          POSTAL_ADDRESS_MAP_FILE: path.join(repoRoot, 'services/postal/demo/address-map.sandbox.json'),
          MYVNPOST_BASE_URL: `${sandboxUrl}/vnpost`,
          MYVNPOST_USERNAME: 'lienthong',
          MYVNPOST_PASSWORD: 'lienthong-sandbox',
          MYVNPOST_CUSTOMER_CODE: 'C000000001',
          MYVNPOST_WEBHOOK_PUBLIC_KEY_FILE: vnpostKeys().publicKeyFile,
          VNPOST_HCC_TOKEN_URL: `${sandboxUrl}/vnpost/hcc/token`,
          VNPOST_HCC_ORDER_URL: `${sandboxUrl}/vnpost/hcc/order`,
          VNPOST_HCC_TRACKING_URL: `${sandboxUrl}/vnpost/hcc/tracking`,
          VNPOST_HCC_KEY: 'lienthong-hcc',
          VNPOST_HCC_SECRET: 'lienthong-hcc-sandbox',
          VNPOST_HCC_CUSTOMER_CODE: 'C000000001',
          POSTAL_GROUP_ID: namespace ? `${namespace}postal` : undefined,
        }),
      },
    },
    {
      name: 'notifications',
      portVar: 'NOTIFICATIONS_PORT',
      port: ports.notifications,
      // Zalo and SMS through the sandbox's simulators (services/notifications/config/*.sandbox.json); webhooks to
      // provincial systems may target loopback over http here only (WEBHOOKS_ALLOW_HTTP, 127.0.0.1/32).
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        ...unlessSet({
          NOTIFICATIONS_TEMPLATES_FILE: path.join(repoRoot, 'services/notifications/config/templates.sandbox.json'),
          NOTIFICATIONS_PROVIDERS_FILE: notificationsProvidersFile(),
          NOTIFICATIONS_RECEIPTS_FILE: notificationsReceiptsFile(),
          EVENT_SIGNING_KEYS: eventSigningKeys(),
          NOTIFICATIONS_DATA_KEY: dataSecret('notifications-data-key'),
          NOTIFICATIONS_ZALO_API_URL: `${sandboxUrl}/zalo`,
          NOTIFICATIONS_ZALO_OAUTH_URL: `${sandboxUrl}/zalo/oauth`,
          NOTIFICATIONS_QUIET_HOURS: 'off', // a demo at any hour; production keeps the 21:00-07:00 default
          WEBHOOKS_SECRET_KEY: dataSecret('webhooks-secret-key'),
          WEBHOOKS_ALLOW_HTTP: 'true',
          WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32',
          NOTIFICATIONS_GROUP_ID: namespace ? `${namespace}notifications` : undefined,
        }),
      },
    },
    {
      name: 'inbound',
      portVar: 'INBOUND_PORT',
      port: ports.inbound,
      // The sandbox's DVCQG calls this service (POST /dvcqg/_admin/originate) with the token below; questions are
      // polled from the same simulated portal; deliveries to provincial systems share notifications' webhook store.
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        ...unlessSet({
          INBOUND_PORTAL_TOKEN: dataSecret('inbound-portal-token'),
          INBOUND_ROUTING_FILE: path.join(repoRoot, 'services/inbound/demo/routing.sandbox.json'),
          DVCQG_BASE_URL: `${sandboxUrl}/dvcqg`,
          DVCQG_USERNAME: 'lienthong',
          DVCQG_PASSWORD: 'lienthong-sandbox',
          DVCQG_MADONVI: '000.00.00.H22',
          WEBHOOKS_SECRET_KEY: dataSecret('webhooks-secret-key'),
          WEBHOOKS_ALLOW_HTTP: 'true',
          WEBHOOKS_ALLOWED_NETWORKS: '127.0.0.1/32',
          INBOUND_GROUP_ID: namespace ? `${namespace}inbound-router` : undefined,
        }),
      },
    },
    {
      name: 'operations',
      portVar: 'OPERATIONS_PORT',
      port: portOf('OPERATIONS_PORT', 8085),
      // Read model, overdue dossiers, apology letters, 766 indicators; catalogue and monthly ratings against the
      // sandbox's simulated DVCQG (its simulator credentials, as national-sync uses).
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        ...unlessSet({
          DVCQG_BASE_URL: `${sandboxUrl}/dvcqg`,
          DVCQG_USERNAME: 'lienthong',
          DVCQG_PASSWORD: 'lienthong-sandbox',
          OPERATIONS_GROUP_ID: namespace ? `${namespace}operations` : undefined,
          EVENT_SIGNING_KEYS: eventSigningKeys(),
        }),
      },
    },
    {
      name: 'console',
      portVar: 'CONSOLE_PORT',
      port: ports.console,
      // The operator console reads every service by URL (absent ones show as "not available") and signs
      // operators in with their API key from the same clients file (the demo key holds every role).
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        ...unlessSet({
          CONSOLE_SESSION_SECRET: consoleSecret(),
          GATEWAY_URL: `http://${host}:${ports.gateway}`,
          NATIONAL_SYNC_URL: `http://${host}:${ports.nationalSync}`,
          PAYMENTS_URL: `http://${host}:${ports.payments}`,
          CITIZEN_DATA_URL: `http://${host}:${portOf('CITIZEN_DATA_PORT', 8083)}`,
          OPERATIONS_URL: `http://${host}:${portOf('OPERATIONS_PORT', 8085)}`,
          NOTIFICATIONS_URL: `http://${host}:${portOf('NOTIFICATIONS_PORT', 8086)}`,
          POSTAL_URL: `http://${host}:${ports.postal}`,
          INBOUND_URL: `http://${host}:${ports.inbound}`,
          SANDBOX_URL: sandboxUrl,
          NATIONAL_SYNC_GROUP_ID: namespace ? `${namespace}national-sync` : undefined,
          CONSOLE_INDEX_GROUP_ID: namespace ? `${namespace}console-index` : undefined,
        }),
      },
    },
  ];
}

/** Where the simulated portal sends its inbound calls, with the token this run's inbound service expects. */
function inboundSandboxEnv() {
  return unlessSet({
    SANDBOX_DVCQG_INBOUND_URL: `http://${host}:${ports.inbound}`,
    SANDBOX_DVCQG_INBOUND_TOKEN: dataSecret('inbound-portal-token'),
  });
}

/** The console's cookie and CSRF secret: generated once, kept in .data (git-ignored), never printed. */
function consoleSecret() {
  const file = path.join(dataDir, 'console-session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function demoKey() {
  if (process.env.HUB_DEMO_API_KEY) return { key: process.env.HUB_DEMO_API_KEY, file: undefined };
  const file = path.join(dataDir, 'demo-api-key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), file };
  const key = `lt_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, file };
}

async function waitReady(name, url, child, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}; see its log above`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status} ${await res.text()}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs / 1000} s (${last})`);
}

// Every service runs under the supervisor (supervisor.mjs): an unexpected exit is announced and restarted
// with backoff, never a reason to stop the rest; logs are prefixed per service (pino-pretty on a terminal).
const supervisor = await createSupervisor({ say });
let kafkaStop;
let startedPostgres = false;
let stopping = false;

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  // Services shut down gracefully on SIGTERM; one that has not exited after 20 s is killed.
  await supervisor.stopAll(20_000);
  if (kafkaStop) await kafkaStop();
  if (startedPostgres) await stopPostgresDaemon({ quiet: true });
  say('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    const k = await startKafka({});
    brokers = k.brokers;
    if (!k.reused) kafkaStop = k.stop;
  } else say(`using Kafka at ${brokers}`);
  const pg = await ensurePostgresDaemon({});
  startedPostgres = pg.started;
  if (!pg.embedded) say('using Postgres from DATABASE_URL');

  const { key, file: keyFile } = demoKey();
  const apiClientsFile = process.env.API_CLIENTS_FILE ?? path.join(dataDir, 'api-clients.json');
  if (!process.env.API_CLIENTS_FILE) {
    const keyHash = `sha256:${createHash('sha256').update(key).digest('hex')}`;
    // One demo client holds every role (the shared auth model: submitter, operator, auditor, viewer) for every agency.
    const roles = ['submitter', 'operator', 'auditor', 'viewer'];
    writeFileSync(
      apiClientsFile,
      JSON.stringify({ clients: [{ id: 'demo', name: 'Demo one-stop system', keyHash, agencies: ['*'], roles }] }, null, 2),
    );
  }

  const merchantsFile =
    process.env.PAYMENTS_MERCHANTS_FILE || path.join(repoRoot, 'services/payments/demo/merchants.sandbox.json');
  if (namespace) say(`topic namespace ${namespace}`);
  const urls = [];
  // HUB_SERVICES=sandbox,gateway,… starts only those (a smaller hub for a demo or a fault test); default all.
  const only = process.env.HUB_SERVICES ? new Set(process.env.HUB_SERVICES.split(',').map((n) => n.trim())) : undefined;
  for (const svc of services({ apiClientsFile, merchantsFile, demoKey: key })) {
    if (only && !only.has(svc.name)) continue;
    const main = path.join(repoRoot, 'services', svc.name, 'dist', 'main.js');
    if (!existsSync(main)) {
      say(`skipping ${svc.name}: ${path.relative(repoRoot, main)} not built`);
      continue;
    }
    const port = svc.port;
    // No warning is silenced: kafkajs's negative-timer bug is fixed at install (infra/patches/).
    const child = supervisor.run(svc.name, process.execPath, [main], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...svc.env,
        KAFKA_BROKERS: brokers,
        DATABASE_URL: pg.url,
        [svc.portVar]: String(port),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      },
    });
    say(`starting ${svc.name} on ${host}:${port}…`);
    await waitReady(svc.name, `http://${host}:${port}/health/ready`, child);
    urls.push([svc.name, `http://${host}:${port}`]);
  }

  say('the hub is up:');
  for (const [name, url] of urls)
    say(`  ${name.padEnd(14)} ${url}   (OpenAPI ${url}/docs/json, health ${url}/health/ready, metrics ${url}/metrics)`);
  say(`  Kafka          ${brokers}`);
  say(`  Postgres       ${pg.url.replace(/:[^:@/]*@/, ':***@')}`);
  say(`demo API key: ${key}${keyFile ? `   (saved in ${path.relative(repoRoot, keyFile)})` : ' (from HUB_DEMO_API_KEY)'}`);
  const keyArg = keyFile ? `$(cat ${path.relative(repoRoot, keyFile)})` : '$HUB_DEMO_API_KEY';
  say(
    `try:  curl -s -X POST http://${host}:${ports.gateway}/v1/dossiers -H "authorization: Bearer ${keyArg}" -H "content-type: application/json" -d @tests/fixtures/demo/dossier.json`,
  );
  if (urls.some(([name]) => name === 'console'))
    say(`operator console: http://${host}:${ports.console}/  (sign in with the demo API key above)`);
  say('Ctrl-C stops everything this command started.');
} catch (err) {
  say(`could not start: ${err.message}`);
  await stopAll(1);
}
