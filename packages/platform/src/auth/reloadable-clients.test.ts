import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { generateApiKey, hashApiKey } from '../api-clients.js';
import { createLogger } from '../logger.js';
import { createReloadableApiClients, type ReloadableApiClients } from './reloadable-clients.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lt-clients-'));
const opened: ReloadableApiClients[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

function capture() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(c, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  return { logger: createLogger({ name: 't', level: 'info', destination }), text: () => chunks.join('') };
}

let n = 0;
function clientsFile(entries: object[]): string {
  const file = path.join(dir, `clients-${++n}.json`);
  writeFileSync(file, JSON.stringify({ clients: entries }));
  return file;
}
/** Replaces the file atomically (write + rename), as an operator's tooling does. */
function rewrite(file: string, content: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}
const entry = (id: string, key: string, extra: object = {}) => ({
  id,
  name: id,
  keyHash: hashApiKey(key),
  agencies: ['*'],
  roles: ['submitter'],
  ...extra,
});
const authenticates = (c: ReloadableApiClients, key: string) => {
  try {
    return c.authenticate(`Bearer ${key}`, undefined).id;
  } catch {
    return null;
  }
};
async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('reloadable API clients', () => {
  it('refuses to start without a loadable file (a service never runs with no clients)', () => {
    const { logger } = capture();
    expect(() => createReloadableApiClients({ path: path.join(dir, 'missing.json'), logger })).toThrow(
      /cannot read API clients file/,
    );
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"clients": [');
    expect(() => createReloadableApiClients({ path: broken, logger })).toThrow(/is not JSON/);
  });

  it('picks up a rotated key and a revoked one when the file changes, without a restart', async () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const a2 = generateApiKey();
    const file = clientsFile([entry('a', a), entry('b', b)]);
    const clients = createReloadableApiClients({ path: file, logger: capture().logger, pollIntervalMs: 20 });
    opened.push(clients);
    expect([authenticates(clients, a), authenticates(clients, b)]).toEqual(['a', 'b']);
    // a is rotated to a2, b is revoked (kept in the file for the audit trail).
    rewrite(file, JSON.stringify({ clients: [entry('a', a2), entry('b', b, { revoked: true })] }));
    await until('the new file to be in force', () => authenticates(clients, a2) === 'a');
    expect(authenticates(clients, a)).toBeNull();
    expect(authenticates(clients, b)).toBeNull();
    expect(clients.clients.map((c) => c.id)).toEqual(['a']);
  });

  it('reloads on SIGHUP', async () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const file = clientsFile([entry('a', a)]);
    // Polling effectively off: only the signal can make it reload within the test.
    const clients = createReloadableApiClients({ path: file, logger: capture().logger, pollIntervalMs: 3_600_000 });
    opened.push(clients);
    writeFileSync(file, JSON.stringify({ clients: [entry('a', a), entry('b', b)] }));
    expect(authenticates(clients, b)).toBeNull();
    process.kill(process.pid, 'SIGHUP');
    await until('SIGHUP reload', () => authenticates(clients, b) === 'b');
  });

  it('keeps the previous clients when the new file is broken, and says so in the log', async () => {
    const a = generateApiKey();
    const file = clientsFile([entry('a', a)]);
    const log = capture();
    const clients = createReloadableApiClients({ path: file, logger: log.logger, pollIntervalMs: 20 });
    opened.push(clients);
    for (const bad of [
      '{"clients": [',
      JSON.stringify({ clients: [{ id: 'x', name: 'x', keyHash: 'plain', agencies: ['*'] }] }),
      '',
    ]) {
      const before = log.text().length;
      rewrite(file, bad);
      expect(clients.reload()).toBe(false);
      expect(log.text().slice(before)).toMatch(/API clients file not reloaded; the previous clients stay in force/);
      expect(authenticates(clients, a)).toBe('a');
    }
    rmSync(file);
    expect(clients.reload()).toBe(false);
    expect(authenticates(clients, a)).toBe('a');
    // Fixed again: in force at the next change.
    const b = generateApiKey();
    writeFileSync(file, JSON.stringify({ clients: [entry('b', b)] }));
    await until('the fixed file to be in force', () => authenticates(clients, b) === 'b');
  });

  it('stops following the file and the signal once closed', async () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const file = clientsFile([entry('a', a)]);
    const clients = createReloadableApiClients({ path: file, logger: capture().logger, pollIntervalMs: 20 });
    const hupListeners = process.listenerCount('SIGHUP');
    clients.close();
    expect(process.listenerCount('SIGHUP')).toBe(hupListeners - 1);
    rewrite(file, JSON.stringify({ clients: [entry('b', b)] }));
    await new Promise((r) => setTimeout(r, 200));
    expect(authenticates(clients, b)).toBeNull();
    expect(authenticates(clients, a)).toBe('a');
  });
});
