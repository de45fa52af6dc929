import { createHash } from 'node:crypto';
import type { Pool } from '@lienthong/platform';
import { idempotencyInProgress, idempotencyMismatch } from './errors.js';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

/**
 * `Idempotency-Key` of the payments API (issue 17 §2), with the gateway's semantics (services/gateway
 * idempotency-store.ts): same client + key + body → the first answer again; same key, other body → 409;
 * the first request still in flight → 409 (retriable). Postgres-backed: payments may run as several
 * instances. Payment creation is a few requests a second per province, so no group commit here.
 */
export interface IdempotencyStore {
  claim(clientId: string, key: string, requestHash: string): Promise<Claim>;
  complete(clientId: string, key: string, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose request failed, so a retry with the same key runs again. */
  release(clientId: string, key: string): Promise<void>;
  purgeExpired(): Promise<number>;
}

/** sha256 over method, route and the body bytes as received (a retry resends the same bytes). */
export function requestHash(method: string, path: string, body: string | unknown): string {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  return createHash('sha256').update(`${method} ${path}\n`).update(text).digest('hex');
}

export function createIdempotencyStore(pool: Pool, opts: { ttlHours: number; staleAfterMs?: number }): IdempotencyStore {
  const staleAfterMs = opts.staleAfterMs ?? 120_000;
  return {
    async claim(clientId, key, hash) {
      for (let i = 0; i < 3; i++) {
        // INSERT … ON CONFLICT DO NOTHING: of two concurrent identical requests exactly one claims.
        const ins = await pool.query(
          `INSERT INTO payment_idempotency (client_id, key, request_hash, state) VALUES ($1, $2, $3, 'in_progress')
           ON CONFLICT (client_id, key) DO NOTHING`,
          [clientId, key, hash],
        );
        if (ins.rowCount === 1) return { kind: 'claimed' };
        const { rows } = await pool.query(
          `SELECT request_hash, state, status_code, response,
                  created_at < now() - make_interval(hours => $3) AS expired,
                  created_at < now() - make_interval(secs => $4) AS stale
             FROM payment_idempotency WHERE client_id = $1 AND key = $2`,
          [clientId, key, opts.ttlHours, staleAfterMs / 1000],
        );
        const row = rows[0] as
          | { request_hash: string; state: string; status_code: number; response: unknown; expired: boolean; stale: boolean }
          | undefined;
        if (!row) continue;
        // A claim left by a crashed instance: the payment it guarded, if any, stays in the ledger as created
        // and reconciliation expires it; the retry makes a new attempt.
        if (row.expired || (row.state === 'in_progress' && row.stale)) {
          await pool.query(
            'DELETE FROM payment_idempotency WHERE client_id = $1 AND key = $2 AND request_hash = $3 AND state = $4',
            [clientId, key, row.request_hash, row.state],
          );
          continue;
        }
        if (row.request_hash !== hash) throw idempotencyMismatch();
        if (row.state === 'in_progress') throw idempotencyInProgress();
        return { kind: 'replay', response: { statusCode: row.status_code, body: row.response } };
      }
      throw idempotencyInProgress();
    },
    async complete(clientId, key, response) {
      await pool.query(
        `UPDATE payment_idempotency SET state = 'done', status_code = $3, response = $4::jsonb WHERE client_id = $1 AND key = $2`,
        [clientId, key, response.statusCode, JSON.stringify(response.body)],
      );
    },
    async release(clientId, key) {
      await pool.query(`DELETE FROM payment_idempotency WHERE client_id = $1 AND key = $2 AND state = 'in_progress'`, [
        clientId,
        key,
      ]);
    },
    async purgeExpired() {
      const r = await pool.query('DELETE FROM payment_idempotency WHERE created_at < now() - make_interval(hours => $1)', [
        opts.ttlHours,
      ]);
      return r.rowCount ?? 0;
    },
  };
}
