import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { HubError } from './errors.js';
import { retry, type RetryPolicy } from './retry.js';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import type { Logger } from './logger.js';

export interface HttpClientOptions {
  /** Name of the peer, used in errors, logs, metrics and the breaker. */
  name: string;
  baseURL: string;
  /** Whole-request timeout (connect + response). Every outbound call has one. */
  timeoutMs: number;
  retry: RetryPolicy;
  breaker?: { failureThreshold: number; openMs: number };
  /** Largest response body accepted; a peer answering more is treated as failing. */
  maxResponseBytes?: number;
  headers?: Record<string, string>;
  logger?: Logger;
}

export interface HttpClient {
  readonly name: string;
  readonly breaker: CircuitBreaker | undefined;
  /**
   * Sends a request; network errors, timeouts, 408/429 and 5xx are retriable, other statuses are not
   * (they surface as LT_HTTP_STATUS with the response). The body is returned as parsed by axios;
   * callers validate it — a peer's answer is untrusted input.
   */
  request<T = unknown>(config: AxiosRequestConfig, opts?: { retry?: RetryPolicy }): Promise<AxiosResponse<T>>;
}

export class HttpStatusError extends HubError {
  readonly status: number;
  readonly body: unknown;
  constructor(name: string, status: number, body: unknown) {
    super('LT_HTTP_STATUS', `${name} answered HTTP ${status}`, {
      kind: 'upstream',
      retriable: status === 408 || status === 429 || status >= 500,
      messageVi: `${name} trả về mã HTTP ${status}`,
    });
    this.status = status;
    this.body = body;
  }
}

function toHubError(name: string, err: unknown): HubError {
  if (err instanceof HubError) return err;
  if (err instanceof AxiosError) {
    if (err.response) return new HttpStatusError(name, err.response.status, err.response.data);
    const timeout = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === AxiosError.ETIMEDOUT;
    const tooBig = err.code === AxiosError.ERR_BAD_RESPONSE && /maxContentLength/i.test(err.message);
    return new HubError(
      timeout ? 'LT_HTTP_TIMEOUT' : tooBig ? 'LT_HTTP_RESPONSE_TOO_LARGE' : 'LT_HTTP_NETWORK',
      `${name}: ${timeout ? 'timed out' : err.message}`,
      { kind: 'upstream', retriable: true, cause: err, messageVi: `${name}: lỗi kết nối` },
    );
  }
  return new HubError('LT_HTTP_NETWORK', `${name}: ${String(err)}`, { kind: 'upstream', retriable: true, cause: err });
}

/** Outbound HTTP with timeouts, a retry policy and a circuit breaker (conventions §5, §11). */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const instance: AxiosInstance = axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs,
    signal: undefined,
    maxContentLength: opts.maxResponseBytes ?? 10 * 1024 * 1024,
    maxBodyLength: 50 * 1024 * 1024,
    maxRedirects: 0,
    headers: opts.headers,
    // We decide what a status means; axios must not throw on 4xx/5xx before we can read the body.
    validateStatus: () => true,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
    transitional: { clarifyTimeoutError: true },
  });
  const breaker = opts.breaker ? createCircuitBreaker({ name: opts.name, ...opts.breaker }) : undefined;
  const once = async <T>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> => {
    let res: AxiosResponse<T>;
    try {
      res = await instance.request<T>({ ...config, signal: AbortSignal.timeout(opts.timeoutMs + 1_000) });
    } catch (err) {
      throw toHubError(opts.name, err);
    }
    if (res.status >= 400) throw new HttpStatusError(opts.name, res.status, res.data);
    return res;
  };
  return {
    name: opts.name,
    breaker,
    request<T>(config: AxiosRequestConfig, o?: { retry?: RetryPolicy }) {
      const attempt = () =>
        breaker
          ? breaker.run(
              () => once<T>(config),
              (e) => e instanceof HubError && e.retriable,
            )
          : once<T>(config);
      return retry(`${opts.name} ${config.method ?? 'GET'} ${config.url ?? ''}`, o?.retry ?? opts.retry, attempt, {
        onRetry: ({ attempt: n, delayMs, err }) =>
          opts.logger?.warn({ peer: opts.name, attempt: n, delayMs, code: (err as HubError).code }, 'retrying call'),
      });
    },
  };
}
