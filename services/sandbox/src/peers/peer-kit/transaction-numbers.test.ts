import { describe, expect, it } from 'vitest';
import { transactionNumberStart } from './transaction-numbers.js';
import { createVnpayStore } from '../vnpay/store.js';

describe('simulated providers’ transaction numbers', () => {
  it('start above anything an earlier start issued, and fit VNPAY Numeric[1,15] and a safe integer', () => {
    const first = transactionNumberStart(Date.parse('2026-11-23T10:00:00Z'));
    const issuedBeforeRestart = first + 50_000; // 50,000 payments in the first run's first 0.5 s
    const second = transactionNumberStart(Date.parse('2026-11-23T10:00:01Z'));
    expect(second).toBeGreaterThan(issuedBeforeRestart);
    expect(String(second)).toMatch(/^\d{1,15}$/);
    expect(Number.isSafeInteger(second)).toBe(true);
  });
  it('are not reused by a new store (a restarted sandbox)', async () => {
    const a = createVnpayStore();
    await new Promise((r) => setTimeout(r, 2));
    const b = createVnpayStore();
    expect(b.nextTransactionNo).toBeGreaterThan(a.nextTransactionNo);
  });
});
