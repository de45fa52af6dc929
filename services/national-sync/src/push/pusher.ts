import type { Pool, RetryPolicy } from '@lienthong/platform';
import { claimDueDossiers, releaseDossiers } from '../ledger/claim.js';
import { settleCycle } from '../ledger/results.js';
import { createWakeableLoop, type WakeableLoop } from '../wakeable-loop.js';
import { runPushCycle, type PushCycleDeps } from './cycle.js';

export interface PusherOptions extends PushCycleDeps {
  pool: Pool;
  workers: number;
  pollMs: number;
  /** Backoff of a dossier after a transient failure (maxAttempts is ignored: retries never stop). */
  retryPolicy: RetryPolicy;
  /** Called after each cycle that published something (wakes the outbox relay). */
  onProgress?: () => void;
}

export interface Pusher {
  start(): void;
  stop(): Promise<void>;
  /** New work was recorded: idle workers look at once. */
  wake(): void;
}

/**
 * The workers that push due dossiers to the portal. Each cycle claims a batch (advisory locks, see
 * ledger/claim.ts) on a connection it keeps until the locks are released, pushes, settles, releases.
 * Dossiers are independent: a failing one is rescheduled by its own backoff and the next cycle takes
 * other due dossiers, so nothing waits behind it. While the circuit is open no cycle starts: dossiers
 * stay due and go out when the portal is back, newest snapshot first-hand from the ledger.
 */
export function createPusher(opts: PusherOptions): Pusher {
  const log = opts.logger.child({ component: 'pusher' });
  const inFlight = new Set<string>();

  async function cycle(): Promise<boolean> {
    if (opts.breaker.state() === 'open') return false;
    const client = await opts.pool.connect();
    let broken: Error | undefined;
    try {
      const rows = await claimDueDossiers(client, opts.batchSize, [...inFlight]);
      if (rows.length === 0) return false;
      const keys = rows.map((r) => r.maHoSo);
      for (const k of keys) inFlight.add(k);
      try {
        const results = await runPushCycle({ ...opts, logger: log }, client, rows);
        const settled = await settleCycle(
          { client, now: opts.clock.now(), dossierTopic: opts.dossierTopic, group: opts.group },
          results,
          opts.retryPolicy,
        );
        for (const [m, s] of settled)
          if (s.state === 'retrying') opts.metrics.outcome('retrying', results.get(m)?.failedService ?? 'DongBoHoSoMC');
        opts.onProgress?.();
      } finally {
        for (const k of keys) inFlight.delete(k);
        await releaseDossiers(client, keys);
      }
      return true;
    } catch (err) {
      // A ledger failure mid-cycle: drop the connection (and with it every lock it held); the dossiers
      // are still due and the next cycle pushes them again — the portal's effects are idempotent.
      broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  const loops: WakeableLoop[] = Array.from({ length: opts.workers }, (_, i) =>
    createWakeableLoop({ name: `pusher-${i}`, logger: log, idleMs: opts.pollMs, backoffMs: 1_000, step: cycle }),
  );
  return {
    start: () => loops.forEach((l) => l.start()),
    stop: async () => {
      await Promise.all(loops.map((l) => l.stop()));
    },
    wake: () => loops.forEach((l) => l.wake()),
  };
}
