import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HubError, type ApiClient, type ApiClientRegistry } from '@lienthong/platform';

declare module 'fastify' {
  interface FastifyRequest {
    apiClient: ApiClient | null;
  }
}

/** Paths anyone may call: providers' notifications carry their own signatures, return pages change nothing. */
const PUBLIC = /^\/v1\/(ipn|return)\//;

/**
 * Bearer-key authentication of the client API (/v1/payments, /v1/admin), with the gateway's API-client
 * registry (packages/platform api-clients.ts): same file format, same keys, same agency scopes. Runs in
 * onRequest, so an anonymous caller is refused before its body is read.
 */
export function installClientAuth(app: FastifyInstance, clients: ApiClientRegistry): void {
  app.decorateRequest('apiClient', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!req.url.startsWith('/v1/') || PUBLIC.test(req.url)) return;
    req.apiClient = clients.authenticate(req.headers.authorization);
    req.log = req.log.child({ client: req.apiClient.id });
  });
}

/** The authenticated client of a /v1 client route. */
export function clientOf(req: FastifyRequest): ApiClient {
  if (!req.apiClient)
    throw new HubError('LT_AUTH_UNAUTHORIZED', 'not authenticated', { kind: 'unauthorized', messageVi: 'Chưa xác thực' });
  return req.apiClient;
}

/** Operator routes need a client allowed to act for every agency (`"agencies": ["*"]`). */
export function requireOperator(req: FastifyRequest): ApiClient {
  const c = clientOf(req);
  if (!c.agencies.includes('*')) {
    throw new HubError('LT_AUTH_FORBIDDEN', 'operator routes need a client with agencies ["*"]', {
      kind: 'forbidden',
      messageVi: 'Chỉ dành cho quản trị viên',
    });
  }
  return c;
}
