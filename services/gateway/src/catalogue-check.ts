import type { Logger } from '@lienthong/platform';
import type { ValidationIssue } from '@lienthong/standard';

/**
 * The procedure catalogue's word on a request (issue 9 §6), asked of services/operations, which syncs the
 * national catalogue (LayDanhSachTTHC, LayThuTuc): an unknown MaTTHC, or a fee that is not in the procedure's
 * fee list, is a WARNING in the 202 and in /v1/validate — never silently dropped, and never a refusal unless
 * the dossier's agency is configured to refuse there (OPERATIONS_CATALOGUE_REFUSE_AGENCIES; those findings
 * come back as errors and the request is refused like a schema error).
 *
 * The catalogue must never stop ingest: a slow, failing or absent operations service gives one warning,
 * LT_CATALOGUE_NOT_CHECKED, and the request goes on. The call has a short timeout (GATEWAY_CATALOGUE_TIMEOUT_MS).
 * After a call that found no service (refused, timed out, a 5xx, or 401/403: a key operations does not
 * take), the check is not tried again for a while — 1 s, doubling to 30 s while it keeps failing — and
 * requests meanwhile get the same warning at once: an absent operations service must not cost every request
 * a connection attempt and a log line (issue 16's whole-hub bench, which runs without operations, spent more
 * of the gateway's CPU on that than on ingest). One line when it stops answering, one when it is back.
 */
export interface CatalogueCheck {
  /** Findings for the request's items; paths relative to the body as the request gave it. */
  check(items: readonly unknown[], single: boolean): Promise<{ errors: ValidationIssue[]; warnings: ValidationIssue[] }>;
}

export interface CatalogueCheckOptions {
  /** Base URL of services/operations (its POST /v1/catalogue/check). */
  url: string;
  /** The gateway's own API key at operations (a viewer is enough). */
  apiKey: string;
  timeoutMs: number;
  logger: Logger;
  /** First pause after a failed call (default 1 s); doubles per failure up to 30 s. */
  retryAfterMs?: number;
}

const notChecked = (why: string): ValidationIssue => ({
  path: '',
  code: 'LT_CATALOGUE_NOT_CHECKED',
  message: 'Chưa đối chiếu được với danh mục thủ tục hành chính (dịch vụ danh mục không trả lời); hồ sơ vẫn được tiếp nhận',
  message_en: `not checked against the procedure catalogue (${why}); the request was still accepted`,
});

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

export function createCatalogueCheck(opts: CatalogueCheckOptions): CatalogueCheck {
  const endpoint = new URL('/v1/catalogue/check', opts.url).toString();
  const log = opts.logger.child({ component: 'catalogue-check' });
  const firstPauseMs = opts.retryAfterMs ?? 1_000;
  let pauseMs = 0; // 0: the service answers
  let pausedUntil = 0;
  let pausedWhy = '';
  function unavailable(why: string, status?: number): { errors: ValidationIssue[]; warnings: ValidationIssue[] } {
    if (pauseMs === 0) log.warn({ why, status }, 'catalogue check not answered; requests accepted unchecked until it answers');
    pauseMs = pauseMs === 0 ? firstPauseMs : Math.min(pauseMs * 2, 30_000);
    pausedUntil = Date.now() + pauseMs;
    pausedWhy = why;
    return { errors: [], warnings: [notChecked(why)] };
  }
  return {
    async check(items, single) {
      if (pauseMs > 0 && Date.now() < pausedUntil) return { errors: [], warnings: [notChecked(pausedWhy)] };
      let answer: unknown;
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ items }),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        if (!res.ok) {
          await res.arrayBuffer().catch(() => undefined);
          if (res.status >= 500 || res.status === 401 || res.status === 403) return unavailable(`HTTP ${res.status}`, res.status);
          log.warn({ status: res.status }, 'catalogue check answered an error status; request accepted unchecked');
          return { errors: [], warnings: [notChecked(`HTTP ${res.status}`)] };
        }
        answer = await res.json().catch(() => undefined);
      } catch (err) {
        return unavailable((err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable');
      }
      if (pauseMs > 0) log.info('catalogue check answers again');
      pauseMs = 0;
      // The answer is a peer's: read defensively, keep only well-formed findings.
      const list = (answer as { warnings?: unknown } | null)?.warnings;
      if (!Array.isArray(list)) return { errors: [], warnings: [notChecked('unexpected answer')] };
      const errors: ValidationIssue[] = [];
      const warnings: ValidationIssue[] = [];
      for (const w of list.slice(0, 1_000)) {
        if (!w || typeof w !== 'object') continue;
        const f = w as Record<string, unknown>;
        const code = str(f.code, 80);
        if (!/^LT_[A-Z0-9_]+$/.test(code)) continue;
        const raw = str(f.path, 400);
        // operations numbers every item (`/0/MaTTHC`); a single-object body has no index in its paths.
        const path = single ? raw.replace(/^\/0(?=\/|$)/, '') : raw;
        const issue: ValidationIssue = { path, code, message: str(f.message, 500), message_en: str(f.message_en, 500) };
        (f.level === 'error' ? errors : warnings).push(issue);
      }
      return { errors, warnings };
    },
  };
}
