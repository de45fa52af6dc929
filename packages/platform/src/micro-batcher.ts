/**
 * Group commit for small, frequent operations: calls made in the same event-loop turn (up to `maxItems`)
 * are handed to `flush` together, and each caller gets its own result. Under load this turns N round
 * trips (and N socket writes) into one; alone, a call waits only for `setImmediate`.
 * `flush` returns one result per item, in order; if it throws, every caller of that batch gets the error.
 */
export function createMicroBatcher<T, R>(flush: (items: T[]) => Promise<R[]>, opts: { maxItems?: number } = {}) {
  const maxItems = opts.maxItems ?? 500;
  const pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;

  async function run(batch: typeof pending): Promise<void> {
    try {
      const results = await flush(batch.map((b) => b.item));
      if (results.length !== batch.length)
        throw new Error(`micro-batcher: flush returned ${results.length} results for ${batch.length} items`);
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  function drain(): void {
    scheduled = false;
    while (pending.length > 0) void run(pending.splice(0, maxItems));
  }

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    });
}
