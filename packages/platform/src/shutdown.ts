import closeWithGrace from 'close-with-grace';
import type { Logger } from './logger.js';

export interface ShutdownStep {
  name: string;
  close: () => Promise<unknown> | unknown;
}

export interface ShutdownOptions {
  delayMs?: number;
  /**
   * SIGHUP asks for a reload (the API clients file, auth/reloadable-clients.ts) instead of a stop.
   * close-with-grace counts SIGHUP among its shutdown signals; with this set it leaves SIGHUP alone.
   */
  reloadOnHup?: boolean;
}

/**
 * Installs graceful shutdown (conventions §1): on SIGINT/SIGTERM (and SIGHUP unless it means reload) or an
 * uncaught error, runs the steps in order (drain HTTP, stop consumers and commit offsets, flush producers,
 * close the pool), each bounded by the overall delay, then exits. A second signal exits at once.
 */
export function onShutdown(logger: Logger, steps: ShutdownStep[], opts: ShutdownOptions | number = {}): void {
  const { delayMs = 15_000, reloadOnHup = false } = typeof opts === 'number' ? { delayMs: opts } : opts;
  closeWithGrace({ delay: delayMs, skip: reloadOnHup ? ['SIGHUP'] : [] }, async ({ signal, err }) => {
    if (err) logger.fatal({ err }, 'fatal error; shutting down');
    else logger.info({ signal }, 'shutting down');
    for (const step of steps) {
      try {
        await step.close();
        logger.info({ step: step.name }, 'closed');
      } catch (e) {
        logger.error({ err: e, step: step.name }, 'close failed');
      }
    }
  });
}
