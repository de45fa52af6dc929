import { backoffDelay, type RetryPolicy } from '@lienthong/platform';
import type { PortalFailure } from '../push/portal.js';
import { compareOutbound, type OutboundRow, type OutboundState, type OutboundVersion } from './rows.js';

/**
 * Whether the portal must be sent this key's packet: an operator replayed it, or the newest accepted version is
 * newer than what the portal acknowledged and is not the very version given up on (that one waits for a newer
 * one or a replay). The same rule as a dossier's snapshot (push/plan.ts needsSnapshot).
 */
export function needsPush(row: OutboundRow): boolean {
  if (row.resync) return true;
  return compareOutbound(row.version, row.portalVersion) > 0 && compareOutbound(row.version, row.deadVersion) !== 0;
}

/** What one push of one key came to. */
export type PushResult =
  { kind: 'ok' } | { kind: 'rejected'; failure: PortalFailure } | { kind: 'transient'; failure: PortalFailure };

/** The ledger change a push result makes, decided from the row as it is *now* (re-read under its row lock). */
export interface OutboundDecision {
  state: OutboundState;
  /** null = nothing to do; otherwise ms from now. */
  dueInMs: number | null;
  attempts: number;
  /** The portal acknowledged `pushed`: its version moves to it (never backwards). */
  portalVersion?: OutboundVersion;
  /** `pushed` is given up on: remembered, dead-lettered, not pushed again until newer or replayed. */
  deadVersion?: OutboundVersion;
  /** Clear `resync`: what went out is at least the newest version. */
  clearResync: boolean;
  /** The outcome to publish (vn.lienthong.sync.<outcome>), and why for failures. */
  outcome:
    | { kind: 'synced' }
    | { kind: 'retrying'; failure: PortalFailure }
    | { kind: 'rejected' | 'exhausted'; failure: PortalFailure };
  /** Dead-letter the pushed event (portal refusal, or retries exhausted). */
  deadLetter: boolean;
}

/**
 * The decision after a push of version `pushed` (pure; ledger/results.ts style):
 *  - ok → the portal holds `pushed`; if a newer version arrived during the push (or a replay asked again), it is
 *    due at once, else synced;
 *  - rejected (the portal refused the packet itself) → dead-lettered with the portal's reason; a newer version,
 *    if one arrived meanwhile, is due at once;
 *  - transient → retried with backoff and jitter; once `maxAttempts` consecutive failures are reached the
 *    newest version is given up on and dead-lettered (an answer or a status is one message, not a state a later
 *    snapshot supersedes: after that many failures it needs an operator, who sees it in the DLQ and replays it).
 *    A failure of a version that is no longer the newest never dead-letters: the newer one is what matters, and
 *    its own next failure counts on.
 * Never regress: `portalVersion` is only ever set to the version pushed, and the caller writes it only if it is
 * newer than the one held (SQL WHERE); the pusher always pushes the newest version the ledger holds at claim time.
 */
export function decideAfterPush(
  now: OutboundRow,
  pushed: OutboundVersion,
  result: PushResult,
  policy: RetryPolicy,
  maxAttempts: number,
  random?: () => number,
): OutboundDecision {
  const newest = compareOutbound(now.version, pushed) <= 0;
  const clearResync = newest;
  if (result.kind === 'ok') {
    const more = !newest;
    return {
      state: more ? 'pending' : 'synced',
      dueInMs: more ? 0 : null,
      attempts: 0,
      portalVersion: pushed,
      clearResync,
      outcome: { kind: 'synced' },
      deadLetter: false,
    };
  }
  if (result.kind === 'rejected') {
    return {
      state: newest ? 'dead-lettered' : 'pending',
      dueInMs: newest ? null : 0,
      attempts: 0,
      deadVersion: pushed,
      clearResync,
      outcome: { kind: 'rejected', failure: result.failure },
      deadLetter: true,
    };
  }
  const attempts = now.attempts + 1;
  if (attempts >= maxAttempts && newest) {
    return {
      state: 'dead-lettered',
      dueInMs: null,
      attempts,
      deadVersion: pushed,
      clearResync,
      outcome: { kind: 'exhausted', failure: result.failure },
      deadLetter: true,
    };
  }
  return {
    state: 'retrying',
    dueInMs: backoffDelay(policy, attempts, random),
    attempts,
    clearResync: false,
    outcome: { kind: 'retrying', failure: result.failure },
    deadLetter: false,
  };
}

/** A claimed key with nothing to push (another worker finished it meanwhile): where it stands. */
export function settleIdle(row: OutboundRow): Pick<OutboundDecision, 'state' | 'dueInMs'> {
  const dead = row.deadVersion !== undefined && compareOutbound(row.version, row.deadVersion) === 0;
  return { state: dead ? 'dead-lettered' : 'synced', dueInMs: null };
}
