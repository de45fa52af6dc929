/**
 * The gateway as an operator runs it: dist/main.js on the platform's runService (built here), real Kafka
 * and a fresh database. Keys are rotated and revoked in the clients file without a restart: on SIGHUP, and
 * on the file's change alone. Encoded paths need a key over a real socket too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey, hashApiKey } from '@lienthong/platform';
import {
  createTestDatabase,
  createTestNamespace,
  deleteTestNamespace,
  dossierItem,
  eventually,
  testBrokers,
} from '../../../tests/helpers/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'gw-process-'));
const clientsFile = path.join(dir, 'api-clients.json');
const keys = { a: generateApiKey(), b: generateApiKey(), a2: generateApiKey() };

/** Replaces the clients file atomically, as config tooling does. */
function writeClients(entries: Array<{ id: string; key: string; revoked?: boolean }>): void {
  const clients = entries.map((e) => ({
    id: e.id,
    name: e.id,
    keyHash: hashApiKey(e.key),
    agencies: ['*.H22'],
    roles: ['submitter'],
    ...(e.revoked ? { revoked: true } : {}),
  }));
  writeFileSync(`${clientsFile}.tmp`, JSON.stringify({ clients }));
  renameSync(`${clientsFile}.tmp`, clientsFile);
}

describe('gateway process (runService): keys rotated and revoked without a restart', () => {
  let ns: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let proc: ChildProcess;
  let output = '';
  let base = '';

  beforeAll(async () => {
    execFileSync('npx', ['tsc', '-b', 'services/gateway'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
    ns = await createTestNamespace();
    db = await createTestDatabase();
    writeClients([
      { id: 'a', key: keys.a },
      { id: 'b', key: keys.b },
    ]);
    proc = spawn(process.execPath, ['services/gateway/dist/main.js'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: db.url,
        API_CLIENTS_FILE: clientsFile,
        KAFKA_BROKERS: testBrokers().join(','),
        KAFKA_TOPIC_NAMESPACE: ns,
        GATEWAY_PORT: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    // fastify logs "Server listening at http://127.0.0.1:<port>" once listening (port 0: the OS chose it).
    base = await eventually(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], {
      what: `the gateway listening; output: ${output.slice(-500)}`,
      timeoutMs: 60_000,
    });
  }, 240_000);

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    await db?.drop();
    if (ns) await deleteTestNamespace(ns);
  });

  const validate = (key: string | undefined, url = '/v1/validate') =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(dossierItem(1)),
      signal: AbortSignal.timeout(10_000),
    }).then((r) => r.status);

  it('binds 127.0.0.1 by default and needs a key on encoded paths over a real socket', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(await validate(undefined, '/%761/validate')).toBe(401);
    expect(await validate(undefined, '/%761/dossiers')).toBe(401);
    expect(await validate(keys.a, '/%761/validate')).toBe(200);
  });

  it('revokes a key on SIGHUP', async () => {
    expect(await validate(keys.b)).toBe(200);
    writeClients([
      { id: 'a', key: keys.a },
      { id: 'b', key: keys.b, revoked: true },
    ]);
    proc.kill('SIGHUP');
    await eventually(async () => (await validate(keys.b)) === 401, { what: 'b revoked after SIGHUP', timeoutMs: 10_000 });
    expect(await validate(keys.a)).toBe(200);
    expect(proc.exitCode).toBeNull();
  });

  it('rotates a key when the file changes, without a signal', async () => {
    writeClients([
      { id: 'a', key: keys.a2 },
      { id: 'b', key: keys.b, revoked: true },
    ]);
    // The file is polled every 2 s.
    await eventually(async () => (await validate(keys.a2)) === 200, { what: 'the rotated key in force', timeoutMs: 15_000 });
    expect(await validate(keys.a)).toBe(401);
  });

  it('keeps serving with the previous keys when the file is broken', async () => {
    writeFileSync(`${clientsFile}.tmp`, '{"clients": [');
    renameSync(`${clientsFile}.tmp`, clientsFile);
    proc.kill('SIGHUP');
    await eventually(() => output.includes('API clients file not reloaded; the previous clients stay in force'), {
      what: 'the refusal logged',
      timeoutMs: 10_000,
    });
    expect(await validate(keys.a2)).toBe(200);
  });
});
