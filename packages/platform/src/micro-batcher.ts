/**
 * Group commit for small, frequent operations: calls made in the same event-loop turn (up to `maxItems`)
 * are handed to `flush` together, and each caller gets its own result. Under load this turns N round
 * trips (and N socket writes) into one; alone, a call waits only for `setImmediate`.
 * `flush` returns one result per item, in order; if it throws, every caller of that batch gets the error.
 *
 * `maxInFlight` (default unbounded) caps the flushes running at once: calls made while that many run wait
 * for one of them to finish and then go together, so the busier the store, the larger each statement (as a
 * database's own group commit does). Alone, a call still waits only for `setImmediate`.
 */
export function createMicroBatcher<T, R>(
  flush: (items: T[]) => Promise<R[]>,
  opts: { maxItems?: number; maxInFlight?: number } = {},
) {
  const maxItems = opts.maxItems ?? 500;
  const maxInFlight = opts.maxInFlight ?? Infinity;
  const pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  let inFlight = 0;

  async function run(batch: typeof pending): Promise<void> {
    inFlight++;
    try {
      const results = await flush(batch.map((b) => b.item));
      if (results.length !== batch.length)
        throw new Error(`micro-batcher: flush returned ${results.length} results for ${batch.length} items`);
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      inFlight--;
      // What arrived while every slot was busy goes now, as one batch (or several of maxItems).
      if (pending.length > 0 && !scheduled) drain();
    }
  }

  function drain(): void {
    scheduled = false;
    while (pending.length > 0 && inFlight < maxInFlight) void run(pending.splice(0, maxItems));
  }

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      if (!scheduled && inFlight < maxInFlight) {
        scheduled = true;
        setImmediate(drain);
      }
    });
}
