import type { Clock, Logger, Pool } from '@lienthong/platform';
import type { MerchantRegistry } from './merchants.js';
import type { PaymentStore } from './ledger/payment-store.js';
import type { PaymentRecord } from './ledger/payment-record.js';
import type { ProviderAdapters, QueryAnswer } from './providers/provider-adapter.js';
import type { Settlement } from './settlement.js';
import type { PaymentMetrics } from './metrics.js';

export interface ReconcilerOptions {
  pool: Pool;
  store: PaymentStore;
  settlement: Settlement;
  adapters: ProviderAdapters;
  merchants: MerchantRegistry;
  clock: Clock;
  logger: Logger;
  metrics: PaymentMetrics;
  intervalSeconds: number;
  maxBackoffSeconds: number;
  expiryGraceSeconds: number;
  batch: number;
  concurrency: number;
  /** After expiry + this, a payment that never got a verified answer is no longer queried (it stays on the review list). */
  giveUpHours: number;
  /**
   * Refunds whose provider answer was lost are asked about in the same run (refunds.ts); returns how many changed.
   * `all`: every open refund, not only those due (the operator's run).
   */
  reconcileRefunds?: (o: { all: boolean }) => Promise<number>;
}

export interface ReconciliationSummary {
  /** False when another instance held the run lock (nothing was done). */
  ran: boolean;
  checked: number;
  settled: number;
  failed: number;
  expired: number;
  stillPending: number;
  unverifiable: number;
  review: number;
  errors: number;
  /** Refunds moved by their provider's query in this run: to succeeded or failed, or first found unconfirmed. */
  refunds: number;
}

export interface Reconciler {
  /** One run over every due open payment. `all` ignores the per-payment schedule (operator trigger, tests). */
  /** `agencies`: only payments of these agencies (an agency-scoped operator's run); all when absent. */
  runOnce(opts?: { all?: boolean; agencies?: readonly string[] }): Promise<ReconciliationSummary>;
}

/** Unverifiable answers for longer than this after expiry put the payment on the review list. */
const UNVERIFIED_REVIEW_AFTER_MS = 60 * 60 * 1000;

/**
 * Reconciliation (payments.md §0: notifications are not guaranteed): queries every open payment until it
 * settles or expires, and feeds each *verified* answer into the same Settlement.apply as the
 * notifications, so a notification racing a query settles once. Rules:
 *  - verified paid / failed / ambiguous → Settlement.apply (ambiguous = review, no state change);
 *  - verified pending or not found → nothing, until expiresAt + grace has passed, then `expire`;
 *  - unverifiable (no/bad signature, timeout, VNPAY 94 rate limit…) → no answer, never "unpaid": the
 *    payment stays open and is asked again with backoff; an hour after expiry it goes on the review list,
 *    and after `giveUpHours` it is no longer asked (an operator settles, fails or expires it). The price:
 *    VNPAY answers an order nobody opened with an *unsigned* 91 [V6a], so an abandoned VNPAY payment is
 *    never expired automatically — see docs/payments.md, "Abandoned payments".
 * Runs take a session advisory lock so two instances do not query the same payments (VNPAY answers 94
 * to a repeated querydr within minutes [V6a]).
 */
