import { createHash, timingSafeEqual } from 'node:crypto';
import { fail, ok, type ServiceContext, type ServiceOutcome } from './outcome.js';

const digest = (s: string) => createHash('sha256').update(s).digest();
// Compared as digests so the time taken says nothing about the credential (a habit worth keeping even here).
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * Adapter-style login [code S1 §1.1]: `{username, password}` → `{error_code: 0, session}`. We also send
 * `expires` (ISO 8601) because OpenCPS caches the session until a stored expiry [code S1]; the field's
 * real name and format are unknown [inf]. Wrong credentials answer -1 in the body (HTTP 200), the way
 * the portal answers every refusal [inf].
 */
export function login(ctx: ServiceContext, body: Record<string, unknown>, now: number): ServiceOutcome {
  const { username, password } = body;
  if (typeof username !== 'string' || typeof password !== 'string' || username.length > 200 || password.length > 500) {
    return fail('Thiếu tên đăng nhập hoặc mật khẩu');
  }
  if (!(same(username, ctx.cfg.username) && same(password, ctx.cfg.password))) {
    return fail('Tên đăng nhập hoặc mật khẩu không đúng');
  }
  const expiresAt = now + ctx.cfg.sessionTtlMs;
  const session = ctx.store.openSession(expiresAt);
  return {
    ...ok('Đăng nhập thành công', undefined, { maHoSo: [], items: 0 }),
    extra: { session, expires: new Date(expiresAt).toISOString() },
  };
}
