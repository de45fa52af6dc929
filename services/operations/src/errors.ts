import { HubError, type HubErrorOptions } from '@lienthong/platform';

/** Stable error codes of the operations service (conventions §4). */
export const OpsErrorCodes = Object.freeze({
  CALENDAR_INVALID: 'LT_OPS_CALENDAR_INVALID',
  CALENDAR_RANGE: 'LT_OPS_CALENDAR_RANGE',
  REGISTRY_INVALID: 'LT_OPS_REGISTRY_INVALID',
  BAD_EVENT: 'LT_OPS_BAD_EVENT',
  BAD_QUERY: 'LT_OPS_BAD_QUERY',
  UNKNOWN_INDICATOR: 'LT_OPS_UNKNOWN_INDICATOR',
  DOSSIER_NOT_FOUND: 'LT_OPS_DOSSIER_NOT_FOUND',
  APOLOGY_INVALID: 'LT_OPS_APOLOGY_INVALID',
  // Warnings of an apology letter (recorded anyway: the rules behind them are the hub's inference).
  APOLOGY_NOT_OVERDUE: 'LT_OPS_APOLOGY_NOT_OVERDUE',
  APOLOGY_DOSSIER_ENDED: 'LT_OPS_APOLOGY_DOSSIER_ENDED',
  APOLOGY_NOT_WORKING_DAY: 'LT_OPS_APOLOGY_NOT_WORKING_DAY',
  RATING_INVALID: 'LT_OPS_RATING_INVALID',
  CATALOGUE_SYNC_FAILED: 'LT_OPS_CATALOGUE_SYNC_FAILED',
});

/** A domain error of the operations service: knows nothing of HTTP (the platform handler maps `kind`). */
export class OpsError extends HubError {
  constructor(code: string, message: string, opts: HubErrorOptions = {}) {
    super(code, message, opts);
    this.name = 'OpsError';
  }
}

/** 400 with one detail per offending input path. */
export function badInput(code: string, problems: { path: string; en: string; vi: string }[]): OpsError {
  return new OpsError(code, problems.map((p) => `${p.path || '/'}: ${p.en}`).join('; '), {
    kind: 'invalid',
    messageVi: problems.map((p) => `${p.path || '/'}: ${p.vi}`).join('; '),
    details: problems.map((p) => ({ path: p.path, code, message: p.vi, message_en: p.en })),
  });
}
