/**
 * The payment state machine (docs/payments.md):
 *
 *   created ──provider accepted──▶ pending ──verified paid──▶ paid
 *      │                             │ ──verified failure──▶ failed
 *      └──provider refused/timeout──▶ failed    └──verified not paid after expiry + grace──▶ expired
 *
 * `failed` and `expired` are not dead ends: a *verified* success arriving later still moves them to
 * `paid` (the citizen's money moved; a late settlement is flagged for review). `paid` is final.
 * An amount mismatch is not a state: the payment stays where it was and a review entry is appended,
 * because VNPAY keeps the charge even when we answer 04 [V5 #31] — a human refunds or accepts it.
 */
export const paymentStatuses = ['created', 'pending', 'paid', 'failed', 'expired'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** Statuses reconciliation keeps querying. */
export const openStatuses: readonly PaymentStatus[] = Object.freeze(['created', 'pending']);

export const isOpen = (s: PaymentStatus): boolean => s === 'created' || s === 'pending';
