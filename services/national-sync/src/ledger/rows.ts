import type { CloudEvent } from '@lienthong/events';
import { versionFromRow, type Version } from '../version.js';

export type DossierState = 'pending' | 'retrying' | 'synced' | 'rejected';

/** A sync_dossier row as pg returns it (timestamptz → Date, bigint → string, jsonb → object). */
export interface DossierRowRaw {
  ma_ho_so: string;
  snapshot_event: CloudEvent | null;
  snapshot_time: Date | null;
  snapshot_seq: string | null;
  snapshot_accepted_at: Date | null;
  fee_overlay: Record<string, unknown> | null;
  fee_time: Date | null;
  portal_time: Date | null;
  portal_seq: string | null;
  portal_event_id: string | null;
  portal_status: string | null;
  portal_synced_at: Date | null;
  rejected_time: Date | null;
  rejected_seq: string | null;
  state: DossierState;
  due_at: Date | null;
  resync: boolean;
  attempts: number;
  total_attempts: number;
  last_error_code: string | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  reconciled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** Only from a claim or a cycle's own write: the row's xmin (what an optimistic settlement checks). */
  row_version?: string;
  /** Only from a claim: steps not yet acknowledged nor refused, and steps refused. */
  pending_steps?: number;
  rejected_steps?: number;
}

/** The same row with versions decoded. */
export interface DossierRow {
  maHoSo: string;
  snapshotEvent: CloudEvent | null;
  snapshotVersion: Version | undefined;
  feeOverlay: Record<string, unknown> | null;
  portalVersion: Version | undefined;
  rejectedVersion: Version | undefined;
  state: DossierState;
  resync: boolean;
  attempts: number;
  /**
   * The row's version as this process last saw it (its xmin: Postgres gives every write of a row a new one),
   * when it came from a claim or from the cycle's own write; the settlement writes without a re-read only
   * while the row still has it (ledger/results.ts).
   */
  rowVersion?: string;
  /** Step counts at claim time (a claimed row only). */
  pendingSteps?: number;
  rejectedSteps?: number;
  raw: DossierRowRaw;
}

export function decodeDossierRow(r: DossierRowRaw): DossierRow {
  return {
    maHoSo: r.ma_ho_so,
    snapshotEvent: r.snapshot_event,
    snapshotVersion: versionFromRow(r.snapshot_time, r.snapshot_seq),
    feeOverlay: r.fee_overlay,
    portalVersion: versionFromRow(r.portal_time, r.portal_seq),
    rejectedVersion: versionFromRow(r.rejected_time, r.rejected_seq),
    state: r.state,
    resync: r.resync,
    attempts: r.attempts,
    ...(r.row_version !== undefined ? { rowVersion: r.row_version } : {}),
    ...(r.pending_steps !== undefined ? { pendingSteps: r.pending_steps, rejectedSteps: r.rejected_steps ?? 0 } : {}),
    raw: r,
  };
}

/** A pending progress step, in push order. */
export interface StepRow {
  maHoSo: string;
  stepKey: string;
  event: CloudEvent;
  version: Version;
}

export interface StepRowRaw {
  ma_ho_so: string;
  step_key: string;
  event: CloudEvent;
  ver_time: Date;
  ver_seq: string;
}

export function decodeStepRow(r: StepRowRaw): StepRow {
  return {
    maHoSo: r.ma_ho_so,
    stepKey: r.step_key,
    event: r.event,
    version: { timeMs: r.ver_time.getTime(), seq: BigInt(r.ver_seq) },
  };
}
