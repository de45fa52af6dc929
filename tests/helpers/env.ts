/** Brokers set by tests/setup/global-setup.ts. */
export function testBrokers(): string[] {
  const b = process.env.KAFKA_BROKERS;
  if (!b) throw new Error('KAFKA_BROKERS is not set: run the tests through vitest with tests/setup/global-setup.ts');
  return b.split(',').map((s) => s.trim());
}

export function testDatabaseUrl(): string {
  const u = process.env.DATABASE_URL;
  if (!u) throw new Error('DATABASE_URL is not set: run the tests through vitest with tests/setup/global-setup.ts');
  return u;
}

export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** Polls `fn` until it returns a truthy value or the time runs out (for eventually-consistent checks). */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
