import type { PaymentSettledEvent } from '@lienthong/standard';

/**
 * What a *verified* provider message says about one payment, whatever the provider: an IPN, a PayGov
 * confirm, or a status-query answer. Adapters produce these only after the signature checked out;
 * anything unverifiable never becomes an Observation (it is "no answer", never "unpaid", payments.md §1.7).
 */
export type Verdict =
  | { kind: 'paid'; amount: number; providerTxnId: string; providerCode: string; paidAt?: Date }
  /** A final failure at the provider (cancelled, declined, expired there). */
  | { kind: 'failed'; providerCode: string; providerTxnId?: string; amount?: number }
  /** The provider knows the order and it is not finished yet. */
  | { kind: 'pending'; providerCode: string; amount?: number }
  /** The provider (verifiably) has no such order: nobody opened the payment page. */
  | { kind: 'not_found'; providerCode: string }
  /** Verified, but neither paid nor a plain failure (reversal, refund, fraud hold): a human decides. */
  | { kind: 'review'; providerCode: string; reason: string; providerTxnId?: string; amount?: number };

/** Reconciliation's own conclusion: the payment window closed and the provider verifiably says "not paid". */
export interface ExpireObservation {
  kind: 'expire';
  reason: string;
  providerCode?: string;
}

export type Observation = Verdict | ExpireObservation;

/** Who settles or expires a payment; a settlement publishes it as `settledBy` (schemas/events/payment-settled.v1.json). */
export type SettlementSource = PaymentSettledEvent['settledBy'];
