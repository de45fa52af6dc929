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
 * SQL that inserts the records of `$param` (outboxJson(records)) into the outbox, for a statement of the
 * caller's (a data-modifying CTE, so the ledger change and its outcomes are one statement). `where`
 * filters the records (alias r: topic, key, value, headers), e.g. to the dossiers a settlement wrote.
 * One JSON parameter instead of four text arrays: node-postgres escapes an array's every element in
 * JavaScript, JSON.stringify does the same escaping natively (issue 16's profile of a push cycle).
 */
export function outboxInsertSql(param: string, where = ''): string {
  return `INSERT INTO sync_outbox (topic, key, value, headers)
          SELECT r.topic, r.key, r.value, r.headers
            FROM json_to_recordset(${param}::json) AS r(topic text, key text, value text, headers jsonb) ${where}`;
}

/** The parameter of outboxInsertSql. */
export function outboxJson(records: readonly OutboxRecord[]): string {
  return JSON.stringify(records);
}

/**
 * Adds records to the transactional outbox on `client`, inside the caller's transaction: the outcome
 * or dead letter becomes visible exactly when the ledger change it reports commits, and a crash can
 * never leave one without the other.
 */
export async function enqueueOutbox(client: PoolClient, records: readonly OutboxRecord[]): Promise<void> {
  if (records.length === 0) return;
  await client.query(outboxInsertSql('$1'), [outboxJson(records)]);
}
