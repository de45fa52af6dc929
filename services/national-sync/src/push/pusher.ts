import type { Pool, PoolClient, RetryPolicy } from '@lienthong/platform';
import { claimDueDossiers, releaseDossiers } from '../ledger/claim.js';
import type { DossierRow } from '../ledger/rows.js';
import { settleCycle } from '../ledger/results.js';
import { createWakeableLoop, type WakeableLoop } from '../wakeable-loop.js';
import { runPushCycle, type PushCycleDeps } from './cycle.js';

export interface PusherOptions extends PushCycleDeps {
  pool: Pool;
  /** Dossiers a cycle claims (pushed in calls of batchSize, one after another). */
  claimSize: number;
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
 * The workers that push due dossiers to the portal. Each cycle claims up to `claimSize` dossiers (advisory
 * locks, see ledger/claim.ts) on a connection it keeps until the locks are released, pushes them in portal
 * calls of `batchSize` one after another (so each worker has at most one call in flight), then settles and
 * releases in one statement: a cycle without steps costs two ledger round trips, claim and settlement,
 * whatever the number of calls — claims larger than a call are what make a backlog cheap for Postgres.
 * Dossiers are independent: a failing one is rescheduled by its own backoff and the next cycle takes
 * other due dossiers, so nothing waits behind it. While the circuit is open no cycle starts: dossiers
 * stay due and go out when the portal is back, newest snapshot first-hand from the ledger.
 */
export function createPusher(opts: PusherOptions): Pusher {
  const log = opts.logger.child({ component: 'pusher' });
  const inFlight = new Set<string>();
  // Wake-ups are coalesced (issue 16): ingest wakes the pusher once per recorded event, and waking every
  // idle worker for each made them all claim at once, most coming back with one dossier or none — a claim
  // and a settlement per dossier. Now a wake-up starts one idle worker, and none while a claim is under way
  // or about to start: a claim that starts after a wake-up sees the work behind it (recorded, then woken).
  // `covered` is the wake-up count when the latest claim started; a worker that ends with more wake-ups
  // than that, and no other claim coming, looks again itself. A claim that fills its batch starts another
  // worker, so a backlog still gets them all.
  let claiming = 0;
  let wakes = 0;
  let covered = 0;
  /** A worker was woken and has not begun its claim yet (it starts on a later tick). */
  let starting = false;
  const wakeOne = () => {
    if (loops.some((l) => l.wakeIfIdle())) starting = true;
  };
  const uncovered = () => wakes !== covered && claiming === 0 && !starting;

  /** A connection and the dossiers claimed on it (counted in `claiming` meanwhile). */
  async function claim(): Promise<{ client: PoolClient; rows: DossierRow[] }> {
    claiming++;
    covered = wakes;
    let client: PoolClient | undefined;
    try {
      client = await opts.pool.connect();
      return { client, rows: await claimDueDossiers(client, opts.claimSize, [...inFlight]) };
    } catch (err) {
      client?.release(err as Error);
      throw err;
    } finally {
      claiming--;
    }
  }

  async function cycle(): Promise<boolean> {
    starting = false;
    if (opts.breaker.state() === 'open') return false;
    const { client, rows } = await claim();
    let broken: Error | undefined;
    try {
      // Empty: look again at once only if work was recorded since, and no other claim will see it.
      if (rows.length === 0) return uncovered();
      if (rows.length === opts.claimSize) wakeOne();
      const keys = rows.map((r) => r.maHoSo);
      for (const k of keys) inFlight.add(k);
      let again = rows.length === opts.claimSize;
      try {
        const results = await runPushCycle({ ...opts, logger: log }, client, rows);
        // The settlement releases the locks of what it settles (at its commit, ledger/results.ts).
        const settled = await settleCycle(
          { client, now: opts.clock.now(), dossierTopic: opts.dossierTopic, group: opts.group },
          rows,
          results,
          opts.retryPolicy,
        );
        for (const [m, s] of settled) {
          if (s.state === 'retrying') opts.metrics.outcome('retrying', results.get(m)?.failedService ?? 'DongBoHoSoMC');
          if (s.dueInMs === 0) again = true;
        }
        const unsettled = keys.filter((k) => !settled.has(k));
        if (unsettled.length) await releaseDossiers(client, unsettled);
        opts.onProgress?.();
      } finally {
        // On a failure the connection is dropped below, and every lock it held with it.
        for (const k of keys) inFlight.delete(k);
      }
      // A claim that did not fill its batch took everything due then: look again only if there may be more
      // (a full batch, a dossier this cycle left due, work recorded since that no other claim will see),
      // else sleep until woken — an empty claim after every cycle was half the claims of a hub at 1,000/s.
      return again || uncovered();
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
    wake: () => {
      wakes++;
      if (claiming === 0 && !starting) wakeOne();
    },
  };
}
