import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import csrf from '@fastify/csrf-protection';
import { createHash } from 'node:crypto';
import { CONSOLE_ROLES, type ConsoleAccess, type ViewContext, viewContext } from './web/context.js';
import { layout } from './web/layout.js';
import { html } from './lib/html.js';
import { t, type Lang } from './lib/i18n.js';
import {
  ClientCertificateError,
  createHttpServer,
  type ApiClientRegistry,
  type Logger,
  type PlatformServerOptions,
  type Pool,
  type ReadinessCheck,
  type Registry,
} from '@lienthong/platform';
import type { SessionStore } from './lib/sessions.js';
import type { ActionLog } from './lib/action-log.js';
import type { Backends } from './lib/backends.js';
import type { OverviewSampler } from './overview/sampler.js';
import type { LiveFeed } from './live/feed.js';
import { openSse } from './live/sse.js';
import type { GenericReplay } from './lib/replay.js';
import { assetRoutes } from './pages/assets.js';
import { signInRoutes } from './pages/sign-in.js';
import { overviewRoutes } from './pages/overview.js';
import { dossierRoutes } from './pages/dossiers.js';
import { deadLetterRoutes } from './pages/dead-letters.js';
import { deliveryRoutes } from './pages/deliveries.js';
import { paymentRoutes } from './pages/payments.js';
import { auditRoutes } from './pages/audit.js';
import { indicatorRoutes } from './pages/indicators.js';
import { overdueRoutes } from './pages/overdue.js';
import { actionLogRoutes } from './pages/action-log.js';
import { postalRoutes } from './pages/postal.js';
import { inboundRoutes } from './pages/inbound.js';
import { notificationRoutes } from './pages/notifications.js';

/** What the console's pages need; `start` (main.ts) builds the real ones, tests build their own. */
export interface ConsoleDeps {
  pool: Pool;
  clients: ApiClientRegistry;
  sessions: SessionStore;
  actions: ActionLog;
  backends: Backends;
  sampler: OverviewSampler;
  feed: LiveFeed;
  logger: Logger;
  metrics: Registry;
  readiness?: Record<string, ReadinessCheck>;
  secret: string;
  cookieSecure: boolean;
  /** Whether the event index consumes (false: the overview says so; pages still read the services). */
  indexRunning?: () => boolean;
  /** Consumer group of national-sync, whose dead letters its replay API takes back. */
  nationalSyncGroup: string;
  /** packages/events' replay for every other group's dead letters (absent: those stay, marked "no replay"). */
  genericReplay?: GenericReplay;
  /** Server options from the platform (HTTPS from TLS_*: runService's ctx.serverOptions); absent = plain HTTP. */
  server?: PlatformServerOptions;
}

/** Helpers every page module gets: route registration with its access, rendering, the deps. */
export interface PageKit {
  deps: ConsoleDeps;
  route(method: 'GET' | 'POST', url: string, access: ConsoleAccess, handler: RouteHandlerMethod): void;
  /** The HTML 404 page (unknown dossier, another agency's dossier, a malformed id). */
  notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** Opens a server-sent-events stream (ended when the console closes). */
  sse(req: FastifyRequest, reply: FastifyReply): ReturnType<typeof openSse>;
  render(
    req: FastifyRequest,
    reply: FastifyReply,
    title: (c: ViewContext) => string,
    body: (c: ViewContext) => ReturnType<typeof html> | Promise<ReturnType<typeof html>>,
    opts?: { status?: number; scripts?: string[]; printable?: boolean },
  ): Promise<FastifyReply>;
}

export const SESSION_COOKIE = 'lt_console_sid';
export const LANG_COOKIE = 'lt_lang';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * The console (conventions §1): pages are registered on the service's fastify instance (from the
 * platform: errors, health, metrics, the shared auth's deny-by-default check of `config.access`) inside one
 * encapsulated scope that adds cookies, forms, CSRF, sessions, the HTML error page and security headers.
 * Every console route declares `config.console` (who may open it) as well; a route without it makes the
 * console refuse to start.
 */
