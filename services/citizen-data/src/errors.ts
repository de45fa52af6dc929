import { HubError, type ErrorDetail } from '@lienthong/platform';

/**
 * citizen-data's own refusals (conventions §4); the peers' errors come from @lienthong/csdl-dancu and
 * @lienthong/dkkd. Every one of these is written to the audit log before it is thrown.
 */
export const CitizenDataErrors = {
  INVALID: 'LT_CITIZEN_REQUEST_INVALID',
  PURPOSE_MISSING: 'LT_CITIZEN_PURPOSE_MISSING',
  PURPOSE_INVALID: 'LT_CITIZEN_PURPOSE_INVALID',
  AGENCY_FORBIDDEN: 'LT_AUTH_AGENCY_FORBIDDEN',
  NOT_LICENSED: 'LT_CITIZEN_PROCEDURE_NOT_LICENSED',
  RATE_LIMITED: 'LT_CITIZEN_RATE_LIMITED',
  QUOTA_EXHAUSTED: 'LT_CITIZEN_QUOTA_EXHAUSTED',
  NOT_FOUND: 'LT_CITIZEN_NOT_FOUND',
  AUDIT_UNAVAILABLE: 'LT_CITIZEN_AUDIT_UNAVAILABLE',
} as const;

export const invalid = (en: string, vi: string, details: ErrorDetail[] = []) =>
  new HubError(CitizenDataErrors.INVALID, en, { kind: 'invalid', messageVi: vi, details });

export class RateLimitedError extends HubError {
  constructor(
    code: string,
    en: string,
    vi: string,
    readonly retryAfterS: number,
  ) {
    super(code, en, { kind: 'rate_limited', messageVi: vi });
  }
}
