import { describe, expect, it } from 'vitest';
import { matchTransfer, type TransferCandidate } from './bank-transfers.js';

const open: TransferCandidate = { payment_id: 'p1', status: 'pending', agency_code: '000.00.01.H22' };
const other: TransferCandidate = { payment_id: 'p2', status: 'pending', agency_code: '000.00.01.H22' };

describe('transfer matching rules (before the ledger)', () => {
  it('settles money in naming exactly one open or paid payment; the ledger decides amount and repeats', () => {
    expect(matchTransfer(true, ['LT1'], [open])).toEqual({ settle: open });
    const paid = { ...open, status: 'paid' };
    expect(matchTransfer(true, ['LT1'], [paid])).toEqual({ settle: paid });
  });

  it('never settles money out, no code, an unknown code or two payments at once', () => {
    expect(matchTransfer(false, ['LT1'], [open])).toEqual({ outcome: 'outgoing' });
    expect(matchTransfer(true, [], [])).toEqual({ outcome: 'unmatched' });
    expect(matchTransfer(true, ['LT9'], [])).toEqual({ outcome: 'unmatched' });
    expect(matchTransfer(true, ['LT1', 'LT2'], [open, other])).toEqual({ outcome: 'ambiguous' });
  });

  it('never reopens an expired or failed payment: late, for review', () => {
    for (const status of ['expired', 'failed'])
      expect(matchTransfer(true, ['LT1'], [{ ...open, status }])).toEqual({
        outcome: 'late',
        paymentId: 'p1',
        agencyCode: '000.00.01.H22',
      });
  });
});