export async function buildApp(deps: ConsoleDeps): Promise<FastifyInstance> {
  const server = await createHttpServer({
    ...deps.server,
    name: 'console',
    description: 'Liên Thông operator console (HTML pages; no JSON API)',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: { clients: deps.clients },
    bodyLimit: 256 * 1024,
    readiness: deps.readiness ?? {},
  });
  await server.register(async (app) => {
    await app.register(cookie, { secret: deps.secret, hook: 'onRequest' });
    await app.register(formbody, { bodyLimit: 64 * 1024 });
    await app.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: 'lt_csrf',
      cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: deps.cookieSecure, signed: true },
      // Tokens are bound to the session (its id's hash), so a token from one session is useless in another.
      getUserInfo: (req: FastifyRequest) => req.operator?.sessionIdHash ?? 'anonymous',
      csrfOpts: { hmacKey: createHash('sha256').update(`csrf:${deps.secret}`).digest() },
    });
    app.decorateRequest('operator', null);
    app.decorateRequest('lang', 'vi');

    app.addHook('onRoute', (r) => {
      if (!r.config?.console)
        throw new Error(`console route ${String(r.method)} ${r.url} declares no config.console: deny by default`);
    });

    app.addHook('onRequest', async (req, reply) => {
      const langCookie = req.cookies[LANG_COOKIE];
      req.lang = langCookie === 'en' ? 'en' : 'vi';
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
      const access = req.routeOptions.config.console;
      if (!access) return;
      const raw = req.cookies[SESSION_COOKIE];
      const unsigned = raw ? reply.unsignCookie(raw) : undefined;
      if (unsigned?.valid && unsigned.value) {
        const s = await deps.sessions.get(unsigned.value);
        if (s) {
          try {
            // With the browser's connection: a session of a certificate-bound operator is good only over
            // TLS with that certificate, so a stolen session cookie alone is not enough either.
            const client = deps.clients.authenticate(`Bearer ${s.apiKey}`, req.raw.socket);
            if (client.roles.some((r) => (CONSOLE_ROLES as readonly string[]).includes(r)))
              req.operator = { client, apiKey: s.apiKey, sessionIdHash: s.idHash };
          } catch (err) {
            // The key was revoked or removed from the clients file: the session ends now. A connection
            // without the bound certificate is refused but does not end the session (a stolen cookie must
            // not sign the operator out).
            if (err instanceof ClientCertificateError)
              req.log.warn({ client: err.clientId, code: err.code }, 'console session used without its client certificate');
            else await deps.sessions.end(unsigned.value);
          }
        }
      }
      if ('anonymous' in access) return;
      if (!req.operator) {
        if (req.method === 'GET' && !req.headers['hx-request'] && req.headers.accept !== 'text/event-stream') {
          return reply.redirect(`/dang-nhap?back=${encodeURIComponent(req.url.slice(0, 500))}`, 303);
        }
        return reply
          .status(401)
          .type('text/html; charset=utf-8')
          .send(errorPage(req, reply, 401, t(req.lang, 'signInTitle')).value);
      }
      if (!access.roles.some((r) => req.operator!.client.roles.includes(r))) {
        return reply
          .status(403)
          .type('text/html; charset=utf-8')
          .send(errorPage(req, reply, 403, t(req.lang, 'forbiddenRole')).value);
      }
      reply.header('cache-control', 'no-store');
    });

    app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      if (status >= 500) req.log.error({ err }, 'console page failed');
      const msg = err.code?.startsWith('FST_CSRF')
        ? t(req.lang, 'csrfFailed')
        : status === 413 || status === 415 || status === 400
          ? t(req.lang, 'invalidInput')
          : t(req.lang, 'errorTitle');
      return reply
        .status(status)
        .type('text/html; charset=utf-8')
        .send(errorPage(req, reply, status, msg).value);
    });

    // Open event streams would keep the server from closing: they end first.
    const streams = new Set<ReturnType<typeof openSse>>();
    app.addHook('preClose', async () => {
      for (const s of streams) s.end();
    });

    const kit: PageKit = {
      deps,
      notFound(req, reply) {
        return reply
          .status(404)
          .type('text/html; charset=utf-8')
          .send(errorPage(req, reply, 404, t(req.lang, 'notFound')).value);
      },
      sse(req, reply) {
        const s = openSse(req, reply);
        streams.add(s);
        s.onClose(() => streams.delete(s));
        return s;
      },
      route(method, url, access, handler) {
        const access0 =
          'anonymous' in access
            ? { public: access.anonymous }
            : { signed: 'console session cookie (signed; server-side session; roles checked by the console session hook)' };
        app.route({
          method,
          url,
          config: { access: access0, console: access },
          ...(method === 'POST' ? { preHandler: app.csrfProtection } : {}),
          handler,
        });
      },
      async render(req, reply, title, body, opts = {}) {
        const c = viewContext(req, reply);
        const content = await body(c);
        return reply
          .status(opts.status ?? reply.statusCode)
          .type('text/html; charset=utf-8')
          .send(layout(c, title(c), content, opts).value);
      },
    };

    assetRoutes(kit);
    signInRoutes(kit);
    overviewRoutes(kit);
    dossierRoutes(kit);
    deadLetterRoutes(kit);
    deliveryRoutes(kit);
    paymentRoutes(kit);
    auditRoutes(kit);
    indicatorRoutes(kit);
    overdueRoutes(kit);
    postalRoutes(kit);
    inboundRoutes(kit);
    notificationRoutes(kit);
    actionLogRoutes(kit);
  });
  return server;
}

function errorPage(req: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  const lang: Lang = req.lang ?? 'vi';
  let c: ViewContext;
  try {
    c = viewContext(req, reply);
  } catch {
    c = { lang, operator: req.operator ?? null, csrf: '', path: '', url: '/' };
  }
  return layout(
    c,
    `${status} · ${t(lang, 'errorTitle')}`,
    html`<p class="notice error" role="alert" data-testid="error">${message}</p><p><a href="/">${t(lang, 'back')}</a></p>`,
  );
}
