/**
 * Which failures come from the infrastructure (Postgres, Kafka, the network) rather than from the data.
 * The consumer runner (packages/events/src/failure-class.ts) never dead-letters these: it waits for the
 * dependency and retries, because the same record will succeed once the dependency answers. Only
 * failures caused by the record itself go to a dead-letter topic (issue 17 §3).
 */

/** Socket-level codes Node and pg report for a peer that is down, restarting or unreachable. */
const socketCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/**
 * SQLSTATEs of a server that cannot serve right now, whatever the query (PostgreSQL, Appendix A "Error
 * Codes"): class 08 connection exception, 57P01–57P05 admin shutdown / crash shutdown / cannot connect
 * now / database dropped / idle session timeout.
 */
const pgUnavailable = /^(08|57P0)/;

/**
 * SQLSTATEs that say "try again" without anything wrong in the data: 53xxx insufficient resources (too
 * many connections, disk full, out of memory), 40001 serialization failure, 40P01 deadlock, 55P03 lock not
 * available, 57014 query canceled (our statement_timeout under load), 25006 read-only transaction (a
 * failover that has not promoted the new primary yet), 58xxx system error (I/O), XX000 is NOT here: an
 * internal error may follow the data.
 */
const pgTransient = /^(53|58|40001$|40P01$|55P03$|57014$|25006$)/;

const pgMessages =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|Client was closed and is not queryable|Cannot use a pool after calling end/i;

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Walks `err` and its `cause` chain (bounded), stopping at the first link `test` accepts. */
function someInChain(err: unknown, test: (e: unknown) => boolean): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 6; depth++) {
    if (test(e)) return true;
    e = (e as { cause?: unknown; originalError?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}

/** pg's errors for a server that is down, restarting or refusing connections (class 08, 57P0x, socket codes). */
export function isConnectionError(err: unknown): boolean {
  return someInChain(err, (e) => {
    const code = codeOf(e);
    if (code && (pgUnavailable.test(code) || socketCodes.has(code))) return true;
    return pgMessages.test((e as Error).message ?? '');
  });
}

/** A Postgres error that will go away by itself (see pgTransient), connection errors included. */
export function isTransientDatabaseError(err: unknown): boolean {
  return (
    isConnectionError(err) ||
    someInChain(err, (e) => {
      const code = codeOf(e);
      return !!code && /^[0-9A-Z]{5}$/.test(code) && pgTransient.test(code);
    })
  );
}

/**
 * kafkajs errors of an unreachable or overloaded cluster. kafkajs marks them `retriable`, and wraps the
 * last one in KafkaJSNumberOfRetriesExceeded (not retriable itself) once its own retrier gave up; the
 * cause is what tells.
 */
export function isKafkaUnavailableError(err: unknown): boolean {
  return someInChain(err, (e) => {
    const name = (e as Error | null)?.name ?? '';
    if (!name.startsWith('KafkaJS')) return false;
    if ((e as { retriable?: unknown }).retriable === true) return true;
    return /^KafkaJS(ConnectionError|ConnectionClosedError|RequestTimeoutError|BrokerNotFound|LockTimeout|Timeout)$/.test(name);
  });
}
