import type { Clock, Logger, Pool } from '@lienthong/platform';
import { findPaymentCodes, type IncomingTransfer } from '@lienthong/vietqr';
import type { Settlement } from './settlement.js';
import type { MerchantRegistry } from './merchants.js';
import { agencyFilter } from './ledger/payment-store.js';

export type TransferSource = 'payos' | 'sepay';

/**
 * What became of one incoming transfer (docs/payments.md, "Matching rules"). Only `settled` moves money
 * into the ledger; `amount_mismatch`, `late`, `unmatched`, `ambiguous` and `duplicate_payment` wait on the
 * transfer review list; `outgoing` is money leaving the account (ignored, kept).
 */
export type TransferOutcome =
  'settled' | 'duplicate_payment' | 'amount_mismatch' | 'late' | 'unmatched' | 'ambiguous' | 'outgoing';

export const TRANSFER_REVIEW_OUTCOMES: readonly TransferOutcome[] = [
  'amount_mismatch',
  'late',
  'unmatched',
  'ambiguous',
  'duplicate_payment',
];

export interface TransferResult {
  outcome: TransferOutcome;
  /** True when this notification was already handled (the aggregator re-sent it): nothing was done again. */
  repeated: boolean;
  paymentId?: string;
}

export interface TransferRow {
  transferId: string;
  source: TransferSource;
  providerTxnId: string;
  merchant: string;
  amount: number;
  transferText: string;
  codes: string[];
  paymentId: string | null;
  agencyCode: string | null;
  outcome: string;
  receivedAt: string;
  reviewedAt: string | null;
  reviewNote: string | null;
}

export interface TransferMatcher {
  /** Records a verified transfer once (dedupe on the aggregator's id) and settles or queues it. */
  handle(source: TransferSource, merchant: string, t: IncomingTransfer): Promise<TransferResult>;
  /** The transfer review list, narrowed to an operator's agencies (unmatched transfers: `*` operators only). */
  listForReview(limit: number, agencies: readonly string[]): Promise<TransferRow[]>;
  /** An operator closes one review entry with a note (refunded at the bank, settled by hand…). */
  markReviewed(transferId: string, note: string, actor: string): Promise<boolean>;
  get(transferId: string): Promise<TransferRow | undefined>;
}

function mapRow(r: Record<string, unknown>): TransferRow {
  return {
    transferId: String(r.transfer_id),
    source: r.source as TransferSource,
    providerTxnId: r.provider_txn_id as string,
    merchant: r.merchant as string,
    amount: Number(r.amount),
    transferText: r.transfer_text as string,
    codes: r.codes as string[],
    paymentId: (r.payment_id as string | null) ?? null,
    agencyCode: (r.agency_code as string | null) ?? null,
    outcome: r.outcome as string,
    receivedAt: (r.received_at as Date).toISOString(),
    reviewedAt: (r.reviewed_at as Date | null)?.toISOString() ?? null,
    reviewNote: (r.review_note as string | null) ?? null,
  };
}

/** A payment a transfer's codes name, as the ledger has it. */
export interface TransferCandidate {
  payment_id: string;
  status: string;
  agency_code: string;
}

/**
 * The matching rules before the ledger is asked, pure: money in, exactly one known payment code, that payment
 * not already expired or failed (never auto-reopened, §4.4) → `settle` it through Settlement.apply, which
 * checks the amount and the status under its own rules. Anything else is the outcome itself.
 */
export function matchTransfer(
  incoming: boolean,
  codes: readonly string[],
  candidates: readonly TransferCandidate[],
): { outcome: TransferOutcome; paymentId?: string; agencyCode?: string } | { settle: TransferCandidate } {
  if (!incoming) return { outcome: 'outgoing' };
  if (codes.length === 0 || candidates.length === 0) return { outcome: 'unmatched' };
  if (candidates.length > 1) return { outcome: 'ambiguous' };
  const p = candidates[0]!;
  if (p.status === 'expired' || p.status === 'failed')
    return { outcome: 'late', paymentId: p.payment_id, agencyCode: p.agency_code };
  return { settle: p };
}

/**
 * Matching rules (reference vnptpay-vietqr.md §4.4; which of them are inferred is in docs/payments.md):
 * money in, to the agency's account (the aggregator's key was that account's), exactly one known payment
 * code in the transfer text, that payment still open, and the amount exactly equal → the same
 * Settlement.apply as every provider (source `ipn`, provider transaction `<source>:<id>`, so a re-sent
 * webhook is a duplicate and one transfer can never settle two payments). Anything else is recorded and
 * listed for a human, never dropped and never settled.
 */
