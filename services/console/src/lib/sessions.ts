import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Pool } from '@lienthong/platform';

/**
 * Server-side sessions (docs/console.md, "Sign-in"). Why sign in with the operator's own API key, not a
 * second password file: the shared auth already gives every person a key with roles and agency scopes,
 * revoked in one place (the clients file, reloaded on change); a console-only password table would be a
 * second list of people to keep in step. Keeping the key for the session lets the console call each
 * service *as the operator*: the services' own role and agency checks apply to what the console does, and
 * their own audit (payments' history, national-sync's logs) names the person, not "the console".
 *
 * The key is sealed with AES-256-GCM under HKDF(console secret, salt = the cookie's session id): the
 * database holds only SHA-256(session id) and the sealed key, so neither a database dump nor the secret
 * alone yields a key; both plus a live cookie would be needed. On every request the key is authenticated
 * again against the clients file, so a revoked key ends its sessions at once.
 */
export interface SessionRecord {
  idHash: string;
  clientId: string;
  apiKey: string;
}

export interface SessionStore {
  create(clientId: string, apiKey: string): Promise<string>;
  /** The live session of a cookie id, touched; undefined if unknown, ended, expired or idle too long. */
  get(id: string): Promise<SessionRecord | undefined>;
  end(id: string): Promise<void>;
  purgeExpired(): Promise<number>;
}

const ID_RE = /^[A-Za-z0-9_-]{43}$/;

export const hashSessionId = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

function sealingKey(secret: string, id: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from(id, 'utf8'), Buffer.from('lienthong-console-session-key'), 32),
  );
}

export function seal(secret: string, id: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealingKey(secret, id), iv);
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url');
}

export function unseal(secret: string, id: string, sealed: string): string | undefined {
  try {
    const buf = Buffer.from(sealed, 'base64url');
    const d = createDecipheriv('aes-256-gcm', sealingKey(secret, id), buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function createSessionStore(pool: Pool, opts: { secret: string; ttlHours: number; idleMinutes: number }): SessionStore {
  return {
    async create(clientId, apiKey) {
      const id = randomBytes(32).toString('base64url');
      await pool.query(
        `INSERT INTO console_session (id_hash, client_id, key_sealed, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))`,
        [hashSessionId(id), clientId, seal(opts.secret, id, apiKey), opts.ttlHours],
      );
      return id;
    },
    async get(id) {
      if (!ID_RE.test(id)) return undefined;
      const idHash = hashSessionId(id);
      const r = await pool.query<{ client_id: string; key_sealed: string }>(
        `UPDATE console_session SET last_seen_at = now()
          WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > now()
            AND last_seen_at > now() - make_interval(mins => $2)
          RETURNING client_id, key_sealed`,
        [idHash, opts.idleMinutes],
      );
      const row = r.rows[0];
      if (!row) return undefined;
      const apiKey = unseal(opts.secret, id, row.key_sealed);
      return apiKey ? { idHash, clientId: row.client_id, apiKey } : undefined;
    },
    async end(id) {
      if (!ID_RE.test(id)) return;
      await pool.query(`UPDATE console_session SET ended_at = now() WHERE id_hash = $1 AND ended_at IS NULL`, [
        hashSessionId(id),
      ]);
    },
    async purgeExpired() {
      const r = await pool.query(
        `DELETE FROM console_session WHERE expires_at < now() - interval '1 day' OR ended_at < now() - interval '1 day'`,
      );
      return r.rowCount ?? 0;
    },
  };
}
