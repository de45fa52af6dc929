import type { IndexedEvent } from '../index/event-index.js';

/** New index rows and dead-letter changes, fanned out to the open SSE streams. */
export interface LiveFeed {
  publish(rows: IndexedEvent[]): void;
  deadLettersChanged(): void;
  subscribe(l: { rows?: (rows: IndexedEvent[]) => void; deadLetters?: () => void }): () => void;
}

export function createLiveFeed(): LiveFeed {
  const subs = new Set<{ rows?: (rows: IndexedEvent[]) => void; deadLetters?: () => void }>();
  return {
    publish(rows) {
      for (const s of subs) s.rows?.(rows);
    },
    deadLettersChanged() {
      for (const s of subs) s.deadLetters?.();
    },
    subscribe(l) {
      subs.add(l);
      return () => subs.delete(l);
    },
  };
}
