import type { FastifyReply } from 'fastify';
import type { ApiFault } from './faults.js';

/**
 * Plays an API fault on a protocol call. `error` answers with the provider's own error shape (given by the
 * peer); `timeout` holds the request for `hangMs`, then answers 504 — longer than any sane client timeout,
 * so the hub's client gives up first. Returns true when the fault decided the answer.
 */
export async function playApiFault(
  reply: FastifyReply,
  fault: ApiFault,
  opts: { hangMs: number; errorAnswer: (reply: FastifyReply) => FastifyReply; closed: () => boolean },
): Promise<boolean> {
  if (fault === 'error') {
    await opts.errorAnswer(reply);
    return true;
  }
  if (fault === 'timeout') {
    const until = Date.now() + opts.hangMs;
    // Poll so closing the app does not wait out a long hang.
    while (Date.now() < until && !opts.closed()) await new Promise((r) => setTimeout(r, Math.min(50, opts.hangMs)));
    await reply.status(504).type('text/plain').send('simulated gateway timeout');
    return true;
  }
  return false;
}
