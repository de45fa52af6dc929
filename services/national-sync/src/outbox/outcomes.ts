import { createEvent, type CloudEvent } from '@lienthong/events';
import { formatVersion, type Version } from '../version.js';
import type { OutboxRecord } from './outbox.js';

export const SYNC_SOURCE = 'urn:lienthong:national-sync';
/**
 * `dataschema` of outcome events. The JSON Schema file itself belongs in schemas/events/ (owned by the
 * standard's maintainers); its shape is SyncOutcomeData below.
 */
export const SYNC_OUTCOME_SCHEMA_ID = 'https://lienthong.gov.vn/schemas/events/sync-outcome.v1.json';

export type SyncOutcomeKind = 'synced' | 'rejected' | 'retrying';
export type PortalService = 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC';

/** Payload of `vn.lienthong.sync.<outcome>` on sync.outcomes.v1. Never any packet content. */
export interface SyncOutcomeData {
  maHoSo: string;
  outcome: SyncOutcomeKind;
  service: PortalService;
  /** Ids of the dossier events this outcome covers (the snapshot's, or the steps'). */
  eventIds: string[];
  /** Version of the snapshot pushed (`<acceptance time>#<offset>`); null for progress steps. */
  version: string | null;
  /** Push attempts for this dossier so far, this one included. */
  attempts: number;
  /** synced: milliseconds from the gateway's acceptance to the portal's acknowledgement (oldest event covered). */
  lagMs?: number;
  errorCode?: string;
  /** rejected: the portal's code and words; retrying: our error message. */
  portalCode?: string;
  reason?: string;
  /** retrying: when the next attempt is due. */
  nextAttemptAt?: string;
}

export function outcomeEvent(data: SyncOutcomeData, now: Date): CloudEvent<SyncOutcomeData> {
  return createEvent({
    source: SYNC_SOURCE,
    type: `vn.lienthong.sync.${data.outcome}`,
    subject: data.maHoSo,
    dataschema: SYNC_OUTCOME_SCHEMA_ID,
    data,
    time: now,
  });
}

export function outcomeRecord(data: SyncOutcomeData, now: Date): OutboxRecord {
  const e = outcomeEvent(data, now);
  return { topic: 'syncOutcomes', key: e.subject, value: JSON.stringify(e), headers: { 'ce-type': e.type, 'ce-id': e.id } };
}

export interface DeadLetterInfo {
  /** Name of dossier.events.v1 (with namespace) the event came from. */
  originalTopic: string;
  version: Version;
  errorCode: string;
  reason: string;
  portalCode?: string;
  attempts: number;
  group: string;
  now: Date;
}

/**
 * A permanent rejection as a dead letter: the original CloudEvent as the value, the reason in the same
 * headers the consumer runner writes (packages/events consumer.ts), plus the portal's code, so one
 * replay path reads both kinds.
 */
export function deadLetterRecord(event: CloudEvent, info: DeadLetterInfo): OutboxRecord {
  const headers: Record<string, string> = {
    'ce-type': event.type,
    'ce-id': event.id,
    'dlq-original-topic': info.originalTopic,
    'dlq-original-offset': info.version.seq.toString(),
    'dlq-error-code': info.errorCode,
    'dlq-reason': info.reason.slice(0, 2_000),
    'dlq-attempts': String(info.attempts),
    'dlq-time': info.now.toISOString(),
    'dlq-group': info.group,
    'dlq-version': formatVersion(info.version) ?? '',
  };
  if (info.portalCode !== undefined) headers['dlq-portal-code'] = info.portalCode;
  return { topic: 'dossierEventsDlq', key: event.subject, value: JSON.stringify(event), headers };
}
