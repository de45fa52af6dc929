/**
 * Retry schedule of a delivery (conventions §5: policy as data). Delay after failed attempt n (1-based) =
 * min(maxDelayMs, firstDelayMs * factor^(n-1)) ± jitter; the delivery is retried until `retryForMs` after it
 * was queued (default 72 h, above the ≥ 24 h the issue asks), then marked failed for an operator to redeliver.
 * With the defaults: 10 s, 20 s, 40 s, … 1 h cap reached after ~9 attempts, then hourly: ~80 attempts in 72 h.
 */
export interface DeliveryRetryPolicy {
  firstDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** 0..1: the delay is drawn uniformly in [delay·(1-jitter), delay]. */
  jitter: number;
  retryForMs: number;
}

export const defaultDeliveryRetryPolicy: DeliveryRetryPolicy = Object.freeze({
  firstDelayMs: 10_000,
  factor: 2,
  maxDelayMs: 60 * 60_000,
  jitter: 0.2,
  retryForMs: 72 * 60 * 60_000,
});

export function deliveryBackoff(policy: DeliveryRetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - policy.jitter * random()));
}
