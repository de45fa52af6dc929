import type { PaymentStatus } from './payment-status.js';
import type { Observation } from './observation.js';

/** The part of a ledger row the decision needs. */
export interface LedgerSnapshot {
  status: PaymentStatus;
  amount: number;
  providerTxnId: string | null;
}

export type Decision =
  /** A state change; `publish` names the event that announces it, if any. */
  | { outcome: 'applied'; to: 'paid' | 'failed' | 'expired'; publish: 'settled' | 'expired' | null; late: boolean }
  /** The provider's amount is not ours. `record` when money moved (a paid verdict): refund review. */
  | { outcome: 'amount_mismatch'; record: boolean }
  /** Already in a final state this message agrees with (or cannot override): acknowledge, apply nothing. */
  | { outcome: 'duplicate' }
  /** Already paid by another provider transaction: acknowledge, record for review (a double charge). */
  | { outcome: 'second_transaction' }
  /** Nothing to do (still pending at the provider). */
  | { outcome: 'no_change' }
  /** Verified but ambiguous (reversal, refund, fraud hold): record for review, change nothing. */
  | { outcome: 'review'; reason: string };

/**
 * Whether carrying out `d` writes to the ledger (a state change, or a review entry). A decision that writes
 * nothing (a duplicate, no change, a mismatch on a message that moved no money) needs no row lock: taken
 * from a committed read it is the decision the locked path would have made at that instant, and acting on
 * it changes nothing another transaction could contradict. Settlement.apply answers those from one read.
 */
export function writes(d: Decision): boolean {
  switch (d.outcome) {
    case 'applied':
    case 'second_transaction':
    case 'review':
      return true;
    case 'amount_mismatch':
      return d.record;
    case 'duplicate':
    case 'no_change':
      return false;
  }
}

/**
 * The settlement decision, pure. Order of checks as in VNPAY's demo [V1]: the order exists (the caller
 * found the row) → amount → current status → apply. Called by notifications and reconciliation alike,
 * under the row lock, so the same facts always give the same decision however they race.
 */
export function decide(row: LedgerSnapshot, obs: Observation): Decision {
  if (obs.kind === 'expire') {
    return row.status === 'created' || row.status === 'pending'
      ? { outcome: 'applied', to: 'expired', publish: 'expired', late: false }
      : { outcome: 'duplicate' };
  }
  if ('amount' in obs && obs.amount !== undefined && obs.amount !== row.amount) {
    return { outcome: 'amount_mismatch', record: obs.kind === 'paid' || obs.kind === 'review' };
  }
  switch (obs.kind) {
    case 'paid':
      if (row.status === 'paid') {
        return row.providerTxnId === obs.providerTxnId ? { outcome: 'duplicate' } : { outcome: 'second_transaction' };
      }
      // created/pending, or failed/expired: a verified success means the money moved, so it wins (late).
      return { outcome: 'applied', to: 'paid', publish: 'settled', late: row.status === 'failed' || row.status === 'expired' };
    case 'failed':
      return row.status === 'created' || row.status === 'pending'
        ? { outcome: 'applied', to: 'failed', publish: null, late: false }
        : { outcome: 'duplicate' };
    case 'pending':
    case 'not_found':
      return row.status === 'created' || row.status === 'pending' ? { outcome: 'no_change' } : { outcome: 'duplicate' };
    case 'review':
      return { outcome: 'review', reason: obs.reason };
  }
}
