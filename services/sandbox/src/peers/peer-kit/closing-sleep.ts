import type { FastifyInstance } from 'fastify';

/**
 * A sleep for simulated latency and hangs that ends at once when the app closes (preClose: before the
 * server waits for in-flight requests), so a simulated timeout never holds up shutdown.
 */
export function closingSleep(app: FastifyInstance): (ms: number) => Promise<void> {
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  return (ms) =>
    new Promise<void>((resolve) => {
      if (closing.signal.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      closing.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
}
