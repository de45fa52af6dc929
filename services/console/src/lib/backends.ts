/**
 * Calls from the console to the hub's services, always with a timeout and always as the signed-in
 * operator (their own key, see sessions.ts). A service that is absent, times out or answers 5xx gives
 * `{ ok: false, unavailable: true }`, and the page says "dịch vụ chưa sẵn sàng" instead of failing.
 */
export type ServiceName =
  'gateway' | 'national-sync' | 'payments' | 'citizen-data' | 'operations' | 'notifications' | 'postal' | 'inbound' | 'sandbox';

export type BackendResult<T = unknown> =
  | { ok: true; status: number; body: T }
  | { ok: false; unavailable: false; status: number; body: unknown }
  | { ok: false; unavailable: true; status?: number; error: string };

export interface BackendCall {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  key?: string;
  headers?: Record<string, string>;
}

export interface Backends {
  url(service: ServiceName): string | undefined;
  call<T = unknown>(service: ServiceName, path: string, init?: BackendCall): Promise<BackendResult<T>>;
  /** GET of a plain-text resource (/metrics); undefined when the service does not answer 2xx. */
  text(service: ServiceName, path: string, key?: string): Promise<string | undefined>;
}

const MAX_BODY = 5 * 1024 * 1024;

export function createBackends(urls: Partial<Record<ServiceName, string>>, timeoutMs: number): Backends {
  const base = (s: ServiceName) => urls[s]?.replace(/\/+$/, '');
  return {
    url: base,
    async call<T>(service: ServiceName, path: string, init: BackendCall = {}): Promise<BackendResult<T>> {
      const b = base(service);
      if (!b) return { ok: false, unavailable: true, error: 'not configured' };
      const u = new URL(b + path);
      for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (init.key) headers.authorization = `Bearer ${init.key}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      Object.assign(headers, init.headers ?? {});
      try {
        const res = await fetch(u, {
          method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
          headers,
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        const text = await res.text();
        if (text.length > MAX_BODY) return { ok: false, unavailable: true, status: res.status, error: 'answer too large' };
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        if (res.status >= 500 || (res.status === 404 && body === undefined))
          return { ok: false, unavailable: true, status: res.status, error: `HTTP ${res.status}` };
        if (res.status >= 400) return { ok: false, unavailable: false, status: res.status, body };
        return { ok: true, status: res.status, body: body as T };
      } catch (err) {
        return {
          ok: false,
          unavailable: true,
          error: (err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message,
        };
      }
    },
    async text(service, path, key) {
      const b = base(service);
      if (!b) return undefined;
      try {
        const res = await fetch(b + path, {
          signal: AbortSignal.timeout(timeoutMs),
          ...(key ? { headers: { authorization: `Bearer ${key}` } } : {}),
        });
        if (!res.ok) return undefined;
        const text = await res.text();
        return text.length > MAX_BODY ? undefined : text;
      } catch {
        return undefined;
      }
    },
  };
}

/** A service's error message in the page's language, from the hub's error format `{error, message, message_en}`. */
export function backendMessage(body: unknown, lang: 'vi' | 'en'): string {
  const b = (body ?? {}) as { error?: unknown; message?: unknown; message_en?: unknown };
  const m = lang === 'en' ? (b.message_en ?? b.message) : (b.message ?? b.message_en);
  const code = typeof b.error === 'string' ? `${b.error}: ` : '';
  return `${code}${typeof m === 'string' ? m : ''}`.slice(0, 500) || 'error';
}

/** The action log's outcome of a call to a service: done, refused by the service, or the service not answering. */
export const outcomeOf = (r: BackendResult): 'ok' | 'failed' | 'refused' => (r.ok ? 'ok' : r.unavailable ? 'failed' : 'refused');

/** The HTTP status and the message a page shows for a call that did not succeed (502 when the service did not answer). */
export function failureOf(
  r: Exclude<BackendResult, { ok: true }>,
  lang: 'vi' | 'en',
  unavailableText: string,
): { status: number; message: string } {
  return r.unavailable ? { status: 502, message: unavailableText } : { status: r.status, message: backendMessage(r.body, lang) };
}
