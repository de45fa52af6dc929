import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiClient, ApiClientRegistry } from '@lienthong/platform';

declare module 'fastify' {
  interface FastifyRequest {
    apiClient: ApiClient | null;
  }
}

/**
 * Bearer-key authentication of every /v1 route, in onRequest: a request without a valid key is refused
 * (401) before its body is even read, so an anonymous client cannot make the gateway parse 5 MB.
 */
export function installAuth(app: FastifyInstance, clients: ApiClientRegistry): void {
  app.decorateRequest('apiClient', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!req.url.startsWith('/v1/')) return;
    // Handlers log `client` explicitly rather than binding it to a per-request child logger: one child per
    // request (fastify's) is enough.
    req.apiClient = clients.authenticate(req.headers.authorization);
  });
}
