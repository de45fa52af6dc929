import { describe, expect, it } from 'vitest';
import { createMicroBatcher } from './micro-batcher.js';

describe('micro-batcher', () => {
  it('hands calls of one turn to flush together and gives each caller its own result', async () => {
    const batches: number[][] = [];
    const double = createMicroBatcher(async (xs: number[]) => {
      batches.push(xs);
      return xs.map((x) => x * 2);
    });
    const r = await Promise.all([1, 2, 3].map(double));
    expect(r).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await double(5)).toBe(10);
    expect(batches).toHaveLength(2);
  });
  it('splits at maxItems and fails every caller of a failed batch', async () => {
    const sizes: number[] = [];
    const f = createMicroBatcher(
      async (xs: number[]) => {
        sizes.push(xs.length);
        if (xs.includes(-1)) throw new Error('boom');
        return xs;
      },
      { maxItems: 2 },
    );
    const r = await Promise.allSettled([1, 2, 3, -1, 5].map(f));
    expect(sizes).toEqual([2, 2, 1]);
    expect(r.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  });
  it('refuses a flush that returns the wrong number of results', async () => {
    const f = createMicroBatcher(async () => [] as number[]);
    await expect(f(1)).rejects.toThrow(/0 results for 1 items/);
  });
  it('with maxInFlight, calls made while the slots are busy wait and then go as one batch', async () => {
    const batches: number[][] = [];
    const gates: (() => void)[] = [];
    const f = createMicroBatcher(
      async (xs: number[]) => {
        batches.push(xs);
        await new Promise<void>((r) => gates.push(r));
        return xs;
      },
      { maxInFlight: 1 },
    );
    const first = f(1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    // Three calls in three turns while the first flush runs: none starts a flush of its own.
    const later: Promise<number>[] = [];
    for (const x of [2, 3, 4]) {
      later.push(f(x));
      await new Promise((r) => setImmediate(r));
    }
    expect(batches).toEqual([[1]]);
    gates.shift()!();
    expect(await first).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates.shift()!();
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
    // Alone again: a call still goes on the next turn.
    const alone = f(5);
    await new Promise((r) => setImmediate(r));
    expect(batches).toHaveLength(3);
    gates.shift()!();
    expect(await alone).toBe(5);
  });
});
