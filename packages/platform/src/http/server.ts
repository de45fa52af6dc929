import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body as received (text), set by the platform's JSON parser. */
    rawBody: string | undefined;
  }
}
import underPressure from '@fastify/under-pressure';
import swagger from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { installErrorHandler, errorBody } from './error-handler.js';
import { parseGuardedJson, defaultJsonGuardLimits, type JsonGuardLimits } from '../json-guard.js';
import { Histogram, type Registry } from '../metrics.js';
import { HubError } from '../errors.js';
import { installAuth, type AuthOptions } from '../auth/auth-plugin.js';
import type { HttpsOptions } from './tls.js';

export type ReadinessCheck = () => Promise<void> | void;

export interface HttpServerOptions {
  name: string;
  version?: string;
  description?: string;
  logger: Logger;
  metrics: Registry;
  /** Largest request body in bytes (413 above it). */
  bodyLimit?: number;
  jsonLimits?: JsonGuardLimits;
  /** Named checks run by /health/ready; any throwing makes it 503. */
  readiness?: Record<string, ReadinessCheck>;
  /** Event-loop delay above which requests get 503 instead of queuing (under-pressure). */
  maxEventLoopDelayMs?: number;
  /** Longest a request may take (fastify's requestTimeout). */
  requestTimeoutMs?: number;
  /**
   * The shared auth model (auth/auth-plugin.ts): every route must then declare `config.access`. Required
   * of every service; `false` only for the sandbox, whose peers authenticate with their own protocols.
   */
  auth: AuthOptions | false;
  /** Serve HTTPS with these (http/tls.ts, from the TLS_* settings); absent = plain HTTP. */
  https?: HttpsOptions;
}

/**
 * The part of a server's options the platform derives from a service's config (today: HTTPS from the
 * TLS_* settings). runService hands it to a service as `ctx.serverOptions`; a service that builds its
 * server in its own buildApp passes it through to createHttpServer, so every service gets its server
 * options one way (issue 11 §5).
 */
export type PlatformServerOptions = Pick<HttpServerOptions, 'https'>;

const PUBLIC_OPS = { access: { public: 'operations endpoint (no data)' } } as const;

/**
 * The fastify instance every HTTP service starts from: guarded JSON parsing (depth, NUL, proto keys),
 * one error format, request ids, load shedding, OpenAPI at /docs/json, /health/live, /health/ready,
 * /metrics with a request-duration histogram. Services add their routes to it in their buildApp.
 */
export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  // With `https`, fastify serves TLS; its typings then name an https.Server, which the routes never see.
  const app = Fastify({
    ...(opts.https ? { https: opts.https } : {}),
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    // fastify's two lines per request ('incoming request', 'request completed') only when the service logs at
    // debug. Issue 16 measured them (`npm run bench -- gateway` with BENCH_LEVERS=debug) at up to ~20% of the
    // gateway's 1-item throughput in one run and within the noise in another, on a shared 2-core box: two JSON
    // lines per request are pure cost at thousands of requests/s. Refusals (4xx, 'request refused') and failures
    // (5xx) are still logged by the error handler, and every request is counted with its duration in /metrics.
    logController: new LogController({ disableRequestLogging: () => !opts.logger.isLevelEnabled('debug') }),
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
  });
  const limits = opts.jsonLimits ?? defaultJsonGuardLimits;

  // JSON only (design.md, Contracts/HTTP): anything else is 415. A peer plugin that must take forms or
  // text (a payment page's button) adds its own parser inside its encapsulated scope.
  app.removeAllContentTypeParsers();
  app.decorateRequest('rawBody', undefined);
  const parseJson = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      const text = body.toString();
      // Kept for fingerprints (idempotency) so handlers need not serialize the parsed body again.
      req.rawBody = text;
      done(null, parseGuardedJson(text, limits));
    } catch (err) {
      done(err as HubError, undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser(/^application\/[\w.+-]*\+json$/, { parseAs: 'string' }, parseJson);

  installErrorHandler(app);
  if (opts.auth) installAuth(app, opts.auth);

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [opts.metrics],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    if (route === '/metrics' || route.startsWith('/health')) return;
    duration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  await app.register(underPressure, {
    maxEventLoopDelay: opts.maxEventLoopDelayMs ?? 1_000,
    exposeStatusRoute: false,
    pressureHandler: (_req, reply) => {
      reply
        .status(503)
        .header('retry-after', '1')
        .send(errorBody('LT_HTTP_OVERLOADED', 'Hệ thống đang quá tải, vui lòng thử lại', 'server overloaded, retry shortly'));
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: opts.name, version: opts.version ?? '0.1.0', description: opts.description ?? '' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get('/docs/json', { schema: { hide: true }, config: PUBLIC_OPS }, async () => app.swagger());

  app.get('/health/live', { schema: { hide: true }, config: PUBLIC_OPS }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { hide: true }, config: PUBLIC_OPS }, async (req, reply) => {
    const results: Record<string, string> = {};
    let ok = true;
    for (const [name, check] of Object.entries(opts.readiness ?? {})) {
      try {
        await Promise.race([
          check(),
          new Promise((_, rej) => setTimeout(() => rej(new Error('check timed out')), 3_000).unref()),
        ]);
        results[name] = 'ok';
      } catch (err) {
        ok = false;
        // The answer is public: it names the failing check, never the raw error (hosts, users, SQL); the
        // log has the code and message for the operator.
        results[name] = 'unavailable';
        req.log.warn(
          { check: name, err: { code: (err as { code?: unknown }).code, message: (err as Error).message } },
          'readiness check failed',
        );
      }
    }
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: results });
  });
  app.get('/metrics', { schema: { hide: true }, config: PUBLIC_OPS }, async (_req, reply) =>
    reply.type(opts.metrics.contentType).send(await opts.metrics.metrics()),
  );
  return app;
}
