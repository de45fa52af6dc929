import { HubError, type ErrorDetail } from '@lienthong/platform';

/** Errors of the webhooks package (conventions §4): stable codes, no HTTP knowledge. */
export const webhookErrors = {
  targetRefused: (reason: string, reasonVi: string, path = '/url') =>
    new HubError('LT_WEBHOOK_TARGET_REFUSED', `webhook URL refused: ${reason}`, {
      kind: 'invalid',
      messageVi: `Địa chỉ webhook bị từ chối: ${reasonVi}`,
      details: [{ path, code: 'LT_WEBHOOK_TARGET_REFUSED', message: reasonVi, message_en: reason }],
    }),
  invalid: (details: ErrorDetail[]) =>
    new HubError('LT_WEBHOOK_INVALID', 'invalid webhook subscription', {
      kind: 'invalid',
      messageVi: 'Đăng ký webhook không hợp lệ',
      details,
    }),
  agencyForbidden: (agency: string, path: string) =>
    new HubError('LT_AUTH_AGENCY_FORBIDDEN', `agency ${agency} is outside the client's scope`, {
      kind: 'forbidden',
      messageVi: `Cơ quan ${agency} nằm ngoài phạm vi được cấp`,
      details: [
        {
          path,
          code: 'LT_AUTH_AGENCY_FORBIDDEN',
          message: `Cơ quan ${agency} nằm ngoài phạm vi được cấp`,
          message_en: `agency ${agency} is outside the client's scope`,
        },
      ],
    }),
  subscriptionNotFound: () =>
    new HubError('LT_WEBHOOK_SUBSCRIPTION_NOT_FOUND', 'webhook subscription not found', {
      kind: 'not_found',
      messageVi: 'Không tìm thấy đăng ký webhook',
    }),
  deliveryNotFound: () =>
    new HubError('LT_WEBHOOK_DELIVERY_NOT_FOUND', 'webhook delivery not found', {
      kind: 'not_found',
      messageVi: 'Không tìm thấy lần gửi webhook',
    }),
  badKey: () =>
    new HubError('LT_CONFIG_INVALID', 'WEBHOOKS_SECRET_KEY must be 32 bytes as 64 hex characters or base64', {
      kind: 'internal',
    }),
  sealedCorrupt: () =>
    new HubError('LT_WEBHOOK_SECRET_UNREADABLE', 'a stored webhook secret cannot be opened with the configured key', {
      kind: 'internal',
    }),
};
