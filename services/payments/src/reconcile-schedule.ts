import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '@lienthong/platform';
import type { Reconciler } from './reconciler.js';

export interface ReconcileSchedule {
  stop(): Promise<void>;
}

/**
 * Runs reconciliation on a node-cron expression. `noOverlap`: a slow run (a provider timing out on
 * every query) is never stacked under the next tick; the reconciler's advisory lock does the same
 * across instances. The expression is validated at start so a typo fails the start, not silently.
 */
export function scheduleReconciliation(reconciler: Reconciler, expression: string, logger: Logger): ReconcileSchedule {
  if (!cron.validate(expression)) throw new Error(`PAYMENTS_RECONCILE_CRON: invalid cron expression "${expression}"`);
  let inFlight: Promise<unknown> | undefined;
  const task: ScheduledTask = cron.schedule(
    expression,
    async () => {
      inFlight = reconciler.runOnce().catch((err) => logger.error({ err }, 'reconciliation run failed'));
      await inFlight;
      inFlight = undefined;
    },
    { name: 'payments-reconciliation', noOverlap: true },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await inFlight;
    },
  };
}
