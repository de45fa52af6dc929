import { createHttpClient, HttpStatusError, RetryExhaustedError, type HttpClient } from '@lienthong/platform';

/** One server-to-server call to a merchant. */
export interface OutboundNotification {
  method: 'GET' | 'POST';
  /** Full URL, query included for GET. */
  url: string;
  /** JSON body for POST (a URLSearchParams is sent as a form). */
  body?: unknown;
  /** Extra request headers (SePay's `Authorization: Apikey …`). */
  headers?: Record<string, string>;
  /** Every notification has one: a hung merchant must not hold the peer's delivery forever. */
  timeoutMs: number;
}

export interface NotificationAnswer {
  status: number;
  body: unknown;
}

/**
 * Sends one notification and resolves with the merchant's HTTP answer (any status); rejects on a
 * transport failure or timeout. Injectable so tests can observe or replace the network.
 */
export type Notifier = (n: OutboundNotification) => Promise<NotificationAnswer>;

/**
 * The default notifier: the platform's outbound HTTP client, one attempt per call (the peer's own
 * documented schedule does the retrying), a timeout on every call, small answers only.
 */
export function createHttpNotifier(): Notifier {
  const clients = new Map<number, HttpClient>();
  const clientFor = (timeoutMs: number): HttpClient => {
    let c = clients.get(timeoutMs);
    if (!c) {
      c = createHttpClient({
        name: 'sandbox-notifier',
        baseURL: '',
        timeoutMs,
        retry: { maxAttempts: 1, minDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0 },
        maxResponseBytes: 64 * 1024,
      });
      clients.set(timeoutMs, c);
    }
    return c;
  };
  return async (n) => {
    try {
      const res = await clientFor(n.timeoutMs).request({
        method: n.method,
        url: n.url,
        data: n.body,
        ...(n.headers ? { headers: n.headers } : {}),
      });
      return { status: res.status, body: res.data };
    } catch (caught) {
      // With one attempt the retrier still wraps a retriable failure; the attempt's own error is what happened.
      const err = caught instanceof RetryExhaustedError ? caught.attempts[caught.attempts.length - 1] : caught;
      // A 4xx/5xx is an answer (VNPAY retries on it), not a transport failure.
      if (err instanceof HttpStatusError) return { status: err.status, body: err.body };
      throw err;
    }
  };
}
