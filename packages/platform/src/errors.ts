/**
 * Error base of the hub. Codes are stable (`LT_<AREA>_<WHAT>`) and are what operators, dashboards and
 * clients key on; `retriable` is what the retry code reads. Domain errors know nothing of HTTP: each
 * service's error handler maps them to a status (see http/error-handler.ts).
 */
export interface ErrorDetail {
  /** JSON path of the offending value, e.g. `/0/NgayHenTra`; '' for the whole input. */
  path: string;
  code: string;
  /** Vietnamese message (the contract's primary language). */
  message: string;
  /** English message. */
  message_en: string;
}

export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media'
  | 'rate_limited'
  | 'unavailable'
  | 'upstream'
  | 'internal';

export interface HubErrorOptions {
  kind?: ErrorKind;
  retriable?: boolean;
  cause?: unknown;
  details?: ErrorDetail[];
  /** Vietnamese message; defaults to the English one when absent. */
  messageVi?: string;
}

export class HubError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retriable: boolean;
  readonly details: ErrorDetail[];
  readonly messageVi: string;

  constructor(code: string, message: string, opts: HubErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HubError';
    this.code = code;
    this.kind = opts.kind ?? 'internal';
    this.retriable = opts.retriable ?? false;
    this.details = opts.details ?? [];
    this.messageVi = opts.messageVi ?? message;
  }
}

/** Raised by the retrier when it gives up; keeps every attempt's cause for the log and the ledger. */
export class RetryExhaustedError extends HubError {
  readonly attempts: unknown[];
  constructor(what: string, attempts: unknown[]) {
    const last = attempts[attempts.length - 1];
    super('LT_RETRY_EXHAUSTED', `${what}: gave up after ${attempts.length} attempt(s): ${errorMessage(last)}`, {
      kind: 'upstream',
      retriable: isRetriable(last),
      cause: last,
      messageVi: `${what}: đã thử ${attempts.length} lần không thành công`,
    });
    this.attempts = attempts;
  }
}

export class CircuitOpenError extends HubError {
  constructor(name: string, retryAt: number) {
    super('LT_CIRCUIT_OPEN', `circuit '${name}' is open until ${new Date(retryAt).toISOString()}`, {
      kind: 'unavailable',
      retriable: true,
      messageVi: `kết nối '${name}' đang tạm ngắt`,
    });
  }
}

export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
