import { HubError, parseGuardedJson } from '@lienthong/platform';
import { DvcqgError, DvcqgErrorCodes } from './errors.js';
import { firstSchemaError, validateEnvelope } from './response-schemas.js';
import { portalCodeOf } from './portal-codes.js';

/** A decoded portal answer: the canonical code, the message, the result and the whole object. */
export interface PortalEnvelope {
  code: string;
  message: string;
  result: unknown;
  body: Record<string, unknown>;
}

/** A short, log-safe description of a body we could not use: its size and, for HTML, its <title>. */
export function describeBody(text: string, contentType: string | undefined): string {
  const size = Buffer.byteLength(text);
  const ct = contentType ? `, content-type ${contentType.split(';')[0]!.trim().slice(0, 60)}` : '';
  const title = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim().slice(0, 80);
  return `${size} bytes${ct}${title ? `, title "${title}"` : ''}`;
}

function bad(service: string, what: string, cause?: unknown): DvcqgError {
  return new DvcqgError(DvcqgErrorCodes.BAD_RESPONSE, `DVCQG ${service}: ${what}`, {
    retriable: true,
    service,
    cause,
    messageVi: `DVCQG ${service}: phản hồi không hợp lệ (${what})`,
  });
}

/**
 * Turns the raw text of a 2xx answer into an envelope, or throws LT_DVCQG_BAD_RESPONSE saying what was
 * wrong — without ever quoting the body: it may be megabytes, and a TraCuuHoSo answer holds personal
 * data. JSON goes through the platform's guard (depth, NUL, __proto__ keys) like any untrusted input.
 */
export function readAnswer(service: string, text: unknown, contentType: string | undefined): PortalEnvelope {
  if (typeof text !== 'string') return readAnswer(service, text == null ? '' : String(text), contentType);
  const trimmed = text.trimStart();
  if (trimmed === '') throw bad(service, `empty body (${describeBody(text, contentType)})`);
  if (trimmed.startsWith('<')) {
    // Proxies and app servers answer errors as HTML pages with status 200 more often than one would hope.
    throw bad(service, `HTML page instead of JSON (${describeBody(text, contentType)})`);
  }
  let parsed: unknown;
  try {
    parsed = parseGuardedJson(text);
  } catch (err) {
    const why = err instanceof HubError ? err.code : 'parse error';
    throw bad(service, `body is not JSON (${why}; ${describeBody(text, contentType)})`, err);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw bad(service, `answer is not a JSON object (${Array.isArray(parsed) ? 'array' : typeof parsed})`);
  }
  if (!validateEnvelope(parsed)) {
    const body = parsed as Record<string, unknown>;
    const what =
      body.error_code === undefined ? 'answer has no error_code' : `answer envelope: ${firstSchemaError(validateEnvelope)}`;
    throw bad(service, what);
  }
  const body = parsed as Record<string, unknown>;
  return {
    code: portalCodeOf(body.error_code),
    message: typeof body.message === 'string' ? body.message : '',
    result: body.result,
    body,
  };
}
