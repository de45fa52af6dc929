import { createEvent, type CloudEvent } from '@lienthong/events';
import { schemaIds, type SyncOutcomeEvent } from '@lienthong/standard';
import { formatVersion, type Version } from '../version.js';
import type { OutboxRecord } from './outbox.js';

export const SYNC_SOURCE = 'urn:lienthong:national-sync';
/** `dataschema` of outcome events: schemas/events/sync-outcome.v1.json. */
export const SYNC_OUTCOME_SCHEMA_ID = schemaIds.syncOutcomeEvent;

/** The outcome in the event type `vn.lienthong.sync.<outcome>` (design flow 2, issue 4). */
export type SyncOutcomeKind = 'synced' | 'rejected' | 'retrying';
export type PortalService =
  | 'DongBoHoSoMC'
  | 'CapNhatTienDoHoSoMC'
  // Answers and promotion-dossier statuses (outbound/, national.outbound.v1).
  | 'DongBoKetQuaHoiDapGuiTuDVCQG'
  | 'DongBoTrangThaiHoSo';

/**
 * The schema names a successful push `accepted` (the portal accepted it); the event type says `synced`, as the
 * design does. Both are kept: the type for routing, the data as the schema defines it.
 */
const dataOutcome: Record<SyncOutcomeKind, SyncOutcomeEvent['outcome']> = {
  synced: 'accepted',
  rejected: 'rejected',
  retrying: 'retrying',
};

export interface OutcomeInput {
  maHoSo: string;
  outcome: SyncOutcomeKind;
  service: PortalService;
  /** The dossier event this outcome is about (the snapshot's, or one step's). */
  sourceEventId?: string;
  /** Push attempts for this dossier so far, this one included. */
  attempts: number;
  /** The hub's own LT_* code of a failure (rejected, retrying), so consumers can group failures. */
  errorCode?: string;
  /** The portal's own code and words, when it answered (never packet content). */
  portalCode?: string;
  portalMessage?: string;
}

export function outcomeEvent(o: OutcomeInput, now: Date): CloudEvent<SyncOutcomeEvent> {
  const data: SyncOutcomeEvent = {
    MaHoSo: o.maHoSo,
    packet: o.service,
    outcome: dataOutcome[o.outcome],
    attempts: Math.max(1, o.attempts),
    at: now.toISOString(),
    ...(o.sourceEventId ? { sourceEventId: o.sourceEventId.slice(0, 200) } : {}),
    ...(o.errorCode ? { errorCode: o.errorCode } : {}),
    ...(o.portalCode ? { portalErrorCode: o.portalCode.slice(0, 16) } : {}),
    ...(o.portalMessage ? { portalMessage: o.portalMessage.slice(0, 4_000) } : {}),
  };
  return createEvent({
    source: SYNC_SOURCE,
    type: `vn.lienthong.sync.${o.outcome}`,
    subject: o.maHoSo,
    dataschema: SYNC_OUTCOME_SCHEMA_ID,
    data,
    time: now,
  });
}

export function outcomeRecord(o: OutcomeInput, now: Date): OutboxRecord {
  const e = outcomeEvent(o, now);
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
