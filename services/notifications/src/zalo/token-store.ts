import { createHash } from 'node:crypto';
import type { Clock, Logger, Pool } from '@lienthong/platform';
import type { SecretBox } from '@lienthong/webhooks';
import { NotifyError, NotifyErrorCodes } from '../errors.js';
import type { ZaloOaAccount } from '../providers.js';
import type { ZnsClient } from './zns-client.js';

const EARLY_MS = 5 * 60_000; // refresh ~5 min before expiry [code Z4]

/**
 * Custody of each OA's tokens (notifications-receipts.md §0, §1.4). Zalo refresh tokens are single use, so:
 * - a refresh runs inside a transaction holding the OA's row lock (one refresh at a time per OA, across
 *   processes; a second caller waits, then finds the fresh token and does not refresh again);
 * - the new pair is written and committed before the access token is used.
 * The window left: Zalo answered but the commit failed (crash between the two): the new refresh token is lost
 * and an admin must grant again (new refreshToken in the providers file, which re-seeds). Nothing avoids it but
 * a provider that accepts the old token once more.
 */
export function createTokenStore(deps: {
  pool: Pool;
  box: SecretBox;
  zns: ZnsClient;
  accounts: Record<string, ZaloOaAccount>;
  clock: Clock;
  logger: Logger;
}) {
  const inflight = new Map<string, Promise<string>>();
  const seedHash = (t: string) => createHash('sha256').update(t).digest('hex');

  async function refresh(oa: string, stale: string | undefined): Promise<string> {
    const acct = deps.accounts[oa];
    if (!acct) throw new NotifyError(NotifyErrorCodes.ZALO_TOKEN, `unknown Zalo OA ${oa}`, { kind: 'internal' });
    const c = await deps.pool.connect();
    try {
      await c.query('BEGIN');
      const row = (
        await c.query<{ access_token_sealed: string | null; access_expires_at: Date | null; refresh_token_sealed: string }>(
          'SELECT access_token_sealed, access_expires_at, refresh_token_sealed FROM notif_zalo_tokens WHERE oa = $1 FOR UPDATE',
          [oa],
        )
      ).rows[0];
      if (!row) throw new NotifyError(NotifyErrorCodes.ZALO_TOKEN, `Zalo OA ${oa} has no token row`, { kind: 'internal' });
      const now = deps.clock.now().getTime();
      if (row.access_token_sealed && row.access_expires_at && row.access_expires_at.getTime() - EARLY_MS > now) {
        const current = deps.box.open(row.access_token_sealed);
        if (current !== stale) {
          await c.query('COMMIT');
          return current; // refreshed by someone else while we waited for the lock
        }
      }
      const r = await deps.zns.refresh({
        appId: acct.appId,
        appSecret: acct.appSecret,
        refreshToken: deps.box.open(row.refresh_token_sealed),
      });
      if (!r.ok) {
        await c.query('UPDATE notif_zalo_tokens SET last_error = $2 WHERE oa = $1', [oa, `${r.code} ${r.message}`]);
        await c.query('COMMIT');
        deps.logger.error(
          { oa, code: r.code },
          'Zalo refused the refresh token: an OA admin must grant again (new refreshToken in the providers file)',
        );
        throw new NotifyError(
          NotifyErrorCodes.ZALO_REFRESH_REFUSED,
          `Zalo refused the refresh of OA ${oa}: ${r.code} ${r.message}`,
          { kind: 'upstream', retriable: true },
        );
      }
      await c.query(
        `UPDATE notif_zalo_tokens SET access_token_sealed = $2, access_expires_at = $3, refresh_token_sealed = $4, refresh_count = refresh_count + 1,
           refreshed_at = $5, last_error = NULL WHERE oa = $1`,
        [oa, deps.box.seal(r.accessToken), new Date(now + r.expiresInS * 1000), deps.box.seal(r.refreshToken), new Date(now)],
      );
      await c.query('COMMIT');
      deps.logger.info({ oa, expiresInS: r.expiresInS }, 'Zalo access token refreshed');
      return r.accessToken;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  const singleFlight = (oa: string, stale: string | undefined): Promise<string> => {
    const running = inflight.get(oa);
    if (running) return running;
    const p = refresh(oa, stale).finally(() => inflight.delete(oa));
    inflight.set(oa, p);
    return p;
  };

  return {
    /** Writes each OA's first refresh token, unless the same grant was seeded before (a new grant replaces the chain). */
    async seed(): Promise<void> {
      for (const [oa, a] of Object.entries(deps.accounts)) {
        await deps.pool.query(
          `INSERT INTO notif_zalo_tokens (oa, refresh_token_sealed, seed_hash) VALUES ($1,$2,$3)
           ON CONFLICT (oa) DO UPDATE SET refresh_token_sealed = EXCLUDED.refresh_token_sealed, seed_hash = EXCLUDED.seed_hash,
             access_token_sealed = NULL, access_expires_at = NULL, last_error = NULL
           WHERE notif_zalo_tokens.seed_hash <> EXCLUDED.seed_hash`,
          [oa, deps.box.seal(a.refreshToken), seedHash(a.refreshToken)],
        );
      }
    },
    /** A valid access token, refreshed first when missing or within 5 minutes of expiry. */
    async accessToken(oa: string): Promise<string> {
      const row = (
        await deps.pool.query<{ access_token_sealed: string | null; access_expires_at: Date | null }>(
          'SELECT access_token_sealed, access_expires_at FROM notif_zalo_tokens WHERE oa = $1',
          [oa],
        )
      ).rows[0];
      if (
        row?.access_token_sealed &&
        row.access_expires_at &&
        row.access_expires_at.getTime() - EARLY_MS > deps.clock.now().getTime()
      ) {
        return deps.box.open(row.access_token_sealed);
      }
      return singleFlight(oa, undefined);
    },
    /** After a -124 with `stale`: refresh once (unless another caller already did). */
    forceRefresh: (oa: string, stale: string) => singleFlight(oa, stale),
  };
}
export type TokenStore = ReturnType<typeof createTokenStore>;
