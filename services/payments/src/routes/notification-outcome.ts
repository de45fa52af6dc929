import type { SettlementResult } from '../settlement.js';

/**
 * What a notification amounts to, provider-neutral, for metrics and for the per-provider reply tables:
 * settled/failed = this call changed the state; duplicate = already applied (acknowledged, never again).
 */
export type NotificationOutcome =
  | 'settled'
  | 'failed_recorded'
  | 'duplicate'
  | 'unknown_order'
  | 'amount_mismatch'
  | 'no_change'
  | 'review'
  | 'conflict'
  | 'bad_signature'
  | 'malformed'
  | 'error';

export function outcomeOf(r: SettlementResult): NotificationOutcome {
  switch (r.outcome) {
    case 'applied':
      return r.payment?.status === 'paid' ? 'settled' : 'failed_recorded';
    case 'duplicate':
    case 'second_transaction':
      return 'duplicate';
    case 'not_found':
      return 'unknown_order';
    case 'amount_mismatch':
      return 'amount_mismatch';
    case 'no_change':
      return 'no_change';
    case 'review':
      return 'review';
    case 'conflict':
      return 'conflict';
  }
}
