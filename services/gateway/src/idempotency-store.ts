import { createHash } from 'node:crypto';
import { createMicroBatcher, type Pool } from '@lienthong/platform';
import { idempotencyInProgress, idempotencyMismatch } from './errors.js';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

/** The implicit key of a request sent without Idempotency-Key: its own fingerprint. */
export const contentKey = (requestHash: string) => `content:${requestHash}`;
const isContentKey = (key: string) => key.startsWith('content:');

export interface IdempotencyStore {
  /** Whether requests without Idempotency-Key are deduplicated by content (a window above 0). */
  readonly dedupesContent: boolean;
  /**
   * Claims (client, key) for a request whose canonical hash is `requestHash`. Returns `replay` with the
   * first response when the same request was already answered; throws 409/422-kind errors when the key
   * was used for another body or the first request is still in flight. A {@link contentKey} is
   * remembered for the content window only, an explicit key for the TTL.
   */
  claim(clientId: string, key: string, requestHash: string): Promise<Claim>;
  /**
   * Records the answer of a claimed request; resolves once it is in Postgres. The gateway answers without
   * waiting for it (the 202 means Kafka committed, architecture.md decision 1): a claim of the same key made
   * on this instance meanwhile waits for the record first, so it is answered from it as before.
   */
  complete(clientId: string, key: string, response: StoredResponse): Promise<void>;
  /** Resolves once every completion started so far is recorded (or failed): for shutdown and tests. */
  flush(): Promise<void>;
  /** Releases a claim whose request failed before anything was published, so a retry may proceed. */
  release(clientId: string, key: string): Promise<void>;
  /** Deletes entries past their TTL (content keys: past the content window); returns how many. */
  purgeExpired(): Promise<number>;
}

/**
 * The request's fingerprint: sha256 over method, route and the body bytes as received (a retry resends
 * the same bytes; the IETF Idempotency-Key draft fingerprints the payload the same way). `body` is the
 * raw text when the platform parser kept it, else the parsed value, serialized.
 */
export function requestHash(method: string, path: string, body: string | unknown): string {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  return createHash('sha256').update(`${method} ${path}\n`).update(text).digest('hex');
}

/**
 * Postgres-backed idempotency (the gateway runs as several instances; memory would not do). The claim is
 * an INSERT … ON CONFLICT DO NOTHING, so two concurrent identical requests cannot both publish.
 * A claim left `in_progress` by a crashed instance is taken over after `staleAfterMs`; the publish it
 * guarded may or may not have happened, which is why consumers make their effects idempotent too.
 *
 * Claims and completions of concurrent requests are group-committed: one multi-row statement per event-
 * loop turn instead of one round trip each. Two Postgres round trips per request were most of the
 * gateway's CPU for 1-item requests (bench: 0.48 of the bare-Kafka baseline with them, 0.91 without).
 * A claim the batch insert did not win (the key exists) takes the per-key path below.
 */
export interface IdempotencyStoreOptions {
  /** How long an explicit Idempotency-Key is remembered. */
  ttlHours: number;
  /**
   * How long a request without a key is remembered by its content (default 300 s; 0 = never). Short on
   * purpose (issue 17 §3): a province that sends snapshot A, then B, then A again an hour later means it,
   * and a day-long dedupe would leave B at the portal. Within minutes, an identical request is a client
   * retry; past them, national-sync's never-regress version check absorbs true duplicates anyway.
   */
  contentWindowSeconds?: number;
  staleAfterMs?: number;
  /**
   * Claim statements (and, apart, answer records) running at once (default 2): requests arriving while both
   * run go together in the next one, so under load a statement carries more claims and the gateway makes
   * fewer Postgres round trips per request (issue 16). 0 = unbounded (a statement per event-loop turn).
   */
  statementsInFlight?: number;
}

