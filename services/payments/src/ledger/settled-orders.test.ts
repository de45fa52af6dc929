import { describe, expect, it } from 'vitest';
import { createSettledOrders } from './settled-orders.js';
import type { PaymentRecord } from './payment-record.js';

const row = (orderRef: string, status: PaymentRecord['status'] = 'paid'): PaymentRecord =>
  ({ provider: 'vnpay', merchant: 'LTHUB022', orderRef, status, amount: 50_000, providerTxnId: `T${orderRef}` }) as PaymentRecord;

describe('settled orders', () => {
  it('remembers paid rows only, by provider, merchant and order', () => {
    const s = createSettledOrders({ maxEntries: 10 });
    s.remember(row('A'));
    s.remember(row('B', 'failed'));
    s.remember(row('C', 'pending'));
    s.remember(row('D', 'expired'));
    expect(s.get('vnpay', 'LTHUB022', 'A')?.providerTxnId).toBe('TA');
    expect([s.get('vnpay', 'LTHUB022', 'B'), s.get('vnpay', 'LTHUB022', 'C'), s.get('vnpay', 'LTHUB022', 'D')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(s.get('momo', 'LTHUB022', 'A')).toBeUndefined();
    expect(s.get('vnpay', 'LTHUB056', 'A')).toBeUndefined();
    expect(s.size).toBe(1);
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const s = createSettledOrders({ maxEntries: 3 });
    for (const k of ['A', 'B', 'C']) s.remember(row(k));
    s.get('vnpay', 'LTHUB022', 'A'); // used: B is now the oldest
    s.remember(row('D'));
    expect(s.size).toBe(3);
    expect(['A', 'B', 'C', 'D'].map((k) => s.get('vnpay', 'LTHUB022', k) !== undefined)).toEqual([true, false, true, true]);
  });

  it('keeps nothing with maxEntries 0', () => {
    const s = createSettledOrders({ maxEntries: 0 });
    s.remember(row('A'));
    expect(s.get('vnpay', 'LTHUB022', 'A')).toBeUndefined();
    expect(s.size).toBe(0);
  });
});
