import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, type ErrorDetail, type ErrorKind } from '../errors.js';

/** Body of every error answer (design.md, Contracts/HTTP). */
export interface ErrorBody {
  error: string;
  message: string;
  message_en: string;
  details: ErrorDetail[];
}

const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  unavailable: 503,
  upstream: 502,
  internal: 500,
};

/** Fastify's own errors, mapped to our codes and both languages. */
const fastifyCodes: Record<string, { code: string; vi: string; en: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'LT_HTTP_BODY_TOO_LARGE', vi: 'Nội dung yêu cầu quá lớn', en: 'request body too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'LT_HTTP_UNSUPPORTED_MEDIA_TYPE',
    vi: 'Chỉ chấp nhận application/json',
    en: 'only application/json is accepted',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'LT_HTTP_BAD_CONTENT_LENGTH',
    vi: 'Content-Length không khớp',
    en: 'Content-Length does not match the body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'LT_HTTP_EMPTY_BODY', vi: 'Thiếu nội dung JSON', en: 'empty JSON body' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'LT_INPUT_BAD_JSON',
    vi: 'Nội dung không phải JSON hợp lệ',
    en: 'body is not valid JSON',
  },
  FST_ERR_VALIDATION: { code: 'LT_HTTP_BAD_REQUEST', vi: 'Yêu cầu không hợp lệ', en: 'invalid request' },
};

export function errorBody(code: string, vi: string, en: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: code, message: vi, message_en: en, details };
}

function fromHubError(err: HubError): { status: number; body: ErrorBody } {
  const status = statusOfKind[err.kind];
  // 5xx hide internals (conventions §4): the code stays, the text is generic.
  if (status >= 500 && err.kind === 'internal') {
    return { status, body: errorBody(err.code, 'Lỗi hệ thống', 'internal error') };
  }
  return { status, body: errorBody(err.code, err.messageVi, err.message, err.details) };
}

/** One error handler per service: HubError → its kind's status; fastify errors → 4xx; anything else → 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HubError | Error, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HubError) {
      const { status, body } = fromHubError(err);
      if (status >= 500) req.log.error({ err }, 'request failed');
      else req.log.info({ code: err.code, status }, 'request refused');
      return reply.status(status).send(body);
    }
    const fe = err as FastifyError;
    const known = fe.code ? fastifyCodes[fe.code] : undefined;
    if (fe.validation) {
      const details = fe.validation.map((v) => ({
        path: `${fe.validationContext ? `${fe.validationContext}` : ''}${v.instancePath}`,
        code: `LT_HTTP_${String(v.keyword).toUpperCase()}`,
        message: v.message ?? 'không hợp lệ',
        message_en: v.message ?? 'invalid',
      }));
      return reply.status(400).send(errorBody('LT_HTTP_BAD_REQUEST', 'Yêu cầu không hợp lệ', 'invalid request', details));
    }
    if (known) return reply.status(fe.statusCode ?? 400).send(errorBody(known.code, known.vi, known.en));
    const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply.status(status).send(errorBody('LT_INTERNAL', 'Lỗi hệ thống', 'internal error'));
    }
    return reply
      .status(status)
      .send(errorBody(fe.code ? `LT_HTTP_${fe.code.replace(/^FST_ERR_/, '')}` : 'LT_HTTP_ERROR', fe.message, fe.message));
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send(
        errorBody(
          'LT_HTTP_NOT_FOUND',
          `Không có ${req.method} ${req.url.split('?')[0]}`,
          `no route ${req.method} ${req.url.split('?')[0]}`,
        ),
      ),
  );
}
