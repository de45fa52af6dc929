import { createMicroBatcher, type Pool, type PoolClient } from '@lienthong/platform';
import type { Provider } from '../provider.js';
import { mapPaymentRow, type PaymentRecord } from './payment-record.js';

/** One "applied → paid" as payments_settle_paid takes it (migrations/005): the facts decided on, then the write. */
export interface PaidSettlement {
  paymentId: string;
  /** The status and provider transaction the decision read; the write happens only if the row still has them. */
  fromStatus: string;
  fromTxn: string | null;
  providerTxnId: string;
  providerCode: string;
  paidAt: Date;
  late: boolean;
  source: string;
  amount: number;
  /** JSON of what the history entry adds (actor, note). */
  extra: string;
  now: Date;
  eventId: string;
  /** JSON of the CloudEvent for the outbox. */
  event: string;
}

export interface GroupedLedger {
  readByOrder(provider: Provider, merchant: string, orderRef: string): Promise<PaymentRecord | undefined>;
  readById(paymentId: string): Promise<PaymentRecord | undefined>;
  /** The settled row, or undefined when the row no longer holds the facts decided on (nothing written). */
  settlePaid(s: PaidSettlement): Promise<PaymentRecord | undefined>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SETTLE_ONE = 'SELECT * FROM payments_settle_paid($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)';

/** One settlement in its own statement: the locked path (inside its transaction) and a group's fallback. */
export async function settlePaidOn(q: Pool | PoolClient, s: PaidSettlement): Promise<PaymentRecord | undefined> {
  const r = await q.query({
    name: 'payments-settle-one',
    text: SETTLE_ONE,
    values: [
      s.paymentId,
      s.fromStatus,
      s.fromTxn,
      s.providerTxnId,
      s.providerCode,
      s.paidAt,
      s.late,
      s.source,
      s.amount,
      s.extra,
      s.now,
      s.eventId,
      s.event,
    ],
  });
  return r.rows[0] ? mapPaymentRow(r.rows[0] as Record<string, unknown>) : undefined;
}

type Outcome<T> = { value: T } | { error: unknown };
const settled = <T>(p: Promise<T>): Promise<Outcome<T>> =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
const unwrap = <T>(o: Outcome<T>): T => {
  if ('error' in o) throw o.error;
  return o.value;
};

/** Rows of a grouped statement back to the items they answer (`batch_item` = 1-based position). */
function byItem(rows: Record<string, unknown>[], n: number): (PaymentRecord | undefined)[] {
  const out: (PaymentRecord | undefined)[] = new Array<PaymentRecord | undefined>(n).fill(undefined);
  for (const r of rows) out[Number(r.batch_item) - 1] = mapPaymentRow(r);
  return out;
}

/**
 * The busy path's statements, grouped across concurrent notifications (createMicroBatcher: the calls of one
 * event-loop turn share one statement). Measured in docs/performance.md: a settlement alone costs Postgres
 * about 0.5 ms of CPU, most of it the commit; eight in one statement about 0.2 ms each — and every statement
 * saved is a socket write and a pool checkout saved in the service. The statements are named (prepared once
 * per connection): parsing and planning the unnest statement was a third of a five-item settlement's Postgres
 * CPU (0.35–0.44 → 0.26–0.27 ms per item, reads 0.055 → 0.037; issue 16, docs/performance.md).
 *
 * Why grouping keeps every guarantee:
 * - A grouped read is one snapshot for all; each decision taken on it is the one a lone read would give at
 *   that instant (a read writes nothing).
 * - A group of settlements is one statement, so one transaction: all commit, or none. Each item is still
 *   payments_settle_paid with its own precondition; an item whose row moved on (also: an earlier item of the
 *   same group settled the same payment — each statement inside the function sees the ones before it) gets
 *   no row and is decided again under the lock, alone. The caller answers the provider only after the commit.
 * - If the statement fails (one item's provider transaction already settled another payment, a deadlock
 *   between groups), nothing of it was written; each item is then settled again in its own statement and
 *   gets its own outcome, so one bad notification never fails the others.
 * - Items are locked in payment-id order, so two groups cannot deadlock on rows they both hold.
 */
export function createGroupedLedger(pool: Pool, opts: { maxItems?: number } = {}): GroupedLedger {
  const maxItems = opts.maxItems ?? 64;

  const readOrders = createMicroBatcher(
    async (keys: { provider: Provider; merchant: string; orderRef: string }[]) => {
      const { rows } = await pool.query({
        name: 'payments-read-orders',
        text: `SELECT t.batch_item, p.*
           FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(provider, merchant, order_ref, batch_item)
           JOIN payments p ON p.provider = t.provider AND p.merchant = t.merchant AND p.order_ref = t.order_ref`,
        values: [keys.map((k) => k.provider), keys.map((k) => k.merchant), keys.map((k) => k.orderRef)],
      });
      return byItem(rows as Record<string, unknown>[], keys.length);
    },
    { maxItems: 200 },
  );

  const readIds = createMicroBatcher(
    async (ids: string[]) => {
      const { rows } = await pool.query({
        name: 'payments-read-ids',
        text: `SELECT t.batch_item, p.*
           FROM unnest($1::uuid[]) WITH ORDINALITY AS t(payment_id, batch_item)
           JOIN payments p ON p.payment_id = t.payment_id`,
        values: [ids],
      });
      return byItem(rows as Record<string, unknown>[], ids.length);
    },
    { maxItems: 200 },
  );

  async function settleGroup(items: PaidSettlement[]): Promise<(PaymentRecord | undefined)[]> {
    const id = (i: number) => items[i]!.paymentId;
    const order = items.map((_, i) => i).sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : a - b));
    const col = <K extends keyof PaidSettlement>(k: K) => order.map((i) => items[i]![k]);
    const { rows } = await pool.query({
      name: 'payments-settle-group',
      text: `SELECT a.batch_item, s.*
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::boolean[],
                     $8::text[], $9::bigint[], $10::jsonb[], $11::timestamptz[], $12::text[], $13::jsonb[])
              WITH ORDINALITY AS a(payment_id, from_status, from_txn, provider_txn_id, provider_code, paid_at, late,
                                   source, amount, extra, now, event_id, event, batch_item)
         CROSS JOIN LATERAL payments_settle_paid(a.payment_id, a.from_status, a.from_txn, a.provider_txn_id,
                     a.provider_code, a.paid_at, a.late, a.source, a.amount, a.extra, a.now, a.event_id, a.event) s`,
      values: [
        col('paymentId'),
        col('fromStatus'),
        col('fromTxn'),
        col('providerTxnId'),
        col('providerCode'),
        col('paidAt'),
        col('late'),
        col('source'),
        col('amount'),
        col('extra'),
        col('now'),
        col('eventId'),
        col('event'),
      ],
    });
    const sorted = byItem(rows as Record<string, unknown>[], items.length);
    const out: (PaymentRecord | undefined)[] = new Array<PaymentRecord | undefined>(items.length).fill(undefined);
    order.forEach((itemIndex, position) => (out[itemIndex] = sorted[position]));
    return out;
  }

  const settleMany = createMicroBatcher(
    async (items: PaidSettlement[]): Promise<Outcome<PaymentRecord | undefined>[]> => {
      if (items.length === 1) return [await settled(settlePaidOn(pool, items[0]!))];
      try {
        return (await settleGroup(items)).map((value) => ({ value }));
      } catch {
        // Nothing of the group was written (one statement): each item again alone, with its own outcome.
        return Promise.all(items.map((s) => settled(settlePaidOn(pool, s))));
      }
    },
    { maxItems },
  );

  return {
    // A key Postgres would refuse (a NUL byte, an id that is no uuid) names no payment, and must not fail the
    // other reads of its group: answered "not found" without a query.
    readByOrder: async (provider, merchant, orderRef) =>
      `${provider}${merchant}${orderRef}`.includes('\u0000') ? undefined : readOrders({ provider, merchant, orderRef }),
    readById: async (paymentId) => (UUID.test(paymentId) ? readIds(paymentId) : undefined),
    settlePaid: async (s) => unwrap(await settleMany(s)),
  };
}
