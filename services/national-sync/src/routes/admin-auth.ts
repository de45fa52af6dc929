import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SyncError, SyncErrorCodes } from '../errors.js';

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Guard of /v1/admin: with NATIONAL_SYNC_ADMIN_TOKEN set, a bearer token equal to it; without, only
 * loopback callers (an operator on the host, the CLI). Replays change what the portal receives, so the
 * admin API is never open to the network by default.
 */
export function adminGuard(token: string | undefined) {
  return async function guard(req: FastifyRequest): Promise<void> {
    if (token) {
      const h = req.headers.authorization;
      const given = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : '';
      if (given && sameSecret(given, token)) return;
    } else if (loopback.has(req.ip)) return;
    throw new SyncError(SyncErrorCodes.ADMIN_FORBIDDEN, 'admin API: missing or wrong credentials', {
      kind: token ? 'unauthorized' : 'forbidden',
      messageVi: 'API quản trị: thiếu hoặc sai thông tin xác thực',
    });
  };
}
