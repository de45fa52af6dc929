import type { Pool } from '@lienthong/platform';
import { decodeDossierRow, type DossierRowRaw } from '../ledger/rows.js';
import { formatVersion } from '../version.js';

/** The ledger entry of a dossier for operators: versions, state and errors, never the packet itself. */
export interface DossierStatus {
  maHoSo: string;
  state: string;
  acceptedVersion: string | null;
  acceptedEventId: string | null;
  acceptedStatus: string | null;
  portalVersion: string | null;
  portalEventId: string | null;
  portalStatus: string | null;
  portalSyncedAt: string | null;
  rejectedVersion: string | null;
  due: string | null;
  resync: boolean;
  attempts: number;
  totalAttempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  reconciledAt: string | null;
  steps: { pending: number; pushed: number; rejected: number };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function readDossierStatus(pool: Pool, maHoSo: string): Promise<DossierStatus | undefined> {
  const r = await pool.query<DossierRowRaw>('SELECT * FROM sync_dossier WHERE ma_ho_so = $1', [maHoSo]);
  const raw = r.rows[0];
  if (!raw) return undefined;
  const row = decodeDossierRow(raw);
  const c = await pool.query<{ pending: string; pushed: string; rejected: string }>(
    `SELECT count(*) FILTER (WHERE pushed_at IS NULL AND rejected_at IS NULL) AS pending,
            count(*) FILTER (WHERE pushed_at IS NOT NULL) AS pushed,
            count(*) FILTER (WHERE pushed_at IS NULL AND rejected_at IS NOT NULL) AS rejected
       FROM sync_progress WHERE ma_ho_so = $1`,
    [maHoSo],
  );
  const counts = c.rows[0]!;
  const status = (row.snapshotEvent?.data as { TrangThaiHoSo?: string } | undefined)?.TrangThaiHoSo ?? null;
  return {
    maHoSo,
    state: row.state,
    acceptedVersion: formatVersion(row.snapshotVersion),
    acceptedEventId: row.snapshotEvent?.id ?? null,
    acceptedStatus: status,
    portalVersion: formatVersion(row.portalVersion),
    portalEventId: raw.portal_event_id,
    portalStatus: raw.portal_status,
    portalSyncedAt: iso(raw.portal_synced_at),
    rejectedVersion: formatVersion(row.rejectedVersion),
    due: iso(raw.due_at),
    resync: raw.resync,
    attempts: raw.attempts,
    totalAttempts: raw.total_attempts,
    lastErrorCode: raw.last_error_code,
    lastError: raw.last_error,
    lastAttemptAt: iso(raw.last_attempt_at),
    reconciledAt: iso(raw.reconciled_at),
    steps: { pending: Number(counts.pending), pushed: Number(counts.pushed), rejected: Number(counts.rejected) },
  };
}
