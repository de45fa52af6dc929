import { HubError, type ErrorDetail, type ErrorKind } from '@lienthong/platform';

/**
 * Stable error codes of the payments service (conventions §4). Domain code throws these; the platform's
 * one error handler maps `kind` to a status. Notification endpoints do not throw for expected refusals
 * (forged, unknown, wrong amount): they answer in the provider's own vocabulary (see routes/).
 */
export const PaymentErrorCodes = {
  invalidRequest: 'LT_PAY_INVALID_REQUEST',
  amountMismatch: 'LT_PAY_AMOUNT_MISMATCH',
  unknownAgency: 'LT_PAY_UNKNOWN_AGENCY',
  providerNotConfigured: 'LT_PAY_PROVIDER_NOT_CONFIGURED',
  forbiddenAgency: 'LT_PAY_FORBIDDEN_AGENCY',
  notFound: 'LT_PAY_NOT_FOUND',
  providerTimeout: 'LT_PAY_PROVIDER_TIMEOUT',
  providerError: 'LT_PAY_PROVIDER_ERROR',
  providerRefused: 'LT_PAY_PROVIDER_REFUSED',
  badSignature: 'LT_PAY_BAD_SIGNATURE',
  unknownOrder: 'LT_PAY_UNKNOWN_ORDER',
  malformedNotification: 'LT_PAY_MALFORMED_NOTIFICATION',
  merchantsInvalid: 'LT_PAY_MERCHANTS_INVALID',
  conflict: 'LT_PAY_CONFLICT',
  agencyMismatch: 'LT_PAY_AGENCY_MISMATCH',
  idempotencyMismatch: 'LT_PAY_IDEMPOTENCY_MISMATCH',
  idempotencyInProgress: 'LT_PAY_IDEMPOTENCY_IN_PROGRESS',
  badIdempotencyKey: 'LT_PAY_BAD_IDEMPOTENCY_KEY',
  demoSecretsRefused: 'LT_PAY_DEMO_SECRETS_REFUSED',
  refundExceedsPaid: 'LT_PAY_REFUND_EXCEEDS_PAID',
  refundInProgress: 'LT_PAY_REFUND_IN_PROGRESS',
  refundNotPending: 'LT_PAY_REFUND_NOT_PENDING',
  transferCodeExhausted: 'LT_PAY_TRANSFER_CODE_EXHAUSTED',
} as const;

export type PaymentErrorCode = (typeof PaymentErrorCodes)[keyof typeof PaymentErrorCodes];

export function paymentError(
  code: PaymentErrorCode,
  kind: ErrorKind,
  en: string,
  vi: string,
  opts: { cause?: unknown; retriable?: boolean; details?: ErrorDetail[] } = {},
): HubError {
  return new HubError(code, en, { kind, messageVi: vi, ...opts });
}

export const invalidRequest = (details: ErrorDetail[], en = 'invalid payment request', vi = 'Yêu cầu thanh toán không hợp lệ') =>
  paymentError(PaymentErrorCodes.invalidRequest, 'invalid', en, vi, { details });

export const paymentNotFound = () =>
  paymentError(PaymentErrorCodes.notFound, 'not_found', 'no such payment', 'Không tìm thấy giao dịch thanh toán');

export const forbiddenAgency = (agency: string) =>
  paymentError(
    PaymentErrorCodes.forbiddenAgency,
    'forbidden',
    `this API client may not act for agency ${agency}`,
    `Ứng dụng không được phép thao tác cho cơ quan ${agency}`,
  );

export const unknownAgency = (agency: string) =>
  paymentError(
    PaymentErrorCodes.unknownAgency,
    'invalid',
    `no merchant account is configured for agency ${agency}`,
    `Chưa cấu hình tài khoản thanh toán cho cơ quan ${agency}`,
  );

export const providerNotConfigured = (agency: string, provider: string) =>
  paymentError(
    PaymentErrorCodes.providerNotConfigured,
    'invalid',
    `agency ${agency} has no ${provider} merchant account`,
    `Cơ quan ${agency} chưa có tài khoản ${provider}`,
  );

/** The provider did not answer in time. The ledger row is marked failed: nobody holds a pay URL for it. */
export const providerTimeout = (provider: string, cause: unknown) =>
  paymentError(
    PaymentErrorCodes.providerTimeout,
    'upstream',
    `${provider} did not answer in time; no payment was created, try again`,
    `${provider} không phản hồi kịp; chưa tạo giao dịch, vui lòng thử lại`,
    { cause, retriable: true },
  );

export const providerError = (provider: string, cause: unknown) =>
  paymentError(
    PaymentErrorCodes.providerError,
    'upstream',
    `${provider} could not be reached or answered badly; no payment was created`,
    `Không kết nối được ${provider} hoặc phản hồi không hợp lệ; chưa tạo giao dịch`,
    { cause, retriable: true },
  );

export const providerRefused = (provider: string, code: string) =>
  paymentError(
    PaymentErrorCodes.providerRefused,
    'upstream',
    `${provider} refused to create the payment (code ${code})`,
    `${provider} từ chối tạo giao dịch (mã ${code})`,
  );

export const idempotencyMismatch = () =>
  paymentError(
    PaymentErrorCodes.idempotencyMismatch,
    'conflict',
    'Idempotency-Key was already used with a different request body',
    'Idempotency-Key đã được dùng cho một nội dung khác',
  );

export const idempotencyInProgress = () =>
  paymentError(
    PaymentErrorCodes.idempotencyInProgress,
    'conflict',
    'a request with this Idempotency-Key is still being processed; retry shortly',
    'Yêu cầu cùng Idempotency-Key đang được xử lý; vui lòng thử lại sau',
    { retriable: true },
  );

export const badIdempotencyKey = () =>
  paymentError(
    PaymentErrorCodes.badIdempotencyKey,
    'invalid',
    'Idempotency-Key must be 1 to 200 visible ASCII characters',
    'Idempotency-Key không hợp lệ',
    {
      details: [
        {
          path: 'header:idempotency-key',
          code: PaymentErrorCodes.badIdempotencyKey,
          message: 'Idempotency-Key phải gồm 1–200 ký tự ASCII hiển thị',
          message_en: 'must be 1 to 200 visible ASCII characters',
        },
      ],
    },
  );

/**
 * Every draw of a VietQR transfer code hit a code the ledger already holds (payment-creator.ts). Nothing was
 * created; a new request draws afresh, so the caller may retry at once.
 */
export const transferCodeExhausted = (attempts: number) =>
  paymentError(
    PaymentErrorCodes.transferCodeExhausted,
    'unavailable',
    `no free transfer code after ${attempts} draws; no payment was created, try again`,
    `Không cấp được mã chuyển khoản sau ${attempts} lần; chưa tạo giao dịch, vui lòng thử lại`,
    { retriable: true },
  );
