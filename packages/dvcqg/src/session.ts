import { HttpStatusError, HubError } from '@lienthong/platform';
import { DvcqgError, DvcqgErrorCodes } from './errors.js';
import { isPortalSuccess } from './portal-codes.js';
import { firstSchemaError, validateLoginAnswer } from './response-schemas.js';
import type { DvcqgTransport } from './transport.js';
import type { ResolvedDvcqgOptions } from './options.js';

export interface DvcqgSession {
  token: string;
  /** When the portal said it expires (or our default TTL after login). */
  expiresAt: number;
  /** When we stop using it and log in again, a margin before expiresAt. */
  renewAt: number;
}

export interface SessionManager {
  /** The cached session, or a fresh login; concurrent callers share one login (single flight). */
  get(): Promise<DvcqgSession>;
  /** Drops the cached session; with `token`, only if it is still that one (a concurrent re-login may have replaced it). */
  invalidate(token?: string): void;
}

const MAX_SESSION_MS = 24 * 3_600_000;

/**
 * Expiry of a login answer. The shape is not in public code: OpenCPS stores an expiry date it gets from
 * somewhere it does not show [code S1], so we accept the plausible forms [inf]: `expires` as an ISO 8601
 * string, a `yyyyMMddHHmmss` local (UTC+7, reference §2) string, or epoch milliseconds; `expires_in` in
 * seconds. Anything else (or nothing) → the configured default TTL. Capped at 24 h.
 */
export function expiryOf(body: Record<string, unknown>, nowMs: number, defaultTtlMs: number): number {
  let at: number | undefined;
  const e = body.expires;
  if (typeof e === 'number' && Number.isFinite(e) && e > 1e12) at = e;
  else if (typeof e === 'string' && /^\d{14}$/.test(e)) {
    const [y, mo, d, h, mi, s] = [e.slice(0, 4), e.slice(4, 6), e.slice(6, 8), e.slice(8, 10), e.slice(10, 12), e.slice(12, 14)];
    at = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}+07:00`);
  } else if (typeof e === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(e)) at = Date.parse(e);
  if ((at === undefined || Number.isNaN(at)) && typeof body.expires_in === 'number' && body.expires_in > 0) {
    at = nowMs + body.expires_in * 1_000;
  }
  if (at === undefined || Number.isNaN(at) || at <= nowMs) return nowMs + defaultTtlMs;
  return Math.min(at, nowMs + MAX_SESSION_MS);
}

function loginFailed(
  message: string,
  retriable: boolean,
  extra: { cause?: unknown; portalCode?: string; portalMessage?: string } = {},
): DvcqgError {
  return new DvcqgError(DvcqgErrorCodes.LOGIN_FAILED, message, {
    retriable,
    kind: retriable ? 'upstream' : 'unauthorized',
    messageVi: retriable ? 'Không đăng nhập được Cổng DVCQG (lỗi kết nối)' : 'Cổng DVCQG từ chối đăng nhập',
    service: 'login',
    ...extra,
  });
}

/**
 * Adapter-style session [code S1 §1.1]: POST `{username, password}` → `{error_code: 0, session}`, cached
 * until its expiry like OpenCPS's AccessToken table, renewed a margin before it (as the Đồng Tháp LGSP
 * client renews under 5 min before expiry [code S7]).
 */
export function createSessionManager(o: ResolvedDvcqgOptions, transport: DvcqgTransport): SessionManager {
  let current: DvcqgSession | undefined;
  let inFlight: Promise<DvcqgSession> | undefined;

  const login = async (): Promise<DvcqgSession> => {
    const started = o.clock.now().getTime();
    let env;
    try {
      env = await transport.post(o.paths.auth, { username: o.username, password: o.password }, 'login');
    } catch (err) {
      if (err instanceof HttpStatusError && (err.status === 401 || err.status === 403)) {
        throw loginFailed(`DVCQG login refused: HTTP ${err.status}`, false, { cause: err });
      }
      if (err instanceof DvcqgError) throw err; // LT_DVCQG_BAD_RESPONSE: a garbled login answer, retriable
      const code = err instanceof HubError ? err.code : 'error';
      throw loginFailed(`DVCQG login failed: ${code}`, err instanceof HubError ? err.retriable : true, { cause: err });
    }
    if (!isPortalSuccess(env.code)) {
      // The portal answered and said no: wrong credentials or a locked account; retrying will not help.
      throw loginFailed(`DVCQG login refused: error_code ${env.code}`, false, {
        portalCode: env.code,
        portalMessage: env.message,
      });
    }
    if (!validateLoginAnswer(env.body) || typeof env.body.session !== 'string') {
      const what = env.body.session === undefined ? 'no session' : firstSchemaError(validateLoginAnswer);
      throw new DvcqgError(DvcqgErrorCodes.BAD_RESPONSE, `DVCQG login: answer without a usable session (${what})`, {
        retriable: true,
        service: 'login',
        messageVi: 'Cổng DVCQG trả về phiên đăng nhập không hợp lệ',
      });
    }
    const now = o.clock.now().getTime();
    const expiresAt = expiryOf(env.body, now, o.sessionTtlMs);
    const ttl = expiresAt - now;
    const renewAt = expiresAt - Math.min(o.sessionRenewMarginMs, Math.floor(ttl / 2));
    o.logger.info({ expiresAt: new Date(expiresAt).toISOString(), ms: now - started }, 'dvcqg login ok');
    return { token: env.body.session, expiresAt, renewAt };
  };

  return {
    get() {
      if (current && o.clock.now().getTime() < current.renewAt) return Promise.resolve(current);
      if (!inFlight) {
        inFlight = login()
          .then((s) => {
            current = s;
            return s;
          })
          .finally(() => {
            inFlight = undefined;
          });
      }
      return inFlight;
    },
    invalidate(token) {
      if (token === undefined || current?.token === token) current = undefined;
    },
  };
}
