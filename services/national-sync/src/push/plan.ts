import { backoffDelay, type RetryPolicy } from '@lienthong/platform';
import { compareVersions } from '../version.js';
import type { DossierRow, DossierState } from '../ledger/rows.js';
import type { PortalFailure } from './portal.js';
import type { PortalService } from '../outbox/outcomes.js';

/**
 * Whether the portal must be sent this dossier's snapshot: it has one, and either an operator or the
 * reconciler asked for a resync, or the snapshot is newer than what the portal holds and is not the very
 * version the portal already refused (that one waits for a newer snapshot or a replay).
 */
export function needsSnapshot(row: DossierRow): boolean {
  if (!row.snapshotEvent || !row.snapshotVersion) return false;
  if (row.resync) return true;
  return (
    compareVersions(row.snapshotVersion, row.portalVersion) > 0 && compareVersions(row.snapshotVersion, row.rejectedVersion) !== 0
  );
}

/**
 * Whether progress steps may be sent: the portal holds the dossier (a step for an unknown dossier would
 * be refused), or the hub has no snapshot at all (the dossier may have reached the portal another way:
 * let the portal decide, and a refusal is dead-lettered where an operator sees it).
 */
export function mayPushSteps(row: DossierRow, heldAfterCycle: boolean): boolean {
  return heldAfterCycle || row.portalVersion !== undefined || !row.snapshotEvent;
}

/** What happened to one dossier during a push cycle. */
export interface CycleResult {
  /** The first transient failure, if any: the dossier is retried with backoff. */
  transient?: PortalFailure;
  /** Which call failed transiently. */
  failedService?: PortalService;
  /** The snapshot was acknowledged in this cycle (recorded by the settlement, ledger/results.ts). */
  snapshotSynced?: boolean;
  /** Steps of this dossier the portal acknowledged in this cycle. */
  stepsPushed?: number;
}

export interface Settlement {
  state: DossierState;
  /** null = nothing to do; otherwise ms from now. */
  dueInMs: number | null;
  attempts: number;
  retrying?: PortalFailure;
}

/**
 * The dossier's state after a cycle, from the ledger as it is *now* (re-read under the row lock, so it
 * includes whatever ingest recorded during the cycle) and from what the cycle saw:
 *  - a transient failure → retrying, due after an exponential backoff with jitter;
 *  - a snapshot still to push (e.g. a newer one arrived meanwhile) or steps that may go → due now;
 *  - otherwise nothing to do: rejected if the newest snapshot or a step was refused, else synced.
 */
export function settle(
  row: DossierRow,
  pendingSteps: number,
  rejectedSteps: number,
  cycle: CycleResult,
  policy: RetryPolicy,
  random?: () => number,
): Settlement {
  if (cycle.transient) {
    const attempts = row.attempts + 1;
    return { state: 'retrying', dueInMs: backoffDelay(policy, attempts, random), attempts, retrying: cycle.transient };
  }
  if (needsSnapshot(row) || (pendingSteps > 0 && mayPushSteps(row, false))) return { state: 'pending', dueInMs: 0, attempts: 0 };
  const snapshotRefused =
    row.snapshotVersion !== undefined &&
    compareVersions(row.snapshotVersion, row.rejectedVersion) === 0 &&
    compareVersions(row.snapshotVersion, row.portalVersion) > 0;
  return { state: snapshotRefused || rejectedSteps > 0 ? 'rejected' : 'synced', dueInMs: null, attempts: 0 };
}