export function createTransferMatcher(deps: {
  pool: Pool;
  settlement: Settlement;
  merchants: MerchantRegistry;
  clock: Clock;
  logger: Logger;
}): TransferMatcher {
  const log = deps.logger.child({ component: 'bank-transfers' });

  /** The payments a transfer's codes name; two are enough to tell "exactly one" from "ambiguous". */
  async function candidatesOf(merchant: string, codes: string[]): Promise<TransferCandidate[]> {
    const { rows } = await deps.pool.query(
      `SELECT payment_id, status, agency_code FROM payments WHERE provider = 'vietqr' AND merchant = $1 AND transfer_code = ANY($2::text[]) LIMIT 2`,
      [merchant, codes],
    );
    return rows as TransferCandidate[];
  }

  async function decide(
    merchant: string,
    t: IncomingTransfer,
    codes: string[],
    source: TransferSource,
    candidates: TransferCandidate[],
  ): Promise<{ outcome: TransferOutcome; paymentId?: string; agencyCode?: string }> {
    const m = matchTransfer(t.incoming, codes, candidates);
    if (!('settle' in m)) return m;
    const p = m.settle;
    const base = { paymentId: p.payment_id, agencyCode: p.agency_code };
    const r = await deps.settlement.apply(
      { paymentId: p.payment_id },
      { kind: 'paid', amount: t.amount, providerTxnId: `${source}:${t.providerTxnId}`, providerCode: source },
      'ipn',
    );
    switch (r.outcome) {
      case 'applied':
      case 'duplicate':
        return { ...base, outcome: 'settled' };
      case 'amount_mismatch':
        return { ...base, outcome: 'amount_mismatch' };
      case 'second_transaction':
        return { ...base, outcome: 'duplicate_payment' };
      default:
        return { ...base, outcome: 'ambiguous' };
    }
  }

  return {
    async handle(source, merchant, t) {
      const codes = findPaymentCodes(t.text);
      const now = deps.clock.now();
      // One round trip (issue 16): record the transfer once and, in the same statement, find the payments its
      // codes name. A re-sent webhook gets its earlier row back instead of an insert.
      const { rows } = await deps.pool.query(
        `WITH ins AS (
           INSERT INTO bank_transfers (source, provider_txn_id, merchant, amount, transfer_text, codes, outcome, received_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)
           ON CONFLICT (source, provider_txn_id) DO NOTHING
           RETURNING transfer_id, outcome, payment_id
         ), rec AS (
           SELECT true AS inserted, transfer_id, outcome, payment_id FROM ins
           UNION ALL
           SELECT false, transfer_id, outcome, payment_id FROM bank_transfers
            WHERE source = $1 AND provider_txn_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)
         )
         SELECT rec.*, (SELECT coalesce(json_agg(m), '[]'::json) FROM (
             SELECT payment_id, status, agency_code FROM payments
              WHERE provider = 'vietqr' AND merchant = $3 AND transfer_code = ANY($6::text[]) LIMIT 2) m) AS candidates
         FROM rec`,
        [source, t.providerTxnId, merchant, t.amount, t.text, codes, now],
      );
      let rec = rows[0] as
        | { inserted: boolean; transfer_id: string; outcome: string; payment_id: string | null; candidates?: TransferCandidate[] }
        | undefined;
      if (!rec) {
        // The same transfer's other delivery committed its row after this statement's snapshot was taken (the
        // insert waited for it, the select could not see it): read it now.
        const prior = (
          await deps.pool.query(
            'SELECT transfer_id, outcome, payment_id FROM bank_transfers WHERE source = $1 AND provider_txn_id = $2',
            [source, t.providerTxnId],
          )
        ).rows[0] as { transfer_id: string; outcome: string; payment_id: string | null } | undefined;
        if (!prior) throw new Error('bank transfer vanished between insert and select');
        rec = { ...prior, inserted: false };
      }
      const transferId = String(rec.transfer_id);
      // Decided before: acknowledge again, do nothing again. A row left `pending` by a crash is decided now
      // (the settlement itself is idempotent on the transfer id).
      if (!rec.inserted && rec.outcome !== 'pending')
        return {
          outcome: rec.outcome as TransferOutcome,
          repeated: true,
          ...(rec.payment_id ? { paymentId: rec.payment_id } : {}),
        };
      const d = await decide(merchant, t, codes, source, rec.candidates ?? (await candidatesOf(merchant, codes)));
      await deps.pool.query('UPDATE bank_transfers SET outcome = $2, payment_id = $3, agency_code = $4 WHERE transfer_id = $1', [
        transferId,
        d.outcome,
        d.paymentId ?? null,
        d.agencyCode ?? null,
      ]);
      if (TRANSFER_REVIEW_OUTCOMES.includes(d.outcome))
        log.warn({ source, transferId, outcome: d.outcome, paymentId: d.paymentId }, 'bank transfer needs review');
      else log.info({ source, transferId, outcome: d.outcome, paymentId: d.paymentId }, 'bank transfer handled');
      return { outcome: d.outcome, repeated: false, ...(d.paymentId ? { paymentId: d.paymentId } : {}) };
    },

    async listForReview(limit, agencies) {
      const f = agencyFilter(agencies, 3);
      const { rows } = await deps.pool.query(
        `SELECT * FROM bank_transfers WHERE outcome = ANY($1::text[]) AND reviewed_at IS NULL
           AND (${agencies.includes('*') ? 'TRUE' : `agency_code IS NOT NULL AND ${f.sql}`})
         ORDER BY received_at DESC LIMIT $2`,
        [TRANSFER_REVIEW_OUTCOMES, limit, ...f.params],
      );
      return rows.map((r: Record<string, unknown>) => mapRow(r));
    },

    async markReviewed(transferId, note, actor) {
      const r = await deps.pool.query(
        `UPDATE bank_transfers SET reviewed_at = $2, review_note = $3 WHERE transfer_id = $1 AND reviewed_at IS NULL AND outcome = ANY($4::text[])`,
        [transferId, deps.clock.now(), `${actor}: ${note}`, TRANSFER_REVIEW_OUTCOMES],
      );
      return (r.rowCount ?? 0) > 0;
    },

    async get(transferId) {
      const { rows } = await deps.pool.query('SELECT * FROM bank_transfers WHERE transfer_id = $1', [transferId]);
      return rows[0] ? mapRow(rows[0] as Record<string, unknown>) : undefined;
    },
  };
}
