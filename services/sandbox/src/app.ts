import type {} from '@fastify/swagger'; // OpenAPI fields on route schemas
import type { FastifyInstance } from 'fastify';
import { createHttpServer, type Logger, type Registry } from '@lienthong/platform';
import { peers } from './peers.js';

export interface SandboxDeps {
  logger: Logger;
  metrics: Registry;
  config: Readonly<Record<string, unknown>>;
  publicUrl: string;
}

/**
 * The sandbox: faithful simulators of the national peers (design.md, "National peers"), each under its
 * own prefix, so the hub's clients talk to them over HTTP exactly as to the real ones. Never deployed
 * next to production credentials: it accepts any merchant configured in its own environment.
 */
export async function buildApp(deps: SandboxDeps): Promise<FastifyInstance> {
  const app = await createHttpServer({
    name: 'Liên Thông Hub sandbox',
    description: 'Simulated DVCQG, VNPAY, MoMo and PayGov with fault switches and inspection APIs.',
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: 16 * 1024 * 1024,
    // The sandbox stands in for national peers, each of which authenticates with its own protocol (logins,
    // signatures, tokens), so it has no API clients; it binds loopback and is never deployed in production.
    auth: false,
  });
  for (const p of peers) {
    await app.register(p.plugin, { prefix: p.prefix, logger: deps.logger, config: deps.config, publicUrl: deps.publicUrl });
  }
  app.get('/', { schema: { hide: true } }, async () => ({
    service: 'lienthong-sandbox',
    peers: peers.map((p) => ({ prefix: p.prefix, simulates: p.what })),
  }));
  return app;
}
