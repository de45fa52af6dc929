import pg from 'pg';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';
import { isConnectionError } from './infra-errors.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface CreatePoolOptions {
  connectionString: string;
  max?: number;
  /** Statement timeout for every query: no query may hang a consumer forever. */
  statementTimeoutMs?: number;
  applicationName: string;
  logger?: Logger;
}

/**
 * What a log line says about a Postgres error: its SQLSTATE (or socket code) and message, nothing else.
 * pino's error serializer copies every enumerable property, and pg's errors on a lost connection can reach
 * the client object (connection state, parameters, buffers): about 8 KB per line (issue 17 §3).
 */
export function describeDbError(err: unknown): { code?: string; message: string } {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' ? { code, message: message.slice(0, 500) } : { message: message.slice(0, 500) };
}

/**
 * A pg pool with timeouts on connect and statements, whose connections can never end the process.
 *
 * pg emits 'error' on a *client* when its connection breaks (57P01 "terminating connection due to
 * administrator command" when Postgres restarts, a reset socket on failover). pg-pool listens for that
 * only while the client is idle in the pool and removes its listener on checkout, so a client held by a
 * pusher or a LISTEN loop at that moment emitted 'error' with no listener: an uncaught exception that ended
 * national-sync during a Postgres restart. Every client therefore gets its own listener when created; the
 * pool's 'error' (idle clients) is handled as well. The client is not reused: pg marks it not queryable,
 * its current query rejects (the caller's retry or the consumer runner's pause handles that) and
 * pg-pool discards it on release.
 */
export function createPool(opts: CreatePoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    application_name: opts.applicationName,
  });
  const log = opts.logger?.child({ component: 'postgres' });
  // Logged once per connection, by code and message only (see describeDbError).
  pool.on('connect', (client) => {
    client.on('error', (err) => log?.warn({ pgError: describeDbError(err) }, 'postgres connection lost; the pool replaces it'));
  });
  // The idle client's own listener above already logged it; this listener only keeps the pool's emit from
  // being an unhandled 'error' event.
  pool.on('error', () => {});
  return pool;
}

/**
 * Applies `NNN-name.sql` files from `dir` in name order, once each, recorded per service in
 * `lienthong_migrations`. An advisory lock keeps two instances starting together from racing.
 * Each file runs in its own transaction, so a failed migration leaves nothing half-applied.
 */
export async function runMigrations(pool: pg.Pool, opts: { service: string; dir: string; logger?: Logger }): Promise<string[]> {
  const files = readdirSync(opts.dir)
    .filter((f) => /^\d{3,}-[\w-]+\.sql$/.test(f))
    .sort();
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`lienthong-migrations`]);
    await client.query(`CREATE TABLE IF NOT EXISTS lienthong_migrations (
      service text NOT NULL, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (service, name))`);
    const done = new Set(
      (await client.query('SELECT name FROM lienthong_migrations WHERE service = $1', [opts.service])).rows.map(
        (r: { name: string }) => r.name,
      ),
    );
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = readFileSync(path.join(opts.dir, file), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO lienthong_migrations (service, name) VALUES ($1, $2)', [opts.service, file]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${opts.service}/${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
      opts.logger?.info({ service: opts.service, migration: file }, 'migration applied');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`lienthong-migrations`]).catch(() => {});
    client.release();
  }
  return applied;
}

/** Runs fn in a transaction on one client; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let released = false;
  try {
    await client.query('BEGIN');
    const r = await fn(client);
    await client.query('COMMIT');
    return r;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    released = true;
    // A client whose connection broke is destroyed, not put back (pg-pool checks this too; explicit here).
    client.release(isConnectionError(err) ? (err as Error) : undefined);
    throw err;
  } finally {
    if (!released) client.release();
  }
}
