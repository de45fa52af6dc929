import { createEvent, type CloudEvent } from '@lienthong/events';
import type { NationalOutboundEvent, SyncOutcomeEvent } from '@lienthong/standard';
import { SYNC_OUTCOME_SCHEMA_ID, SYNC_SOURCE, type PortalService } from '../outbox/outcomes.js';
import type { OutboxRecord } from '../outbox/outbox.js';
import type { OutboundDecision } from './plan.js';
import { formatOutbound, type OutboundKind, type OutboundVersion } from './rows.js';

/** The portal service that carries each kind [code S1 §5]. */
export const serviceOfKind: Readonly<Record<OutboundKind, PortalService>> = Object.freeze({
  'qa-answer': 'DongBoKetQuaHoiDapGuiTuDVCQG',
  'promotion-status': 'DongBoTrangThaiHoSo',
});

/** Error code of a key given up on after NATIONAL_SYNC_OUTBOUND_MAX_ATTEMPTS consecutive transient failures. */
export const RETRIES_EXHAUSTED = 'LT_SYNC_RETRIES_EXHAUSTED';

/**
 * The outcome event of one push of an answer or a status on sync.outcomes.v1 (schemas/events/sync-outcome.v1.json):
 * subject as the event pushed (HOIDAP-<id>, or the DVCQG MaHoSo), the question or the dossier's two codes, the
 * agency, the portal's words on failure — never the answer's text. Retries exhausted are `vn.lienthong.sync.rejected`
 * with `outcome: "dead-lettered"` and LT_SYNC_RETRIES_EXHAUSTED: the hub gave up, the portal refused nothing.
 */
export function outboundOutcomeEvent(
  event: CloudEvent<NationalOutboundEvent>,
  decision: Pick<OutboundDecision, 'outcome' | 'attempts'>,
  attempts: number,
  now: Date,
): CloudEvent<SyncOutcomeEvent> {
  const d = event.data;
  const packet = d.packet as Record<string, unknown>;
  const o = decision.outcome;
  const failure = o.kind === 'synced' ? undefined : o.failure;
  const data: SyncOutcomeEvent = {
    ...(d.kind === 'qa-answer' ? { HOIDAPID: d.key } : { MaHoSo: d.key, MaHoSoDonVi: String(packet.MaHoSoDonVi).slice(0, 100) }),
    agencyCode: d.agency,
    packet: serviceOfKind[d.kind] as SyncOutcomeEvent['packet'],
    outcome: o.kind === 'synced' ? 'accepted' : o.kind === 'exhausted' ? 'dead-lettered' : o.kind,
    attempts: Math.max(1, attempts),
    at: now.toISOString(),
    sourceEventId: event.id.slice(0, 200),
    ...(failure ? { errorCode: o.kind === 'exhausted' ? RETRIES_EXHAUSTED : failure.code } : {}),
    ...(failure?.portalCode ? { portalErrorCode: failure.portalCode.slice(0, 16) } : {}),
    ...(failure?.portalMessage ? { portalMessage: failure.portalMessage.slice(0, 4_000) } : {}),
  };
  const type = o.kind === 'synced' ? 'synced' : o.kind === 'retrying' ? 'retrying' : 'rejected';
  return createEvent({
    source: SYNC_SOURCE,
    type: `vn.lienthong.sync.${type}`,
    subject: event.subject,
    dataschema: SYNC_OUTCOME_SCHEMA_ID,
    data,
    time: now,
  });
}

export function outboundOutcomeRecord(
  event: CloudEvent<NationalOutboundEvent>,
  decision: Pick<OutboundDecision, 'outcome' | 'attempts'>,
  attempts: number,
  now: Date,
): OutboxRecord {
  const e = outboundOutcomeEvent(event, decision, attempts, now);
  return { topic: 'syncOutcomes', key: e.subject, value: JSON.stringify(e), headers: { 'ce-type': e.type, 'ce-id': e.id } };
}

export interface OutboundDeadLetterInfo {
  /** national.outbound.v1 with its namespace: where a replay sends it back. */
  originalTopic: string;
  /** The consumer group of national.outbound.v1 (national-sync's), which a replay is for. */
  group: string;
  version: OutboundVersion;
  errorCode: string;
  reason: string;
  portalCode?: string;
  attempts: number;
  now: Date;
}

/**
 * An answer or status given up on, as a dead letter of national.outbound.v1.dlq: the original CloudEvent with the
 * consumer runner's headers (packages/events), so the generic replay (console, CLI) republishes it to
 * national.outbound.v1 for national-sync's group only, with its first offset — the consumer then replays the key.
 */
export function outboundDeadLetterRecord(event: CloudEvent, info: OutboundDeadLetterInfo): OutboxRecord {
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
    'dlq-version': formatOutbound(info.version),
  };
  if (info.portalCode !== undefined) headers['dlq-portal-code'] = info.portalCode;
  return { topic: 'nationalOutboundDlq', key: event.subject, value: JSON.stringify(event), headers };
}
