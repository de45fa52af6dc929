import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import {
  createHttpServer,
  HubError,
  type ApiClientRegistry,
  type Clock,
  type Logger,
  type PlatformServerOptions,
  type Registry,
} from '@lienthong/platform';
import type { PaymentsCore } from './core.js';
import { paymentRoutes } from './routes/payment-routes.js';
import { vnpayIpnRoute } from './routes/vnpay-ipn-route.js';
import { momoIpnRoute } from './routes/momo-ipn-route.js';
import { paygovConfirmRoute } from './routes/paygov-confirm-route.js';
import { returnPages } from './routes/return-pages.js';
import { adminRoutes } from './routes/admin-routes.js';
import { vnptpayIpnRoute } from './routes/vnptpay-ipn-route.js';
import { bankTransferRoutes } from './routes/bank-transfer-routes.js';
import { transferAdminRoutes } from './routes/transfer-admin-routes.js';
import { refundRoutes } from './routes/refund-routes.js';
import { readRoutes } from './routes/read-routes.js';
import type { createTaxNoticeObligations } from './obligations/tax-notices.js';

export interface PaymentsAppDeps {
  core: PaymentsCore;
  /** The API clients (the reloadable registry in production, so keys rotate without a restart). */
  clients: ApiClientRegistry;
  logger: Logger;
  metrics: Registry;
  clock: Clock;
  readiness: Record<string, () => Promise<void>>;
  bodyLimit: number;
  rateLimitPerMinute: number;
  /** PAYMENTS_PUBLIC_URL: the citizen's status page refreshes to it. */
  publicUrl: string;
  /** Tax notices from the national portal, shown as obligations (GET /v1/payments/obligations). */
  obligations?: ReturnType<typeof createTaxNoticeObligations>;
  /** Server options from the platform (HTTPS from TLS_*: runService's ctx.serverOptions); absent = plain HTTP. */
  server?: PlatformServerOptions;
}

/** Builds the payments service (design.md flow 3) without listening: tests use app.inject() or listen on port 0. */
export async function buildApp(deps: PaymentsAppDeps): Promise<FastifyInstance> {
  const app = await createHttpServer({
    ...deps.server,
    name: 'Liên Thông Hub payments',
    description:
      'Fees paid online through VNPAY, MoMo, PayGov, VNPT Pay and VietQR bank transfers: payment creation, provider notifications, reconciliation, refunds.',
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: deps.bodyLimit,
    readiness: deps.readiness,
    // A hostile IPN must not hold a connection: providers answer within seconds.
    requestTimeoutMs: 15_000,
    // The shared auth model (packages/platform auth-plugin.ts): every route below declares its access.
    auth: { clients: deps.clients },
  });
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler', // after authentication: the limit is per API client
    errorResponseBuilder: (_req, ctx) =>
      new HubError(
        'LT_PAY_RATE_LIMITED',
        `rate limit of ${ctx.max} requests per minute exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        {
          kind: 'rate_limited',
          retriable: true,
          messageVi: `Vượt giới hạn ${ctx.max} yêu cầu mỗi phút; thử lại sau ${Math.ceil(ctx.ttl / 1000)} giây`,
        },
      ),
  });
  const { core } = deps;
  paymentRoutes(app, {
    creator: core.creator,
    store: core.store,
    idempotency: core.idempotency,
    rateLimitPerMinute: deps.rateLimitPerMinute,
  });
  vnpayIpnRoute(app, { vnpay: core.vnpay, settlement: core.settlement, metrics: core.metrics });
  momoIpnRoute(app, { momo: core.momo, settlement: core.settlement, metrics: core.metrics });
  paygovConfirmRoute(app, { paygov: core.paygov, settlement: core.settlement, metrics: core.metrics });
  vnptpayIpnRoute(app, { vnptpay: core.vnptpay, settlement: core.settlement, metrics: core.metrics, clock: deps.clock });
  bankTransferRoutes(app, { merchants: core.merchants, transfers: core.transfers, metrics: core.metrics });
  returnPages(app, {
    store: core.store,
    merchants: core.merchants,
    publicUrl: deps.publicUrl,
    vnpay: core.vnpay,
    momo: core.momo,
  });
  transferAdminRoutes(app, { transfers: core.transfers });
  refundRoutes(app, { store: core.store, refunds: core.refunds, idempotency: core.idempotency });
  adminRoutes(app, { reconciler: core.reconciler, store: core.store, settlement: core.settlement, clock: deps.clock });
  readRoutes(app, { store: core.store });
  deps.obligations?.routes(app);
  return app;
}
