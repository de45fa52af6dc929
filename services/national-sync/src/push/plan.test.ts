import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '@lienthong/events';
import type { DossierRow } from '../ledger/rows.js';
import { needsSnapshot, settle } from './plan.js';
import { chunk } from './packets.js';

const v = (t: number, s = 0) => ({ timeMs: t, seq: BigInt(s) });
const policy = { maxAttempts: 100, minDelayMs: 1000, maxDelayMs: 8000, factor: 2, jitter: 0 };

function row(p: Partial<DossierRow>): DossierRow {
  return {
    maHoSo: 'A',
    snapshotEvent: { id: 'e' } as CloudEvent,
    snapshotVersion: v(10),
    feeOverlay: null,
    portalVersion: undefined,
    rejectedVersion: undefined,
    state: 'pending',
    resync: false,
    attempts: 0,
    raw: {} as DossierRow['raw'],
    ...p,
  };
}

describe('push planning', () => {
  it('pushes a snapshot newer than the portal holds, unless that very version was refused', () => {
    expect(needsSnapshot(row({}))).toBe(true);
    expect(needsSnapshot(row({ portalVersion: v(10) }))).toBe(false);
    expect(needsSnapshot(row({ portalVersion: v(10), resync: true }))).toBe(true);
    expect(needsSnapshot(row({ portalVersion: v(5), rejectedVersion: v(10) }))).toBe(false);
    expect(needsSnapshot(row({ portalVersion: v(5), rejectedVersion: v(7) }))).toBe(true);
    expect(needsSnapshot(row({ snapshotEvent: null, snapshotVersion: undefined, resync: true }))).toBe(false);
  });

  it('backs off exponentially after transient failures, capped', () => {
    const f = { kind: 'transient' as const, code: 'LT_HTTP_TIMEOUT', message: 't', countsForBreaker: true };
    expect(settle(row({ attempts: 0 }), 0, 0, { transient: f }, policy)).toMatchObject({
      state: 'retrying',
      dueInMs: 1000,
      attempts: 1,
    });
    expect(settle(row({ attempts: 2 }), 0, 0, { transient: f }, policy)).toMatchObject({ dueInMs: 4000, attempts: 3 });
    expect(settle(row({ attempts: 9 }), 0, 0, { transient: f }, policy)).toMatchObject({ dueInMs: 8000, attempts: 10 });
  });

  it('stays due while there is work, and settles on synced or rejected when there is none', () => {
    // A newer snapshot arrived during the cycle.
    expect(settle(row({ portalVersion: v(5) }), 0, 0, {}, policy)).toEqual({ state: 'pending', dueInMs: 0, attempts: 0 });
    // Steps left for a dossier the portal holds.
    expect(settle(row({ portalVersion: v(10) }), 2, 0, {}, policy)).toMatchObject({ state: 'pending', dueInMs: 0 });
    expect(settle(row({ portalVersion: v(10) }), 0, 0, {}, policy)).toEqual({ state: 'synced', dueInMs: null, attempts: 0 });
    // Newest snapshot refused and the portal lacks the dossier: steps wait, nothing spins.
    expect(settle(row({ rejectedVersion: v(10) }), 3, 0, {}, policy)).toEqual({ state: 'rejected', dueInMs: null, attempts: 0 });
    expect(settle(row({ portalVersion: v(10) }), 0, 1, {}, policy)).toMatchObject({ state: 'rejected', dueInMs: null });
  });

  it('chunks in order', () => {
    expect(chunk([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 10).map((c) => c.length)).toEqual([
      10, 10, 1,
    ]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
