import {
  createHttpClient,
  HttpStatusError,
  HubError,
  RetryExhaustedError,
  retry,
  isRetriable,
  type HttpClient,
} from '@lienthong/platform';
import { DvcqgError, DvcqgErrorCodes } from './errors.js';
import { readAnswer, type PortalEnvelope } from './read-answer.js';
import type { ResolvedDvcqgOptions } from './options.js';

/** Posts one JSON body to a portal path and decodes the envelope, with the client's transport retry. */
export interface DvcqgTransport {
  post(path: string, body: Record<string, unknown>, service: string): Promise<PortalEnvelope>;
}

const BODY_SNIPPET = 200;

/**
 * Keeps errors small: HttpStatusError carries the peer's body, which for a 5xx may be a megabyte of
 * HTML and ends up in logs through the `err` serializer. We keep its first 200 characters.
 */
function trimmed(err: unknown): unknown {
  if (err instanceof HttpStatusError && typeof err.body === 'string' && err.body.length > BODY_SNIPPET) {
    return new HttpStatusError('dvcqg', err.status, `${err.body.slice(0, BODY_SNIPPET)}…`);
  }
  return err;
}

/**
 * The attempt's own error. The platform's retrier wraps even a single failed attempt in
 * LT_RETRY_EXHAUSTED once attempts run out; the contract promises LT_HTTP_TIMEOUT, LT_DVCQG_BAD_RESPONSE…
 */
function unwrap(err: unknown): unknown {
  let e = err;
  while (e instanceof RetryExhaustedError) e = e.cause;
  return e;
}

function tooLarge(service: string, max: number, cause: unknown): DvcqgError {
  return new DvcqgError(DvcqgErrorCodes.BAD_RESPONSE, `DVCQG ${service}: response body larger than ${max} bytes`, {
    retriable: true,
    service,
    cause,
    messageVi: `DVCQG ${service}: phản hồi lớn quá ${max} byte`,
  });
}

export function createDvcqgTransport(o: ResolvedDvcqgOptions): DvcqgTransport {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
  if (o.dstcode) headers.dstcode = o.dstcode; // [code S1]
  const http: HttpClient = createHttpClient({
    name: 'dvcqg',
    baseURL: o.baseUrl,
    timeoutMs: o.timeoutMs,
    // Retries are done below, around request + decoding, so a garbled body is retried like a dropped socket.
    retry: { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 },
    breaker: o.breaker,
    maxResponseBytes: o.maxResponseBytes,
    headers,
    logger: o.logger,
  });

  const once = async (path: string, body: Record<string, unknown>, service: string): Promise<PortalEnvelope> => {
    try {
      const res = await http.request<string>({
        method: 'POST',
        url: path,
        data: JSON.stringify(body),
        // Raw text: we must see HTML pages and broken JSON ourselves to say what was wrong.
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
      });
      const ct = res.headers['content-type'];
      return readAnswer(service, res.data, typeof ct === 'string' ? ct : undefined);
    } catch (caught) {
      const err = unwrap(caught);
      if (err instanceof HubError && err.code === 'LT_HTTP_RESPONSE_TOO_LARGE') throw tooLarge(service, o.maxResponseBytes, err);
      throw trimmed(err);
    }
  };

  return {
    async post(path, body, service) {
      const started = Date.now();
      try {
        return await retry(`dvcqg ${service}`, o.retry, () => once(path, body, service), {
          shouldRetry: (err) => isRetriable(err),
          onRetry: ({ attempt, delayMs, err }) =>
            o.logger.warn({ service, attempt, delayMs, code: (err as HubError).code }, 'dvcqg call failed, retrying'),
        });
      } catch (err) {
        // The earlier attempts were logged as they happened (onRetry).
        const last = unwrap(err);
        o.logger.warn({ service, code: (last as HubError).code, ms: Date.now() - started, err: last }, 'dvcqg call failed');
        throw last;
      }
    },
  };
}
