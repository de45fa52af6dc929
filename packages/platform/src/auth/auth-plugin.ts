import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { clientMayActFor, type ApiClient, type ApiClientRegistry, type Role } from '../api-clients.js';
import { HubError, type ErrorDetail } from '../errors.js';
import { ClientCertificateError } from './client-certificate.js';

/**
 * Who may call a route. Every route declares one in `config.access`; a route without it makes the
 * service refuse to start (deny by default, issue 17 §1):
 * - `{ roles: [...] }`: an API client (`Authorization: Bearer <key>`) holding one of these roles;
 * - `{ public: 'why' }`: anyone (health, metrics, OpenAPI, a citizen's return page), with the reason;
 * - `{ signed: 'how' }`: a peer that proves itself inside the handler with its protocol's own signature or
 *   token (VNPAY/MoMo/PayGov notifications, the national portal's inbound calls); the handler must verify.
 */
export type RouteAccess = { roles: readonly Role[] } | { public: string } | { signed: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The authenticated API client of a `roles` route; null on public and signed routes. */
    apiClient: ApiClient | null;
  }
}

export interface AuthOptions {
  clients: ApiClientRegistry;
}

const forbidden = (code: string, en: string, vi: string, details?: ErrorDetail[]) =>
  new HubError(code, en, { kind: 'forbidden', messageVi: vi, ...(details ? { details } : {}) });

function notFound(req: FastifyRequest): HubError {
  const where = `${req.method} ${req.url.split('?')[0]}`;
  return new HubError('LT_HTTP_NOT_FOUND', `no route ${where}`, { kind: 'not_found', messageVi: `Không có ${where}` });
}

function describeRoute(route: RouteOptions): string {
  return `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`;
}

/**
 * Installs the one auth model of every service (design.md, Access) on the root instance, before any route:
 * - at registration, every route must declare `config.access`, or registration throws;
 * - per request, in onRequest (before the body is read, so an anonymous caller cannot make us parse 5 MB),
 *   the route fastify matched (after decoding the path: `/%761/validate` is `/v1/validate`) decides, never a
 *   URL prefix.
 * Agency scope is checked by handlers on the data's own agency with {@link assertAgencyScope}.
 */
export function installAuth(app: FastifyInstance, opts: AuthOptions): void {
  app.decorateRequest('apiClient', null);
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (!access) throw new Error(`route ${describeRoute(route)} declares no access (config.access): deny by default`);
    if ('roles' in access) {
      if (access.roles.length === 0) throw new Error(`route ${describeRoute(route)}: access.roles is empty`);
      if (route.schema && !route.schema.hide) (route.schema as Record<string, unknown>).security = [{ bearer: [] }];
    }
  });
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const access = req.routeOptions.config.access;
    if (!access) {
      // Only fastify's not-found handler has no declared access. Answered here, in onRequest, so an
      // anonymous caller cannot make us read and parse a 5 MB body for a URL nothing serves (fastify's
      // not-found handler runs after the body parser).
      if (req.is404) throw notFound(req);
      throw forbidden('LT_AUTH_FORBIDDEN', 'route declares no access', 'Đường dẫn không cho phép truy cập');
    }
    if (!('roles' in access)) return;
    let client: ApiClient;
    try {
      // The socket carries the TLS client certificate a bound client must present (client-certificate.ts).
      client = opts.clients.authenticate(req.headers.authorization, req.raw.socket);
    } catch (err) {
      // A valid key without its certificate: a stolen key in use, or a province's misconfigured system.
      // Either way the operator must see which client (the answer does not say).
      if (err instanceof ClientCertificateError)
        req.log.warn({ client: err.clientId, code: err.code }, 'API key of a certificate-bound client refused');
      // RFC 9110 §11.6.1: a 401 names the scheme the client must use.
      reply.header('www-authenticate', 'Bearer');
      throw err;
    }
    if (!access.roles.some((r) => client.roles.includes(r))) {
      throw forbidden(
        'LT_AUTH_ROLE_REQUIRED',
        `this route needs the role ${access.roles.join(' or ')}`,
        `Cần vai trò ${access.roles.join(' hoặc ')} để gọi chức năng này`,
      );
    }
    req.apiClient = client;
  });
}

/** The authenticated client of a `roles` route (throws 401 on a route that has none). */
export function requireClient(req: FastifyRequest): ApiClient {
  if (!req.apiClient)
    throw new HubError('LT_AUTH_UNAUTHORIZED', 'not authenticated', { kind: 'unauthorized', messageVi: 'Chưa xác thực' });
  return req.apiClient;
}

export function hasRole(client: ApiClient, role: Role): boolean {
  return client.roles.includes(role);
}

/**
 * Refuses (403) unless the request's client may act for `agencyCode`, which must be read from the data
 * itself (the MaHoSo prefix, the stored payment's agency), never from what the caller claims.
 * `path` is the JSON path of the value the agency came from, for the error's details.
 */
export function assertAgencyScope(req: FastifyRequest, agencyCode: string, path = ''): ApiClient {
  const client = requireClient(req);
  if (!clientMayActFor(client, agencyCode)) {
    throw forbidden(
      'LT_AUTH_AGENCY_FORBIDDEN',
      `client ${client.id} may not act for agency ${agencyCode}`,
      `Khách hàng ${client.id} không được phép thao tác cho cơ quan ${agencyCode}`,
      [
        {
          path,
          code: 'LT_AUTH_AGENCY_FORBIDDEN',
          message: `Cơ quan ${agencyCode} nằm ngoài phạm vi được cấp`,
          message_en: `agency ${agencyCode} is outside the client's scope`,
        },
      ],
    );
  }
  return client;
}

/**
 * Refuses (403) unless the request's client may act for every agency (`*`): for operations that span
 * agencies (a dead-letter replay of everything since a time, a reconciliation run). `path` names the
 * input that made the request span agencies.
 */
export function assertAllAgencies(req: FastifyRequest, path = ''): ApiClient {
  const client = requireClient(req);
  if (!client.agencies.includes('*')) {
    throw forbidden(
      'LT_AUTH_AGENCY_FORBIDDEN',
      `client ${client.id} may not act across agencies (needs "*")`,
      `Khách hàng ${client.id} không được thao tác trên mọi cơ quan (cần phạm vi "*")`,
      [
        {
          path,
          code: 'LT_AUTH_AGENCY_FORBIDDEN',
          message: 'Thao tác này áp dụng cho mọi cơ quan: cần phạm vi "*"',
          message_en: 'this operation spans every agency: it needs the scope "*"',
        },
      ],
    );
  }
  return client;
}
