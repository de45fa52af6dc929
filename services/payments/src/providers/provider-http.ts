import {
  createHttpClient,
  HttpStatusError,
  HubError,
  RetryExhaustedError,
  type HttpClient,
  type Logger,
} from '@lienthong/platform';
import { providerError, providerTimeout } from '../errors.js';

/**
 * The two HTTP clients of one provider. Neither retries by itself: a create is not safely repeatable
 * (a new attempt gets a new order reference from the caller), and a status query is repeated by the
 * next reconciliation run anyway. A breaker stops a dead provider from holding every request for the
 * whole timeout.
 */
export interface ProviderHttp {
  create: HttpClient;
  query: HttpClient;
}

const once = { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 };

export function createProviderHttp(
  name: string,
  opts: { createTimeoutMs: number; queryTimeoutMs: number; logger: Logger },
): ProviderHttp {
  return {
    create: createHttpClient({
      name: `${name}-create`,
      baseURL: '',
      timeoutMs: opts.createTimeoutMs,
      retry: once,
      breaker: { failureThreshold: 5, openMs: 30_000 },
      maxResponseBytes: 256 * 1024,
      logger: opts.logger,
    }),
    query: createHttpClient({
      name: `${name}-query`,
      baseURL: '',
      timeoutMs: opts.queryTimeoutMs,
      retry: once,
      breaker: { failureThreshold: 10, openMs: 30_000 },
      maxResponseBytes: 256 * 1024,
      logger: opts.logger,
    }),
  };
}

/** The attempt's own error: with one attempt the retrier still wraps a retriable failure in LT_RETRY_EXHAUSTED. */
export function rootCause(err: unknown): unknown {
  return err instanceof RetryExhaustedError ? (err.attempts[err.attempts.length - 1] ?? err) : err;
}

/**
 * The HTTP failure as a cause fit for logs: code and message only. The platform's errors keep axios's
 * error as their cause, and axios's error holds the request — for PayGov the INIT body with the payer's
 * name, ID and address. Today's pino serializers do not print it; this keeps it that way whatever a
 * future serializer or error reporter walks (defence in depth, Decree 13/2023).
 */
function loggableCause(root: unknown): Error {
  if (root instanceof HubError) return new HubError(root.code, root.message, { kind: root.kind, retriable: root.retriable });
  return new Error(root instanceof Error ? root.message : String(root));
}

/**
 * POSTs JSON and returns the parsed answer; provider trouble becomes LT_PAY_PROVIDER_TIMEOUT or _ERROR.
 * `answerOnStatus`: HTTP statuses whose body is still the provider's answer (MoMo refuses with a 4xx and
 * a JSON resultCode).
 */
export async function postJsonForCreate(
  http: HttpClient,
  provider: string,
  url: string,
  body: unknown,
  answerOnStatus: (status: number) => boolean = () => false,
  headers: Record<string, string> = {},
): Promise<unknown> {
  try {
    const res = await http.request<unknown>({
      method: 'POST',
      url,
      data: body,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    });
    return res.data;
  } catch (err) {
    const root = rootCause(err);
    if (root instanceof HttpStatusError && answerOnStatus(root.status)) return root.body;
    if (root instanceof HubError && root.code === 'LT_HTTP_TIMEOUT') throw providerTimeout(provider, loggableCause(root));
    throw providerError(provider, loggableCause(root));
  }
}

/** POSTs JSON for a status query; throws the platform's HubError on trouble (the adapter turns it into "no answer"). */
export async function postJsonForQuery(
  http: HttpClient,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const res = await http.request<unknown>({
    method: 'POST',
    url,
    data: body,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
  return res.data;
}
