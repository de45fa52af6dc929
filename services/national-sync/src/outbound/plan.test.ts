import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '@lienthong/platform';
import type { PortalFailure } from '../push/portal.js';
import { decideAfterPush, needsPush, settleIdle } from './plan.js';
import { compareOutbound, type OutboundRow, type OutboundVersion } from './rows.js';

const policy: RetryPolicy = { maxAttempts: Number.MAX_SAFE_INTEGER, minDelayMs: 1_000, maxDelayMs: 60_000, factor: 2, jitter: 0 };
const v = (rank: string, timeMs: number, seq: number): OutboundVersion => ({ rank, timeMs, seq: BigInt(seq) });
const row = (o: Partial<OutboundRow>): OutboundRow => ({
  kind: 'promotion-status',
  key: 'KM.1',
  agency: '000.00.01.H22',
  event: {} as OutboundRow['event'],
  version: v('20270105100000', 1_000, 5),
  portalVersion: undefined,
  deadVersion: undefined,
  state: 'pending',
  resync: false,
  attempts: 0,
  ...o,
});
const transient: PortalFailure = { kind: 'transient', code: 'LT_HTTP_STATUS', message: '503', countsForBreaker: true };
const refused: PortalFailure = {
  kind: 'rejected',
  code: 'LT_DVCQG_REJECTED',
  message: 'rejected',
  portalCode: '-1',
  portalMessage: 'Không hợp lệ',
  countsForBreaker: false,
};

describe('outbound versions', () => {
  it('order by the status’s NgayXuLy first, then acceptance time, then offset', () => {
    expect(compareOutbound(v('20270105100000', 9_000, 9), v('20270106090000', 1_000, 1))).toBeLessThan(0);
    expect(compareOutbound(v('', 2_000, 1), v('', 1_000, 9))).toBeGreaterThan(0);
    expect(compareOutbound(v('', 1_000, 2), v('', 1_000, 10))).toBeLessThan(0);
    expect(compareOutbound(v('x', 1, 1), v('x', 1, 1))).toBe(0);
    expect(compareOutbound(undefined, v('', 0, 0))).toBeLessThan(0);
  });
});

describe('what a key needs', () => {
  it('a version newer than the portal’s, not the one given up on; or a replay', () => {
    expect(needsPush(row({}))).toBe(true);
    expect(needsPush(row({ portalVersion: v('20270105100000', 1_000, 5) }))).toBe(false);
    expect(needsPush(row({ deadVersion: v('20270105100000', 1_000, 5) }))).toBe(false);
    expect(needsPush(row({ deadVersion: v('20270105100000', 1_000, 5), resync: true }))).toBe(true);
    expect(needsPush(row({ portalVersion: v('20270106000000', 1, 1) }))).toBe(false); // the portal holds a newer one
  });
  it('idle: dead-lettered when the newest is the one given up on, else synced', () => {
    expect(settleIdle(row({ deadVersion: v('20270105100000', 1_000, 5) })).state).toBe('dead-lettered');
    expect(settleIdle(row({ portalVersion: v('20270105100000', 1_000, 5) })).state).toBe('synced');
  });
});

describe('after a push', () => {
  const pushed = v('20270105100000', 1_000, 5);
  it('ok: the portal holds it; a newer version that arrived meanwhile is due at once', () => {
    expect(decideAfterPush(row({}), pushed, { kind: 'ok' }, policy, 10)).toMatchObject({
      state: 'synced',
      dueInMs: null,
      portalVersion: pushed,
      clearResync: true,
      deadLetter: false,
    });
    const newer = row({ version: v('20270106090000', 2_000, 6) });
    expect(decideAfterPush(newer, pushed, { kind: 'ok' }, policy, 10)).toMatchObject({
      state: 'pending',
      dueInMs: 0,
      portalVersion: pushed,
      clearResync: false,
    });
  });
  it('refused: dead-lettered at once with the portal’s reason', () => {
    expect(decideAfterPush(row({ attempts: 3 }), pushed, { kind: 'rejected', failure: refused }, policy, 10)).toMatchObject({
      state: 'dead-lettered',
      dueInMs: null,
      deadVersion: pushed,
      attempts: 0,
      deadLetter: true,
      outcome: { kind: 'rejected', failure: refused },
    });
  });
  it('transient: backoff that grows, then dead-lettered once the attempts are spent', () => {
    const a = decideAfterPush(row({ attempts: 0 }), pushed, { kind: 'transient', failure: transient }, policy, 3);
    const b = decideAfterPush(row({ attempts: 1 }), pushed, { kind: 'transient', failure: transient }, policy, 3);
    expect(a).toMatchObject({ state: 'retrying', attempts: 1, dueInMs: 1_000, deadLetter: false });
    expect(b).toMatchObject({ state: 'retrying', attempts: 2, dueInMs: 2_000 });
    expect(decideAfterPush(row({ attempts: 2 }), pushed, { kind: 'transient', failure: transient }, policy, 3)).toMatchObject({
      state: 'dead-lettered',
      dueInMs: null,
      attempts: 3,
      deadVersion: pushed,
      deadLetter: true,
      outcome: { kind: 'exhausted' },
    });
  });
  it('a failure of a version that is no longer the newest never dead-letters it', () => {
    const newer = row({ version: v('20270106090000', 2_000, 6), attempts: 9 });
    expect(decideAfterPush(newer, pushed, { kind: 'transient', failure: transient }, policy, 3)).toMatchObject({
      state: 'retrying',
      deadLetter: false,
    });
    expect(decideAfterPush(newer, pushed, { kind: 'rejected', failure: refused }, policy, 3)).toMatchObject({
      state: 'pending',
      dueInMs: 0,
      deadLetter: true,
    });
  });
});
