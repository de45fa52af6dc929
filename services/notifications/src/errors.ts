import { HubError, type ErrorDetail, type HubErrorOptions } from '@lienthong/platform';

/** Stable codes of the notifications service (conventions §4). */
export const NotifyErrorCodes = {
  TEMPLATES_INVALID: 'LT_NOTIFY_TEMPLATES_INVALID',
  PROVIDERS_INVALID: 'LT_NOTIFY_PROVIDERS_INVALID',
  BAD_EVENT: 'LT_NOTIFY_BAD_EVENT',
  ZALO_TOKEN: 'LT_NOTIFY_ZALO_TOKEN',
  ZALO_REFRESH_REFUSED: 'LT_NOTIFY_ZALO_REFRESH_REFUSED',
  PROVIDER_UNAVAILABLE: 'LT_NOTIFY_PROVIDER_UNAVAILABLE',
  PROVIDER_PROTOCOL: 'LT_NOTIFY_PROVIDER_PROTOCOL',
  WEBHOOK_SIGNATURE: 'LT_NOTIFY_ZALO_SIGNATURE',
  WEBHOOK_TIMESTAMP: 'LT_NOTIFY_ZALO_TIMESTAMP',
} as const;

export class NotifyError extends HubError {
  constructor(code: (typeof NotifyErrorCodes)[keyof typeof NotifyErrorCodes], message: string, opts: HubErrorOptions = {}) {
    super(code, message, opts);
    this.name = 'NotifyError';
  }
}

export const configInvalid = (
  code: typeof NotifyErrorCodes.TEMPLATES_INVALID | typeof NotifyErrorCodes.PROVIDERS_INVALID,
  file: string,
  details: ErrorDetail[],
) =>
  new NotifyError(code, `${file}: ${details.map((d) => `${d.path || '/'} ${d.message_en}`).join('; ')}`, {
    kind: 'internal',
    details,
  });

export const providerUnavailable = (what: string, cause?: unknown) =>
  new NotifyError(NotifyErrorCodes.PROVIDER_UNAVAILABLE, `${what} unavailable`, {
    kind: 'unavailable',
    retriable: true,
    cause,
    messageVi: `${what} không phản hồi`,
  });
