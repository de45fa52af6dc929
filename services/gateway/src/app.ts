import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import {
  createHttpServer,
  HubError,
  type ApiClientRegistry,
  type Logger,
  type PlatformServerOptions,
  type Registry,
} from '@lienthong/platform';
import type { EventProducer } from '@lienthong/events';
import { createIngest } from './ingest.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { ingestRoutes } from './routes/ingest-routes.js';
import type { CatalogueCheck } from './catalogue-check.js';
import { validateRoute } from './routes/validate-route.js';

export interface GatewayDeps {
  logger: Logger;
  metrics: Registry;
  producer: EventProducer;
  idempotency: IdempotencyStore;
  /** The API clients (the service passes the reloadable registry; tests one built in memory). */
  clients: ApiClientRegistry;
  /** Topic of dossier events (with the namespace prefix, if any). */
  dossierTopic: string;
  /** Readiness check of Kafka (resolves when a broker answers). */
  kafkaReady: () => Promise<void>;
  dbReady: () => Promise<void>;
  bodyLimit: number;
  maxItems: number;
  rateLimitPerMinute: number;
  now?: () => Date;
  /** The procedure catalogue check (services/operations); absent = dossiers are not checked against it. */
  catalogue?: CatalogueCheck;
  /** Server options from the platform (HTTPS from TLS_*: runService's ctx.serverOptions); absent = plain HTTP. */
  server?: PlatformServerOptions;
}

/**
 * Builds the gateway (design.md flow 1) without listening: tests use app.inject(), src/service.ts passes
 * the real dependencies. Authentication is the platform's auth plugin: every route declares its access.
 */
export async function buildApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const app = await createHttpServer({
    ...deps.server,
    name: 'Liên Thông Hub gateway',
    description:
      'HTTP ingress from provincial one-stop systems: dossier packets to Kafka, checked against the national standard.',
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: deps.bodyLimit,
    readiness: { kafka: deps.kafkaReady, postgres: deps.dbReady },
    auth: { clients: deps.clients },
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler', // after authentication (onRequest): the limit is per API client, not per IP
    timeWindow: 60_000,
    max: (req) => req.apiClient?.rateLimitPerMinute ?? deps.rateLimitPerMinute,
    keyGenerator: (req) => req.apiClient?.id ?? req.ip,
    errorResponseBuilder: (_req, ctx) =>
      new HubError(
        'LT_GATEWAY_RATE_LIMITED',
        `rate limit of ${ctx.max} requests per minute exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        {
          kind: 'rate_limited',
          retriable: true,
          messageVi: `Vượt giới hạn ${ctx.max} yêu cầu mỗi phút; thử lại sau ${Math.ceil(ctx.ttl / 1000)} giây`,
        },
      ),
  });
  const ingest = createIngest({ producer: deps.producer, topic: deps.dossierTopic, maxItems: deps.maxItems, now: deps.now });
  ingestRoutes(app, {
    ingest,
    idempotency: deps.idempotency,
    metrics: deps.metrics,
    ...(deps.catalogue ? { catalogue: deps.catalogue } : {}),
  });
  validateRoute(app, deps.catalogue ? { catalogue: deps.catalogue } : {});
  return app;
}
