import { CircuitOpenError, HttpStatusError, HubError, RetryExhaustedError, type ErrorKind } from '@lienthong/platform';

/** What a registry client calls its peer in messages, and how it makes its own error class. */
export interface PeerErrors {
  /** e.g. { en: 'population database', vi: 'CSDL dân cư' } */
  name: { en: string; vi: string };
  codes: { unavailable: string; badReply: string; tokenRefused: string; tooLarge: string };
  make(
    code: string,
    en: string,
    vi: string,
    opts: { kind: ErrorKind; retriable?: boolean; cause?: unknown; peerCode?: string },
  ): HubError;
  /** Reads a protocol error out of an error status's body (a SOAP Fault with HTTP 500), if it holds one. */
  fromErrorBody?: (body: unknown) => HubError | undefined;
}

/**
 * Transport failures of a registry call → the client's own errors, the same way for every registry:
 * circuit open, timeouts, network errors and 5xx → unavailable (503, retriable); 401 → token refused (the
 * caller renews once; peerCode "HTTP 401"); a reply over the size cap → too large; other statuses → bad reply.
 * One attempt per call, but the retrier still wraps a retriable failure: that attempt's error is what counts.
 */
export function peerTransportError(thrown: unknown, p: PeerErrors): unknown {
  const err = thrown instanceof RetryExhaustedError ? thrown.attempts[thrown.attempts.length - 1] : thrown;
  const { en, vi } = p.name;
  if (
    err instanceof HubError &&
    !(err instanceof CircuitOpenError) &&
    !(err instanceof HttpStatusError) &&
    err.code.startsWith('LT_') &&
    !err.code.startsWith('LT_HTTP_')
  )
    return err;
  if (err instanceof CircuitOpenError) {
    return p.make(
      p.codes.unavailable,
      `${en} is unavailable (circuit open after repeated failures)`,
      `${vi} tạm thời không truy cập được (đã ngắt kết nối sau nhiều lỗi liên tiếp), vui lòng thử lại sau`,
      { kind: 'unavailable', retriable: true, cause: err },
    );
  }
  if (err instanceof HttpStatusError) {
    if (err.status === 401)
      return p.make(p.codes.tokenRefused, `${en} refused the token (HTTP 401)`, `${vi} từ chối token (HTTP 401)`, {
        kind: 'upstream',
        peerCode: 'HTTP 401',
      });
    const fromBody = p.fromErrorBody?.(err.body);
    if (fromBody) return fromBody;
    if (err.status >= 500)
      return p.make(
        p.codes.unavailable,
        `${en} unavailable (HTTP ${err.status})`,
        `${vi} tạm thời không truy cập được (HTTP ${err.status}), vui lòng thử lại sau`,
        { kind: 'unavailable', retriable: true, cause: err },
      );
    return p.make(p.codes.badReply, `${en} answered HTTP ${err.status}`, `${vi} trả về mã HTTP ${err.status}`, {
      kind: 'upstream',
      cause: err,
    });
  }
  if (err instanceof HubError) {
    if (err.code === 'LT_HTTP_RESPONSE_TOO_LARGE')
      return p.make(p.codes.tooLarge, `${en} reply exceeds the size cap`, `Phản hồi của ${vi} vượt quá giới hạn kích thước`, {
        kind: 'upstream',
        cause: err,
      });
    return p.make(p.codes.unavailable, `${en} unreachable (${err.code})`, `${vi} không phản hồi, vui lòng thử lại sau`, {
      kind: 'unavailable',
      retriable: true,
      cause: err,
    });
  }
  return err;
}
