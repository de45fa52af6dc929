import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createApiClientRegistry } from '../api-clients.js';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics.js';
import { createHttpServer } from './server.js';

/** Per-request lines only at debug (issue 16: two lines per request at thousands of requests/s). */
describe('request logging', () => {
  async function logsOf(level: 'info' | 'debug') {
    const chunks: string[] = [];
    const destination = new Writable({
      write(c, _e, cb) {
        chunks.push(c.toString());
        cb();
      },
    });
    const app = await createHttpServer({
      name: 't',
      logger: createLogger({ name: 't', level, destination }),
      metrics: createMetricsRegistry('t', { defaults: false }),
      auth: { clients: createApiClientRegistry({ clients: [] }) },
    });
    // A refusal (no key on a keyed route) is still logged at info, by the error handler.
    app.get('/v1/x', { config: { access: { roles: ['viewer'] } } }, async () => ({}));
    try {
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/v1/x' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
    return chunks.map((c) => JSON.parse(c) as { msg: string });
  }

  it('at info: no line per request, refusals still logged', async () => {
    const lines = await logsOf('info');
    expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
    expect(lines.some((l) => l.msg === 'request refused')).toBe(true);
  });

  it('at debug: both lines of every request', async () => {
    const msgs = (await logsOf('debug')).map((l) => l.msg);
    expect(msgs.filter((m) => m === 'incoming request')).toHaveLength(2);
    expect(msgs.filter((m) => m === 'request completed')).toHaveLength(2);
  });
});
