import { HubError, type HubErrorOptions } from '@lienthong/platform';

/**
 * Stable codes of national-sync (conventions §4). `retriable` is what the consumer runner reads: a
 * retriable ingest error is retried and the offset stays uncommitted; any other goes to the DLQ.
 */
export const SyncErrorCodes = Object.freeze({
  /** A dossier event whose data is not the packet its type promises (wrong subject, fails the schema). */
  BAD_EVENT: 'LT_SYNC_BAD_EVENT',
  /** The ledger (Postgres) could not be reached or the transaction was aborted; retry. */
  LEDGER_UNAVAILABLE: 'LT_SYNC_LEDGER_UNAVAILABLE',
  /** The ledger refused the data itself (e.g. a value Postgres cannot store); retrying will not help. */
  LEDGER_REFUSED: 'LT_SYNC_LEDGER_REFUSED',
  /** Admin: no ledger row for that MaHoSo. */
  DOSSIER_NOT_FOUND: 'LT_SYNC_DOSSIER_NOT_FOUND',
  /** Admin: no ledger row for that answer or promotion-dossier status (outbound/). */
  OUTBOUND_NOT_FOUND: 'LT_SYNC_OUTBOUND_NOT_FOUND',
  /** Admin: replay request without a usable maHoSo or deadLettersSince. */
  BAD_REPLAY_REQUEST: 'LT_SYNC_BAD_REPLAY_REQUEST',
  /** A fee settlement whose payment agency is not the dossier's (the MaHoSo prefix): never pushed. */
  FEE_AGENCY_MISMATCH: 'LT_SYNC_FEE_AGENCY_MISMATCH',
  /** Reading the dead-letter topic did not finish in time. */
  DLQ_READ_FAILED: 'LT_SYNC_DLQ_READ_FAILED',
} as const);

export type SyncErrorCode = (typeof SyncErrorCodes)[keyof typeof SyncErrorCodes];

export class SyncError extends HubError {
  constructor(code: SyncErrorCode, message: string, opts: HubErrorOptions = {}) {
    super(code, message, opts);
    this.name = 'SyncError';
  }
}

/**
 * SQLSTATE classes worth retrying: connection (08), transaction rollback such as serialization or
 * deadlock (40), insufficient resources (53), operator intervention such as a restart (57), system (58).
 * An error without a SQLSTATE is a network-level failure of the client: retriable too.
 */
const retriableSqlStates = /^(08|40|53|57|58)/;

/** Wraps an error from the ledger so the consumer runner knows whether to retry it. */
export function ledgerError(err: unknown, what: string): HubError {
  if (err instanceof HubError) return err;
  const code = (err as { code?: unknown }).code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const retriable = sqlState === undefined || retriableSqlStates.test(sqlState);
  return new SyncError(
    retriable ? SyncErrorCodes.LEDGER_UNAVAILABLE : SyncErrorCodes.LEDGER_REFUSED,
    `${what}: ${(err as Error).message ?? String(err)}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}`,
    { kind: retriable ? 'unavailable' : 'internal', retriable, cause: err, messageVi: `sổ cái đồng bộ: ${what} thất bại` },
  );
}
