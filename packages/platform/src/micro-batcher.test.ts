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
});