export function createIdempotencyStore(pool: Pool, opts: IdempotencyStoreOptions): IdempotencyStore {
  const staleAfterMs = opts.staleAfterMs ?? 120_000;
  const contentWindowSeconds = opts.contentWindowSeconds ?? 300;
  const ttlSecondsOf = (key: string) => (isContentKey(key) ? contentWindowSeconds : opts.ttlHours * 3600);
  const inFlight = opts.statementsInFlight ?? 2;
  const batching = inFlight > 0 ? { maxInFlight: inFlight } : {};

  type ClaimItem = { clientId: string; key: string; hash: string };
  const insertClaims = createMicroBatcher(async (items: ClaimItem[]): Promise<boolean[]> => {
    const { rows } = await pool.query(
      `INSERT INTO gateway_idempotency (client_id, key, request_hash, state)
       SELECT c, k, h, 'in_progress' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(c, k, h)
       ON CONFLICT (client_id, key) DO NOTHING
       RETURNING client_id, key`,
      [items.map((i) => i.clientId), items.map((i) => i.key), items.map((i) => i.hash)],
    );
    // Within one batch the same (client, key) can appear twice; only its first item won the row.
    const won = new Set(rows.map((r: { client_id: string; key: string }) => `${r.client_id}\u0000${r.key}`));
    return items.map((i) => won.delete(`${i.clientId}\u0000${i.key}`));
  }, batching);

  type CompleteItem = { clientId: string; key: string; response: StoredResponse };
  const completeMany = createMicroBatcher(async (items: CompleteItem[]): Promise<void[]> => {
    await pool.query(
      `UPDATE gateway_idempotency g SET state = 'done', status_code = u.status, response = u.response::jsonb
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS u(client_id, key, status, response)
        WHERE g.client_id = u.client_id AND g.key = u.key`,
      [
        items.map((i) => i.clientId),
        items.map((i) => i.key),
        items.map((i) => i.response.statusCode),
        items.map((i) => JSON.stringify(i.response.body)),
      ],
    );
    return items.map(() => undefined);
  }, batching);

  /**
   * Completions not yet in Postgres, by (client, key). A repeat of the request on this instance waits for its
   * record before claiming, so it is answered from the store exactly as when the handler waited for it; on
   * another instance it finds the claim still `in_progress` and gets the 409 a concurrent retry gets, for the
   * milliseconds the record takes.
   */
  const recording = new Map<string, Promise<void>>();
  const entryOf = (clientId: string, key: string) => `${clientId}\u0000${key}`;

  return {
    dedupesContent: contentWindowSeconds > 0,
    async claim(clientId, key, hash) {
      const pendingRecord = recording.get(entryOf(clientId, key));
      if (pendingRecord) await pendingRecord;
      if (await insertClaims({ clientId, key, hash })) return { kind: 'claimed' };
      for (let i = 0; i < 3; i++) {
        const ins = await pool.query(
          `INSERT INTO gateway_idempotency (client_id, key, request_hash, state) VALUES ($1, $2, $3, 'in_progress')
           ON CONFLICT (client_id, key) DO NOTHING`,
          [clientId, key, hash],
        );
        if (ins.rowCount === 1) return { kind: 'claimed' };
        const { rows } = await pool.query(
          `SELECT request_hash, state, status_code, response,
                  created_at < now() - make_interval(secs => $3) AS expired,
                  created_at < now() - make_interval(secs => $4) AS stale
             FROM gateway_idempotency WHERE client_id = $1 AND key = $2`,
          [clientId, key, ttlSecondsOf(key), staleAfterMs / 1000],
        );
        const row = rows[0] as
          | { request_hash: string; state: string; status_code: number; response: unknown; expired: boolean; stale: boolean }
          | undefined;
        if (!row) continue; // deleted meanwhile: try the insert again
        if (row.expired || (row.state === 'in_progress' && row.stale)) {
          await pool.query(
            'DELETE FROM gateway_idempotency WHERE client_id = $1 AND key = $2 AND request_hash = $3 AND state = $4',
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
    complete(clientId, key, response) {
      const entry = entryOf(clientId, key);
      const done = completeMany({ clientId, key, response });
      // The waiters in claim never see the failure (they go on to Postgres, which has the claim in_progress);
      // the caller of complete does.
      const settled = done.then(
        () => {},
        () => {},
      );
      recording.set(entry, settled);
      void settled.then(() => {
        if (recording.get(entry) === settled) recording.delete(entry);
      });
      return done;
    },
    async flush() {
      while (recording.size > 0) await Promise.all(recording.values());
    },
    async release(clientId, key) {
      await pool.query(`DELETE FROM gateway_idempotency WHERE client_id = $1 AND key = $2 AND state = 'in_progress'`, [
        clientId,
        key,
      ]);
    },
    async purgeExpired() {
      const r = await pool.query(
        `DELETE FROM gateway_idempotency
          WHERE created_at < now() - make_interval(hours => $1)
             OR (key LIKE 'content:%' AND created_at < now() - make_interval(secs => $2))`,
        [opts.ttlHours, contentWindowSeconds],
      );
      return r.rowCount ?? 0;
    },
  };
}
