import { HubError, type ErrorDetail } from '@lienthong/platform';

export const invalidPacket = (details: ErrorDetail[]) =>
  new HubError('LT_GATEWAY_INVALID_PACKET', `the request has ${details.length} error(s); nothing was published`, {
    kind: 'invalid',
    details,
    messageVi: `Yêu cầu có ${details.length} lỗi; không có gì được công bố`,
  });

export const agencyForbidden = (details: ErrorDetail[]) =>
  new HubError(
    'LT_GATEWAY_AGENCY_FORBIDDEN',
    'this API client may not speak for the agency of some dossiers; nothing was published',
    {
      kind: 'forbidden',
      details,
      messageVi: 'Khóa API không được phép gửi hồ sơ của cơ quan này; không có gì được công bố',
    },
  );

export const idempotencyMismatch = () =>
  new HubError('LT_GATEWAY_IDEMPOTENCY_MISMATCH', 'Idempotency-Key was already used with a different request body', {
    kind: 'conflict',
    messageVi: 'Idempotency-Key đã được dùng cho một nội dung khác',
  });

export const idempotencyInProgress = () =>
  new HubError(
    'LT_GATEWAY_IDEMPOTENCY_IN_PROGRESS',
    'a request with this Idempotency-Key is still being processed; retry shortly',
    {
      kind: 'conflict',
      retriable: true,
      messageVi: 'Yêu cầu cùng Idempotency-Key đang được xử lý; vui lòng thử lại sau',
    },
  );

export const badIdempotencyKey = () =>
  new HubError('LT_GATEWAY_BAD_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 200 visible ASCII characters', {
    kind: 'invalid',
    details: [
      {
        path: 'header:idempotency-key',
        code: 'LT_GATEWAY_BAD_IDEMPOTENCY_KEY',
        message: 'Idempotency-Key phải gồm 1–200 ký tự ASCII hiển thị',
        message_en: 'must be 1 to 200 visible ASCII characters',
      },
    ],
    messageVi: 'Idempotency-Key không hợp lệ',
  });
