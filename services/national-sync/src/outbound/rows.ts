import type { CloudEvent } from '@lienthong/events';
import type { NationalOutboundEvent } from '@lienthong/standard';

/** What the province sends back to the portal outside the dossier flow (schemas/events/national-outbound.v1.json). */
export type OutboundKind = NationalOutboundEvent['kind'];
export type OutboundState = 'pending' | 'retrying' | 'synced' | 'dead-lettered';

/**
 * The version that decides "newer" for the never-regress rule, compared in this order:
 *  - `rank`: the status's own NgayXuLy (yyyyMMddHHmmss, local time: string order is time order), '' for an
 *    answer. A provincial system that re-sends an older status late (after a timeout) cannot overwrite a newer one;
 *  - `timeMs`: when inbound accepted it (the event's `time`), then
 *  - `seq`: the record's offset in national.outbound.v1 (its first offset for a replayed dead letter): within
 *    one key, one partition, so acceptance order.
 * Same assumption as dossiers (version.ts): inbound instances keep their clocks in sync.
 */
export interface OutboundVersion {
  rank: string;
  timeMs: number;
  seq: bigint;
}

/** <0 if a is older than b, 0 if the same version, >0 if newer; `undefined` is older than everything. */
export function compareOutbound(a: OutboundVersion | undefined, b: OutboundVersion | undefined): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  // Code-unit order, as the column's COLLATE "C" in SQL.
  if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}

export const formatOutbound = (v: OutboundVersion): string => `${v.rank || '-'}/${new Date(v.timeMs).toISOString()}#${v.seq}`;

/** A sync_outbound row as pg returns it. */
export interface OutboundRowRaw {
  kind: OutboundKind;
  key: string;
  agency: string;
  event: CloudEvent<NationalOutboundEvent>;
  ver_rank: string;
  ver_time: Date;
  ver_seq: string;
  portal_rank: string | null;
  portal_time: Date | null;
  portal_seq: string | null;
  portal_event_id: string | null;
  portal_synced_at: Date | null;
  dead_rank: string | null;
  dead_time: Date | null;
  dead_seq: string | null;
  state: OutboundState;
  due_at: Date | null;
  resync: boolean;
  attempts: number;
  total_attempts: number;
  last_error_code: string | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The same row with versions decoded. */
export interface OutboundRow {
  kind: OutboundKind;
  key: string;
  agency: string;
  event: CloudEvent<NationalOutboundEvent>;
  version: OutboundVersion;
  portalVersion: OutboundVersion | undefined;
  deadVersion: OutboundVersion | undefined;
  state: OutboundState;
  resync: boolean;
  attempts: number;
}

const versionOfColumns = (rank: string | null, time: Date | null, seq: string | null): OutboundVersion | undefined =>
  rank === null || time === null || seq === null ? undefined : { rank, timeMs: time.getTime(), seq: BigInt(seq) };

export function decodeOutboundRow(r: OutboundRowRaw): OutboundRow {
  return {
    kind: r.kind,
    key: r.key,
    agency: r.agency,
    event: r.event,
    version: versionOfColumns(r.ver_rank, r.ver_time, r.ver_seq)!,
    portalVersion: versionOfColumns(r.portal_rank, r.portal_time, r.portal_seq),
    deadVersion: versionOfColumns(r.dead_rank, r.dead_time, r.dead_seq),
    state: r.state,
    resync: r.resync,
    attempts: r.attempts,
  };
}
