import type { IHeaders } from 'kafkajs';

/**
 * Record headers the hub writes, in one place: dead-letter reasons (consumer.ts), replay routing
 * (dead-letters.ts), the CloudEvents binding (producer.ts) and settlement signatures (signature.ts).
 */
export const headerNames = {
  /** CloudEvents Kafka protocol binding, structured mode (cloudevents/spec kafka-protocol-binding.md §3.2). */
  contentType: 'content-type',
  dlqOriginalTopic: 'dlq-original-topic',
  dlqOriginalPartition: 'dlq-original-partition',
  dlqOriginalOffset: 'dlq-original-offset',
  dlqErrorCode: 'dlq-error-code',
  dlqReason: 'dlq-reason',
  dlqAttempts: 'dlq-attempts',
  dlqTime: 'dlq-time',
  /** The consumer group whose handler refused the record. */
  dlqGroup: 'dlq-group',
  /** On a replayed record: only this consumer group handles it; every other group skips it. */
  replayGroup: 'lt-replay-group',
  replayOriginalPartition: 'lt-replay-original-partition',
  /** Offset of the record in its original topic (handlers that order by offset use it, not the new one). */
  replayOriginalOffset: 'lt-replay-original-offset',
  replayDlqOffset: 'lt-replay-dlq-offset',
  replayTime: 'lt-replay-time',
  /** HMAC of the record's value by its producer (signature.ts). */
  signature: 'lt-signature',
} as const;

/** The structured-mode content type of every event record (CloudEvents JSON event format, UTF-8). */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

/** A header as a string (first value when repeated), or undefined. */
export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined || v === null) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

/** Every header as a string (first value when repeated). */
export function plainHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(headers ?? {})) {
    const v = headerValue(headers, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
