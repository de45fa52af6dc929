import type { PoolClient } from '@lienthong/platform';

/** Where an outbox record goes: a catalogue key, resolved to a topic name (with namespace) by the relay. */
export type OutboxTopic = 'syncOutcomes' | 'dossierEventsDlq' | 'nationalOutboundDlq';

export interface OutboxRecord {
  topic: OutboxTopic;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Adds records to the transactional outbox on `client`, inside the caller's transaction: the outcome
 * or dead letter becomes visible exactly when the ledger change it reports commits, and a crash can
 * never leave one without the other.
 */
export async function enqueueOutbox(client: PoolClient, records: readonly OutboxRecord[]): Promise<void> {
  if (records.length === 0) return;
  await client.query(
    `INSERT INTO sync_outbox (topic, key, value, headers)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
    [
      records.map((r) => r.topic),
      records.map((r) => r.key),
      records.map((r) => r.value),
      records.map((r) => JSON.stringify(r.headers)),
    ],
  );
}
