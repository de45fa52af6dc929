import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createApiClientRegistry } from '../api-clients.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createHttpServer } from './server.js';

describe('/health/ready', () => {
  it('names the failing check but never echoes its raw error (hosts, users, SQL); the log keeps code and message', async () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(c, _e, cb) {
        chunks.push(c.toString());
        cb();
      },
    });
    const raw = Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:5432 (user hub_prod, SELECT secret FROM x)'), {
      code: 'ECONNREFUSED',
    });
    const app = await createHttpServer({
      name: 't',
      logger: createLogger({ name: 't', level: 'info', destination }),
      metrics: createMetricsRegistry('t', { defaults: false }),
      auth: { clients: createApiClientRegistry({ clients: [] }) },
      readiness: {
        postgres: () => {
          throw raw;
        },
        kafka: async () => {},
      },
    });
    try {
      const r = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ status: 'unavailable', checks: { postgres: 'unavailable', kafka: 'ok' } });
      for (const leak of ['10.20.30.40', 'hub_prod', 'SELECT', 'ECONNREFUSED']) expect(r.body).not.toContain(leak);
      const logged = chunks.join('');
      expect(logged).toContain('readiness check failed');
      expect(logged).toContain('ECONNREFUSED');
    } finally {
      await app.close();
    }
  });
});
