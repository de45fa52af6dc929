/**
 * Bounded, in-memory records behind the inspection API (`/_admin/notifications`, `/_admin/requests`).
 * Oldest entries fall off first, so a long `npm start` session cannot grow without limit.
 */
export interface Journal<T> {
  add(entry: T): T;
  list(): readonly T[];
  clear(): void;
}

export function createJournal<T>(max: number): Journal<T> {
  const items: T[] = [];
  return {
    add(entry) {
      items.push(entry);
      if (items.length > max) items.splice(0, items.length - max);
      return entry;
    },
    list: () => items.slice(),
    clear() {
      items.length = 0;
    },
  };
}

/** One server-to-server call the peer made (or decided not to make) to a merchant. */
export interface NotificationRecord {
  id: number;
  at: string;
  /** The transaction it is about, e.g. `LTHUB001:LT20250304-0001`. */
  key: string;
  /** 1-based delivery attempt; duplicates share their attempt's number. */
  attempt: number;
  /** 0 for the original, 1..n for the duplicates sent alongside it. */
  copy: number;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  tampered: boolean;
  /** `sent` with the merchant's answer, `failed` (transport error or timeout), `lost` (fault: never sent). */
  outcome: 'sent' | 'failed' | 'lost';
  status?: number;
  response?: unknown;
  error?: string;
  durationMs?: number;
}

/** One protocol call the peer received, with what it answered. */
export interface RequestRecord {
  at: string;
  route: string;
  /** What the peer received (query or body), bounded. */
  received: unknown;
  status: number;
  answered: unknown;
  /** A fault that decided the answer, if any. */
  fault?: 'error' | 'timeout';
}

/**
 * A received payload as the journal keeps it: as-is when small, else a truncated JSON string, so a
 * hostile 1 MB body cannot make thousands of journal entries eat the sandbox's memory.
 */
export function bounded(value: unknown, maxChars = 8_192): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
  if (text === undefined || text.length <= maxChars) return value;
  return `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters]`;
}
