import pg from 'pg';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';

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

/** A pg pool with timeouts on connect and statements, and errors of idle clients logged, not thrown. */
export function createPool(opts: CreatePoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    application_name: opts.applicationName,
  });
  // An idle client losing its connection must not crash the process (pg emits 'error' on the pool).
  pool.on('error', (err) => opts.logger?.error({ err }, 'postgres idle client error'));
  return pool;
}

/**
 * Applies `NNN-name.sql` files from `dir` in name order, once each, recorded per service in
 * `lienthong_migrations`. An advisory lock keeps two instances starting together from racing.
 * Each file runs in its own transaction, so a failed migration leaves nothing half-applied.
 */
export async function runMigrations(
  pool: pg.Pool,
  opts: { service: string; dir: string; logger?: Logger },
): Promise<string[]> {
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
  try {
    await client.query('BEGIN');
    const r = await fn(client);
    await client.query('COMMIT');
    return r;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
