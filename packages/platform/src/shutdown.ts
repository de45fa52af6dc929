import closeWithGrace from 'close-with-grace';
import type { Logger } from './logger.js';

export interface ShutdownStep {
  name: string;
  close: () => Promise<unknown> | unknown;
}

/**
 * Installs graceful shutdown (conventions §1): on SIGINT/SIGTERM or an uncaught error, runs the steps in
 * order (drain HTTP, stop consumers and commit offsets, flush producers, close the pool), each bounded
 * by the overall delay, then exits. A second signal exits at once.
 */
export function onShutdown(logger: Logger, steps: ShutdownStep[], delayMs = 15_000): void {
  closeWithGrace({ delay: delayMs }, async ({ signal, err }) => {
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