export function createReconciler(opts: ReconcilerOptions): Reconciler {
  const log = opts.logger.child({ component: 'reconciliation' });

  function nextCheck(p: PaymentRecord, now: Date, unverified: boolean): Date {
    if (!unverified) return new Date(now.getTime() + opts.intervalSeconds * 1000);
    const n = Math.min(p.unverifiedCount + 1, 10);
    const s = Math.min(opts.maxBackoffSeconds, opts.intervalSeconds * 2 ** n);
    return new Date(now.getTime() + s * 1000);
  }

  async function checkOne(p: PaymentRecord, sum: ReconciliationSummary): Promise<void> {
    const adapter = opts.adapters[p.provider];
    const account = opts.merchants.byMerchantId(p.provider, p.merchant);
    const now = opts.clock.now();
    let answer: QueryAnswer;
    if (!adapter || !account) {
      answer = { verified: false, reason: 'merchant no longer configured' };
    } else {
      try {
        answer = await adapter.query(p, account);
      } catch (err) {
        log.warn({ err, paymentId: p.paymentId, provider: p.provider }, 'status query failed');
        answer = { verified: false, reason: 'query failed' };
      }
    }
    sum.checked++;
    const pastGrace = now.getTime() >= p.expiresAt.getTime() + opts.expiryGraceSeconds * 1000;
    if (!answer.verified) {
      sum.unverifiable++;
      opts.metrics.reconciliationChecks.inc({ provider: p.provider, outcome: 'unverifiable' });
      const review =
        now.getTime() >= p.expiresAt.getTime() + UNVERIFIED_REVIEW_AFTER_MS ? 'unverifiable_after_expiry' : undefined;
      // Querying forever helps nobody: past the give-up point the payment waits for a human (review list).
      const giveUp = now.getTime() >= p.expiresAt.getTime() + opts.giveUpHours * 3_600_000;
      await opts.store.recordCheck(
        p.paymentId,
        {
          outcome: `unverifiable${answer.code ? ` ${answer.code}` : ''}: ${answer.reason}`.slice(0, 300),
          nextCheckAt: giveUp ? null : nextCheck(p, now, true),
          unverified: true,
          ...(review ? { reviewReason: review } : {}),
        },
        now,
      );
      return;
    }
    const v = answer.verdict;
    opts.metrics.reconciliationChecks.inc({ provider: p.provider, outcome: v.kind });
    if (v.kind === 'pending' || v.kind === 'not_found') {
      if (pastGrace) {
        const r = await opts.settlement.apply(
          { paymentId: p.paymentId },
          { kind: 'expire', reason: `not paid by expiry (provider ${v.kind} ${v.providerCode})`, providerCode: v.providerCode },
          'reconciliation',
        );
        if (r.outcome === 'applied') sum.expired++;
      } else sum.stillPending++;
    } else {
      const r = await opts.settlement.apply({ paymentId: p.paymentId }, v, 'reconciliation');
      if (r.outcome === 'applied' && r.payment?.status === 'paid') sum.settled++;
      else if (r.outcome === 'applied' && r.payment?.status === 'failed') sum.failed++;
      else if (r.outcome === 'review' || r.outcome === 'amount_mismatch' || r.outcome === 'second_transaction') sum.review++;
    }
    await opts.store.recordCheck(
      p.paymentId,
      { outcome: `${v.kind} ${v.providerCode}`, nextCheckAt: nextCheck(p, now, false), unverified: false },
      now,
    );
  }

  return {
    async runOnce(o = {}) {
      const sum: ReconciliationSummary = {
        ran: false,
        checked: 0,
        settled: 0,
        failed: 0,
        expired: 0,
        stillPending: 0,
        unverifiable: 0,
        review: 0,
        errors: 0,
        refunds: 0,
      };
      const started = process.hrtime.bigint();
      const lockClient = await opts.pool.connect();
      try {
        const got = await lockClient.query("SELECT pg_try_advisory_lock(hashtext('lienthong-payments-reconcile')) AS ok");
        if (!(got.rows[0] as { ok: boolean }).ok) {
          opts.metrics.reconciliationRuns.inc({ result: 'skipped' });
          return sum;
        }
        sum.ran = true;
        try {
          const now = opts.clock.now();
          const due = await opts.store.listDue(o.all ? new Date(8.64e15) : now, opts.batch, o.agencies);
          let i = 0;
          const worker = async () => {
            while (i < due.length) {
              const p = due[i++] as PaymentRecord;
              try {
                await checkOne(p, sum);
              } catch (err) {
                sum.errors++;
                log.error({ err, paymentId: p.paymentId }, 'reconciliation of one payment failed');
              }
            }
          };
          await Promise.all(Array.from({ length: Math.min(opts.concurrency, due.length) }, worker));
          // Refunds are asked about in the scheduled run and in an all-agency operator's run.
          if (opts.reconcileRefunds && (!o.agencies || o.agencies.includes('*')))
            sum.refunds = await opts.reconcileRefunds({ all: o.all ?? false });
        } finally {
          await lockClient.query("SELECT pg_advisory_unlock(hashtext('lienthong-payments-reconcile'))").catch(() => {});
        }
        opts.metrics.reconciliationRuns.inc({ result: sum.errors ? 'partial' : 'ok' });
        opts.metrics.reconciliationSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        if (sum.checked) log.info({ ...sum }, 'reconciliation run');
        return sum;
      } catch (err) {
        opts.metrics.reconciliationRuns.inc({ result: 'error' });
        throw err;
      } finally {
        lockClient.release();
      }
    },
  };
}
