import type { Clock, Logger } from '@lienthong/platform';
import type pg from 'pg';
import { createSecretBox } from './secret-box.js';
import { createTargetGuard, type TargetGuard } from './ssrf.js';
import { createWebhookSender, type WebhookSender } from './sender.js';
import {
  createSubscriptionStore,
  enqueueWebhookEvent,
  type Queryable,
  type SubscriptionStore,
  type WebhookEvent,
} from './store.js';
import { createWebhookDispatcher, type WebhookDispatcher } from './dispatcher.js';
import { defaultDeliveryRetryPolicy, type DeliveryRetryPolicy } from './backoff.js';
import { parseNetworks, refuseWebhooksDevelopmentSettings } from './config.js';
import type { WebhookRoutesOptions } from './routes.js';

export interface WebhooksOptions {
  pool: pg.Pool;
  logger: Logger;
  clock: Clock;
  /** The calling service's name: its deliveries are the ones its dispatcher sends. */
  origin: string;
  secretKey: string;
  allowHttp: boolean;
  /** Comma-separated CIDRs, or a list. */
  allowedNetworks: string | readonly string[];
  timeoutMs: number;
  retryHours?: number;
  secretOverlapHours?: number;
  /** `process.env.NODE_ENV` by default: `production` refuses allowHttp (refuseWebhooksDevelopmentSettings). */
  nodeEnv?: string | undefined;
  /** Test seam: replaces the HTTP sender. */
  send?: WebhookSender;
  pollMs?: number;
  random?: () => number;
}

export interface Webhooks {
  store: SubscriptionStore;
  guard: TargetGuard;
  dispatcher: WebhookDispatcher;
  policy: DeliveryRetryPolicy;
  /** Queues `event` for every matching subscription, inside the caller's transaction when `db` is one. */
  enqueue(db: Queryable, event: WebhookEvent, agency: string): Promise<number>;
  /** Options for `app.register(webhookRoutes, …)`. */
  routeOptions(eventTypes?: readonly string[]): WebhookRoutesOptions;
}

/** Builds the webhooks machinery of one service from its config (factories, conventions §2). */
export function createWebhooks(o: WebhooksOptions): Webhooks {
  // At the root, so no service that delivers webhooks can start in production with http allowed.
  refuseWebhooksDevelopmentSettings({ WEBHOOKS_ALLOW_HTTP: o.allowHttp }, o.nodeEnv ?? process.env.NODE_ENV);
  const guard = createTargetGuard({
    allowHttp: o.allowHttp,
    allowedNetworks: typeof o.allowedNetworks === 'string' ? parseNetworks(o.allowedNetworks) : o.allowedNetworks,
  });
  const store = createSubscriptionStore({ db: o.pool, box: createSecretBox(o.secretKey), clock: o.clock });
  const policy: DeliveryRetryPolicy = { ...defaultDeliveryRetryPolicy, retryForMs: (o.retryHours ?? 72) * 3_600_000 };
  const dispatcher = createWebhookDispatcher({
    pool: o.pool,
    store,
    send: o.send ?? createWebhookSender({ guard, timeoutMs: o.timeoutMs }),
    clock: o.clock,
    logger: o.logger,
    origin: o.origin,
    policy,
    leaseMs: Math.max(30_000, o.timeoutMs * 3),
    ...(o.pollMs ? { pollMs: o.pollMs } : {}),
    ...(o.random ? { random: o.random } : {}),
  });
  return {
    store,
    guard,
    dispatcher,
    policy,
    enqueue: (db, event, agency) => enqueueWebhookEvent(db, { origin: o.origin, agency, event, clock: o.clock, policy }),
    routeOptions: (eventTypes) => ({
      store,
      guard,
      dispatcher,
      pool: o.pool,
      secretOverlapMs: (o.secretOverlapHours ?? 24) * 3_600_000,
      ...(eventTypes ? { eventTypes } : {}),
    }),
  };
}
