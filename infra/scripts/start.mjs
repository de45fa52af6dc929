#!/usr/bin/env node
// `npm start`: the whole hub on one machine, with its sandbox peers.
// Brings up Kafka (KAFKA_BROKERS, or the project's own KRaft broker from Maven jars) and Postgres
// (DATABASE_URL, or an embedded one), writes the demo API client, starts every service from its dist/
// build, waits until each is ready, prints the URLs and the demo key, and stops everything it started on
// Ctrl-C. Runs after `npm run build` (the npm script does both).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { startKafka, repoRoot } from '../kafka/kafka.mjs';
import { ensurePostgresDaemon, stopPostgresDaemon } from '../postgres/postgres.mjs';

const dataDir = path.join(repoRoot, '.data');
mkdirSync(dataDir, { recursive: true });
const say = (m) => process.stdout.write(`[start] ${m}\n`);
const host = process.env.HUB_HOST ?? '127.0.0.1';

/** Services in start order: each with its port variable, default port and the env it needs. */
function services(env) {
  return [
    { name: 'sandbox', portVar: 'SANDBOX_PORT', port: 8090, env: {} },
    { name: 'gateway', portVar: 'GATEWAY_PORT', port: 8080, env: { API_CLIENTS_FILE: env.apiClientsFile } },
    {
      name: 'national-sync',
      portVar: 'NATIONAL_SYNC_PORT',
      port: 8081,
      // The sandbox's simulated portal and its simulator credentials (services/sandbox/src/peers/dvcqg/config.ts).
      env: {
        DVCQG_BASE_URL: process.env.DVCQG_BASE_URL ?? `http://${host}:${process.env.SANDBOX_PORT ?? 8090}/dvcqg`,
        DVCQG_USERNAME: process.env.DVCQG_USERNAME ?? 'lienthong',
        DVCQG_PASSWORD: process.env.DVCQG_PASSWORD ?? 'lienthong-sandbox',
        DVCQG_MADONVI: process.env.DVCQG_MADONVI ?? '000.00.00.H22',
      },
    },
    {
      name: 'payments',
      portVar: 'PAYMENTS_PORT',
      port: 8082,
      // The sandbox peers' demo merchants (simulator credentials); provider URLs default to the sandbox.
      env: {
        API_CLIENTS_FILE: env.apiClientsFile,
        PAYMENTS_MERCHANTS_FILE: process.env.PAYMENTS_MERCHANTS_FILE ?? path.join(repoRoot, 'services/payments/demo/merchants.sandbox.json'),
      },
    },
  ];
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

const children = [];
let kafkaStop;
let startedPostgres = false;
let stopping = false;

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
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
    writeFileSync(apiClientsFile, JSON.stringify({ clients: [{ id: 'demo', name: 'Demo one-stop system', keyHash, agencies: ['*'] }] }, null, 2));
  }

  const urls = [];
  for (const svc of services({ apiClientsFile })) {
    const main = path.join(repoRoot, 'services', svc.name, 'dist', 'main.js');
    if (!existsSync(main)) {
      say(`skipping ${svc.name}: ${path.relative(repoRoot, main)} not built`);
      continue;
    }
    const port = Number(process.env[svc.portVar] ?? svc.port);
    // kafkajs 2.2.4 schedules a timer with a negative delay; Node ≥ 23 warns about it on every start.
    // Harmless (Node clamps it to 1 ms), so that one warning is silenced by name, no other.
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', main], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        ...svc.env,
        KAFKA_BROKERS: brokers,
        DATABASE_URL: pg.url,
        [svc.portVar]: String(port),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      },
    });
    children.push(child);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        say(`${svc.name} exited (${signal ?? code}); stopping the rest`);
        void stopAll(1);
      }
    });
    say(`starting ${svc.name} on ${host}:${port}…`);
    await waitReady(svc.name, `http://${host}:${port}/health/ready`, child);
    urls.push([svc.name, `http://${host}:${port}`]);
  }

  say('the hub is up:');
  for (const [name, url] of urls) say(`  ${name.padEnd(14)} ${url}   (OpenAPI ${url}/docs/json, health ${url}/health/ready, metrics ${url}/metrics)`);
  say(`  Kafka          ${brokers}`);
  say(`  Postgres       ${pg.url.replace(/:[^:@/]*@/, ':***@')}`);
  say(`demo API key: ${key}${keyFile ? `   (saved in ${path.relative(repoRoot, keyFile)})` : ' (from HUB_DEMO_API_KEY)'}`);
  say('try:  curl -s -X POST http://127.0.0.1:8080/v1/dossiers -H "authorization: Bearer $(cat .data/demo-api-key)" -H "content-type: application/json" -d @tests/fixtures/demo/dossier.json');
  say('Ctrl-C stops everything this command started.');
} catch (err) {
  say(`could not start: ${err.message}`);
  await stopAll(1);
}
