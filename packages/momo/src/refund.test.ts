import { describe, expect, it } from 'vitest';
import { findMomoRefund } from './refund.js';

/** A query answer's refundTrans[] as MoMo lists it [M4]: orderId, amount, resultCode, transId, createdTime. */
const answer = (...refundTrans: unknown[]) => ({ resultCode: 0, refundTrans });
const entry = (orderId: string, resultCode: unknown, transId: unknown = 4_100_000_001) => ({
  orderId,
  amount: 10_000,
  resultCode,
  transId,
  createdTime: 1_741_064_767_000,
});

describe('findMomoRefund: a lost refund answer recovered from the query', () => {
  it('finds the refund by its own orderId among the others', () => {
    const a = answer(entry('refund-a', 1080), entry('refund-b', 0, 4_100_000_002));
    expect(findMomoRefund(a, 'refund-b')).toEqual({ kind: 'succeeded', transId: '4100000002' });
    expect(findMomoRefund(a, 'refund-a')).toEqual({ kind: 'failed', resultCode: 1080 });
  });

  it('only a code that refuses a refund is a failure; processing or unknown codes are not final', () => {
    for (const code of [1080, 1081, 1088, 20, 41]) expect(findMomoRefund(answer(entry('r', code)), 'r').kind).toBe('failed');
    for (const code of [7000, 7002, 1000, 99, 10, 12345])
      expect(findMomoRefund(answer(entry('r', code)), 'r')).toEqual({ kind: 'in_progress', resultCode: code });
  });

  it('a refund MoMo does not list is absent (the caller decides what that means), never failed', () => {
    expect(findMomoRefund(answer(), 'r')).toEqual({ kind: 'absent' });
    expect(findMomoRefund(answer(entry('other', 0)), 'r')).toEqual({ kind: 'absent' });
  });

  it('hostile or malformed answers are unreadable or absent, never a decision', () => {
    for (const a of [null, 'x', 42, [], {}, { refundTrans: 'x' }, { refundTrans: { orderId: 'r' } }])
      expect(findMomoRefund(a, 'r')).toEqual({ kind: 'unreadable' });
    expect(findMomoRefund(answer(null, 7, 'x', entry('r', '0')), 'r')).toEqual({ kind: 'unreadable' });
    // A success without MoMo's refund transId settles nothing either.
    expect(findMomoRefund(answer({ orderId: 'r', amount: 1, resultCode: 0 }), 'r')).toEqual({
      kind: 'in_progress',
      resultCode: 0,
    });
    expect(findMomoRefund(answer(...Array.from({ length: 10_000 }, (_, i) => entry(`x${i}`, 0))), 'r')).toEqual({
      kind: 'absent',
    });
  });
});
