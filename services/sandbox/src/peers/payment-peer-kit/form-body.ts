import type { FastifyInstance } from 'fastify';

/**
 * The pay pages post plain HTML forms. This parser is registered inside each peer's plugin, so it is
 * scoped to that peer's routes and does not change how the rest of the sandbox parses bodies.
 */
export function registerFormBodyParser(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      const out: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) out[k] = v;
      done(null, out);
    },
  );
}
