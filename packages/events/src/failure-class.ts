import { isConnectionError, isKafkaUnavailableError, isRetriable, isTransientDatabaseError } from '@lienthong/platform';

/**
 * How the consumer runner treats a handler's failure (issue 17 §3, docs/architecture.md "Failures").
 *
 * - `wait`: the infrastructure failed, not the record — Postgres down or restarting (pg class 08, 57P0x,
 *   socket errors), a transient database condition (deadlock, serialization, too many connections,
 *   statement timeout under load, read-only during a failover), Kafka unreachable or timing out, or any
 *   error flagged `retriable: true` (HubError's contract: "the same call may succeed later"). The record is
 *   NOT dead-lettered, however long the outage: the partition pauses, the runner backs off (capped,
 *   jittered) and retries the same record once the dependency answers; records behind it wait, so order per
 *   key holds. A dead letter here would lose a fee or a dossier for as long as nobody replays it.
 * - `dead-letter`: the record itself is wrong — not a CloudEvent, refused by validation, a bad signature,
 *   a HubError with `retriable: false`, a database data error (class 22, 23), or a bug (TypeError…). Retrying
 *   cannot help; the record goes to `<topic>.dlq` with the reason, and the partition moves on.
 *
 * The distinction is by cause, never by attempt count: an infrastructure error never turns into a dead
 * letter after N attempts.
 */
export type FailureClass = 'wait' | 'dead-letter';

export function classifyFailure(err: unknown): FailureClass {
  if (isRetriable(err)) return 'wait';
  // A HubError that says "not retriable" is a decision about the data, unless its cause is the infrastructure
  // (e.g. a RetryExhaustedError whose last attempt failed on a lost connection).
  if (isConnectionError(err) || isTransientDatabaseError(err) || isKafkaUnavailableError(err)) return 'wait';
  return 'dead-letter';
}

/** A short reason for logs: the error's code (pg SQLSTATE, kafkajs name or LT_ code) and message. */
export function describeFailure(err: unknown): { code: string; message: string } {
  const code = (err as { code?: unknown } | null)?.code;
  const name = (err as Error | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  return { code: typeof code === 'string' ? code : (name ?? 'Error'), message: message.slice(0, 500) };
}
