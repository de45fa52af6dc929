import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, type Logger } from '@lienthong/platform';
import { PORTAL_ERROR_CODE } from '@lienthong/dvcqg';
import type { DvcqgStore } from './store.js';

const known: Record<string, { status: number; vi: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, vi: 'Dữ liệu gửi lên quá lớn' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, vi: 'Chỉ chấp nhận application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, vi: 'Content-Length không khớp với dữ liệu' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, vi: 'Thiếu dữ liệu JSON' },
};

function classify(err: FastifyError | HubError | Error): { status: number; vi: string; code: string } {
  const fe = err as FastifyError;
  if (fe.code && known[fe.code]) return { ...known[fe.code]!, code: fe.code };
  if (err instanceof HubError && err.kind === 'invalid')
    return { status: 400, vi: `Dữ liệu gửi lên không hợp lệ: ${err.messageVi}`, code: err.code };
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return { status: fe.statusCode, vi: 'Yêu cầu không hợp lệ', code: fe.code ?? 'bad-request' };
  return { status: 500, vi: 'Lỗi hệ thống', code: 'internal' };
}

/**
 * Protocol routes answer even their transport errors in the portal's envelope ({error_code: -1, message}),
 * with a 4xx status, and log them in the call log so a sender can see why its call bounced.
 */
export function protocolErrorHandler(store: DvcqgStore, now: () => number, log: Logger) {
  return (err: FastifyError | HubError | Error, req: FastifyRequest, reply: FastifyReply) => {
    const c = classify(err);
    if (c.status >= 500) log.error({ err }, 'dvcqg sandbox: request failed');
    const endpoint = req.url.endsWith('/auth') ? 'auth' : req.url.endsWith('/share') ? 'share' : 'integration';
    store.recordCall({
      id: store.nextCallId(),
      at: new Date(now()).toISOString(),
      endpoint,
      service: '(unreadable)',
      items: 0,
      maHoSo: [],
      errorCode: Number(PORTAL_ERROR_CODE),
      message: c.code,
      outcome: 'bad-request',
      httpStatus: c.status,
      durationMs: 0,
    });
    return reply.status(c.status).send({ error_code: Number(PORTAL_ERROR_CODE), message: c.vi });
  };
}

/** Admin routes answer in the hub's own error format {error, message, message_en, details} (design, Contracts). */
export function adminErrorHandler(log: Logger) {
  return (err: FastifyError | HubError | Error, _req: FastifyRequest, reply: FastifyReply) => {
    const c = classify(err);
    if (c.status >= 500) log.error({ err }, 'dvcqg sandbox admin: request failed');
    const details = err instanceof HubError ? err.details : [];
    return reply.status(c.status).send({
      error: c.status >= 500 ? 'LT_INTERNAL' : `LT_SANDBOX_${c.code}`,
      message: c.vi,
      message_en: c.status >= 500 ? 'internal error' : err.message,
      details,
    });
  };
}
