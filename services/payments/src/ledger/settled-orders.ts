import type { Provider } from '../provider.js';
import type { PaymentRecord } from './payment-record.js';

/**
 * Orders this instance has seen `paid`, most recently used last, at most `maxEntries` (0: none kept). A
 * repeated notification for one of them is answered without a ledger round trip (issue 16: 40% of the
 * bench's notifications are repeats; VNPAY retries up to 10 times [V1]).
 *
 * Why a remembered row gives the ledger's own answer, on any instance and at any later time: `paid` is final
 * for the facts `decide` reads. Nothing moves a payment out of `paid` (every status change is guarded by a
 * status other than `paid`: settlement.ts, payment-store.ts, migrations/005), nothing rewrites its amount or
 * its provider transaction, and migrations/007 makes the schema refuse both. So `decide(row, obs)` on the row
 * as remembered is `decide` on the row as the ledger holds it now. Only rows read from committed state or
 * returned by a committed statement are remembered (Settlement.apply, after the call returned), never a
 * negative ("no such order", "still pending"): those can change. What else the row holds (review reason,
 * refunded amount, `updated_at`) may have moved since; no notification's answer depends on it.
 *
 * Memory: a VNPAY row with its pay URL is about 1.6 KB of heap; 10,000 rows measured 15.6 MB (issue 16).
 */
export interface SettledOrders {
  /** The remembered paid row of this order, if any (and marks it most recently used). */
  get(provider: Provider, merchant: string, orderRef: string): PaymentRecord | undefined;
  /** Remembers a committed row; anything but `paid` is ignored. */
  remember(row: PaymentRecord): void;
  readonly size: number;
}

const keyOf = (provider: string, merchant: string, orderRef: string): string => `${provider}\u0000${merchant}\u0000${orderRef}`;

export function createSettledOrders(opts: { maxEntries: number }): SettledOrders {
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recently used.
  const rows = new Map<string, PaymentRecord>();
  return {
    get(provider, merchant, orderRef) {
      if (opts.maxEntries === 0) return undefined;
      const k = keyOf(provider, merchant, orderRef);
      const row = rows.get(k);
      if (row) {
        rows.delete(k);
        rows.set(k, row);
      }
      return row;
    },
    remember(row) {
      if (opts.maxEntries === 0 || row.status !== 'paid') return;
      const k = keyOf(row.provider, row.merchant, row.orderRef);
      rows.delete(k);
      rows.set(k, row);
      if (rows.size > opts.maxEntries) rows.delete(rows.keys().next().value as string);
    },
    get size() {
      return rows.size;
    },
  };
}
