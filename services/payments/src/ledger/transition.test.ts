import { describe, expect, it } from 'vitest';
import { decide, writes, type LedgerSnapshot } from './transition.js';
import type { Observation } from './observation.js';

const row = (status: LedgerSnapshot['status'], providerTxnId: string | null = null): LedgerSnapshot => ({
  status,
  amount: 50_000,
  providerTxnId,
});
const paid = (txn = 'T1', amount = 50_000): Observation => ({ kind: 'paid', amount, providerTxnId: txn, providerCode: '00' });

describe('settlement decision', () => {
  it('settles an open payment on a verified success, once', () => {
    expect(decide(row('pending'), paid())).toEqual({ outcome: 'applied', to: 'paid', publish: 'settled', late: false });
    expect(decide(row('created'), paid())).toMatchObject({ outcome: 'applied', to: 'paid' });
    expect(decide(row('paid', 'T1'), paid())).toEqual({ outcome: 'duplicate' });
  });

  it('flags a second provider transaction on a paid payment instead of settling again', () => {
    expect(decide(row('paid', 'T1'), paid('T2'))).toEqual({ outcome: 'second_transaction' });
  });

  it('checks the amount before the status, and records a mismatch only when money moved', () => {
    expect(decide(row('pending'), paid('T1', 49_999))).toEqual({ outcome: 'amount_mismatch', record: true });
    expect(decide(row('paid', 'T1'), paid('T1', 1))).toEqual({ outcome: 'amount_mismatch', record: true });
    expect(decide(row('pending'), { kind: 'failed', providerCode: '24', amount: 1 })).toEqual({
      outcome: 'amount_mismatch',
      record: false,
    });
  });

  it('lets a verified success win over failed and expired (late), never the reverse', () => {
    expect(decide(row('expired'), paid())).toEqual({ outcome: 'applied', to: 'paid', publish: 'settled', late: true });
    expect(decide(row('failed'), paid())).toMatchObject({ outcome: 'applied', late: true });
    expect(decide(row('paid', 'T1'), { kind: 'failed', providerCode: '24' })).toEqual({ outcome: 'duplicate' });
    expect(decide(row('paid', 'T1'), { kind: 'expire', reason: 'x' })).toEqual({ outcome: 'duplicate' });
  });

  it('fails and expires only open payments', () => {
    expect(decide(row('pending'), { kind: 'failed', providerCode: '24' })).toEqual({
      outcome: 'applied',
      to: 'failed',
      publish: null,
      late: false,
    });
    expect(decide(row('failed'), { kind: 'failed', providerCode: '24' })).toEqual({ outcome: 'duplicate' });
    expect(decide(row('pending'), { kind: 'expire', reason: 'x' })).toEqual({
      outcome: 'applied',
      to: 'expired',
      publish: 'expired',
      late: false,
    });
    expect(decide(row('expired'), { kind: 'expire', reason: 'x' })).toEqual({ outcome: 'duplicate' });
  });

  it('changes nothing on pending, not found or ambiguous answers', () => {
    expect(decide(row('pending'), { kind: 'pending', providerCode: '01' })).toEqual({ outcome: 'no_change' });
    expect(decide(row('pending'), { kind: 'not_found', providerCode: '91' })).toEqual({ outcome: 'no_change' });
    expect(decide(row('pending'), { kind: 'review', providerCode: '04', reason: 'reversed' })).toEqual({
      outcome: 'review',
      reason: 'reversed',
    });
  });

  it('says which decisions write: state changes and review entries, never a duplicate or a no-change', () => {
    expect(writes(decide(row('pending'), paid()))).toBe(true);
    expect(writes(decide(row('expired'), paid()))).toBe(true);
    expect(writes(decide(row('pending'), { kind: 'failed', providerCode: '24' }))).toBe(true);
    expect(writes(decide(row('pending'), { kind: 'expire', reason: 'x' }))).toBe(true);
    expect(writes(decide(row('paid', 'T1'), paid('T2')))).toBe(true);
    expect(writes(decide(row('pending'), paid('T1', 49_999)))).toBe(true);
    expect(writes(decide(row('pending'), { kind: 'review', providerCode: '04', reason: 'reversed' }))).toBe(true);
    expect(writes(decide(row('paid', 'T1'), paid()))).toBe(false);
    expect(writes(decide(row('paid', 'T1'), { kind: 'failed', providerCode: '24' }))).toBe(false);
    expect(writes(decide(row('pending'), { kind: 'failed', providerCode: '24', amount: 1 }))).toBe(false);
    expect(writes(decide(row('pending'), { kind: 'pending', providerCode: '01' }))).toBe(false);
    expect(writes(decide(row('expired'), { kind: 'expire', reason: 'x' }))).toBe(false);
  });
});
