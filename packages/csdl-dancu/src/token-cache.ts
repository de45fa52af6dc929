/**
 * A bearer token fetched once and shared by concurrent callers, renewed `renewBeforeMs` before the expiry
 * the token endpoint announced (or after `defaultTtlMs` when it announced none), and dropped on demand
 * when a data call answers 401 (the LGSP/NGSP token patterns of reference §1.3; the Đồng Tháp client
 * renews 5 minutes early [code S7]). Used by the population-DB and the business-registry clients.
 */
export interface TokenCache {
  /** A valid token, fetching one if none is cached (one fetch however many callers wait). */
  get(): Promise<string>;
  /** Forgets the token (the peer said it expired); the next get() fetches a new one. */
  invalidate(token: string): void;
}

export interface FetchedToken {
  token: string;
  /** Lifetime announced by the endpoint (expires_in), in ms. */
  ttlMs?: number;
}

export function createTokenCache(opts: {
  fetch: () => Promise<FetchedToken>;
  now?: () => number;
  renewBeforeMs?: number;
  defaultTtlMs?: number;
}): TokenCache {
  const now = opts.now ?? Date.now;
  const renewBefore = opts.renewBeforeMs ?? 60_000;
  let current: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  return {
    get() {
      if (current && now() < current.renewAt) return Promise.resolve(current.token);
      inFlight ??= (async () => {
        try {
          const t = await opts.fetch();
          const ttl = t.ttlMs ?? opts.defaultTtlMs ?? 300_000;
          current = { token: t.token, renewAt: now() + Math.max(1_000, ttl - renewBefore) };
          return t.token;
        } finally {
          inFlight = undefined;
        }
      })();
      return inFlight;
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
    },
  };
}
