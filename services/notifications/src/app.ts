import type { FastifyInstance } from 'fastify';
import type { Clock, Pool } from '@lienthong/platform';
import { webhookRoutes, type Webhooks } from '@lienthong/webhooks';
import type { ZaloOaAccount } from './providers.js';
import { zaloWebhookRoute } from './zalo/webhook-route.js';
import { ledgerRoutes } from './routes/ledger-routes.js';
import { WEBHOOK_EVENT_TYPES } from './intake/classify.js';
import { receiptRoutes } from './receipts/receipt-routes.js';
import type { Receipts } from './receipts/receipts.js';

export interface AppDeps {
  /** The service's fastify instance (platform createHttpServer: auth, errors, health, metrics, OpenAPI). */
  server: FastifyInstance;
  pool: Pool;
  webhooks: Webhooks;
  zaloAccounts: Record<string, ZaloOaAccount>;
  clock: Clock;
  receipts?: Receipts | undefined;
  /** NOTIFICATIONS_ZALO_WEBHOOK_WINDOW_MS: how far a Zalo webhook's timestamp may be from now (default 15 min). */
  zaloWebhookWindowMs?: number;
}

/** Registers the service's routes (conventions §1): the ledger, Zalo's delivery webhook, webhook subscriptions. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = deps.server;
  await app.register(ledgerRoutes, { pool: deps.pool });
  await app.register(zaloWebhookRoute, {
    pool: deps.pool,
    accounts: deps.zaloAccounts,
    clock: deps.clock,
    ...(deps.zaloWebhookWindowMs ? { windowMs: deps.zaloWebhookWindowMs } : {}),
  });
  await app.register(webhookRoutes, deps.webhooks.routeOptions(WEBHOOK_EVENT_TYPES));
  if (deps.receipts) await app.register(receiptRoutes, { pool: deps.pool, receipts: deps.receipts });
  return app;
}
