import { HubError, errorMessage } from '@lienthong/platform';

/**
 * The part of @lienthong/dvcqg's DvcqgClient national-sync uses. Taking this narrow interface (instead of
 * importing the client here) keeps the push logic testable with a fake portal; main.ts passes the real
 * createDvcqgClient(...) which satisfies it.
 */
export interface PortalClient {
  dongBoHoSo(items: object[], opts: { isUpdating: boolean }): Promise<unknown>;
  capNhatTienDo(items: object[]): Promise<unknown>;
  traCuuHoSo(maHoSo: string): Promise<object[]>;
  /** Answers to citizens' questions and promotion-dossier statuses (outbound/pusher.ts). */
  dongBoKetQuaHoiDap(items: object[]): Promise<unknown>;
  dongBoTrangThaiHoSo(data: object): Promise<unknown>;
}

/**
 * What a failed portal call means for the dossiers in it:
 *  - `exists`: a create of a dossier the portal holds; send it again as an update, now.
 *  - `rejected`: the portal refused the packet itself; dead-letter it with the portal's reason.
 *  - `transient`: anything else; retry later with backoff. Deliberately the default: a login refused
 *    for our credentials, a programming error or an unknown failure is not the dossier's fault and
 *    must never dead-letter it.
 */
export type FailureKind = 'exists' | 'rejected' | 'transient';

export interface PortalFailure {
  kind: FailureKind;
  code: string;
  /** Our words: safe to log and store (no packet content). */
  message: string;
  portalCode?: string;
  /** The portal's own words, for the DLQ reason. */
  portalMessage?: string;
  /** The dossier the portal's message names, when it named one. */
  maHoSo?: string;
  /** Whether this failure says something about the portal's health (counts for the circuit breaker). */
  countsForBreaker: boolean;
}

/** HTTP statuses that refuse the request's content rather than signal a sick portal. */
const contentStatuses = new Set([400, 413, 422]);

export function classifyFailure(err: unknown): PortalFailure {
  const e = err as {
    code?: unknown;
    retriable?: unknown;
    portalCode?: unknown;
    portalMessage?: unknown;
    maHoSo?: unknown;
    status?: unknown;
  };
  const code = err instanceof HubError ? err.code : typeof e.code === 'string' ? e.code : 'LT_SYNC_PUSH_FAILED';
  const base = {
    code,
    message: errorMessage(err).slice(0, 500),
    ...(typeof e.portalCode === 'string' ? { portalCode: e.portalCode } : {}),
    ...(typeof e.portalMessage === 'string' ? { portalMessage: e.portalMessage } : {}),
    ...(typeof e.maHoSo === 'string' ? { maHoSo: e.maHoSo } : {}),
  };
  if (code === 'LT_DVCQG_ALREADY_EXISTS') return { ...base, kind: 'exists', countsForBreaker: false };
  if (code === 'LT_DVCQG_REJECTED') return { ...base, kind: 'rejected', countsForBreaker: false };
  if (code === 'LT_HTTP_STATUS' && typeof e.status === 'number' && contentStatuses.has(e.status)) {
    return { ...base, kind: 'rejected', countsForBreaker: false };
  }
  return { ...base, kind: 'transient', countsForBreaker: e.retriable === true };
}
