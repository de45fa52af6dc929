import type { DvcqgFaults } from './faults.js';

/** A raw answer: status, content type, body. */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: string | Buffer;
}

const page = (title: string, text: string) =>
  `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><h1>${title}</h1><p>${text}</p><hr><address>nginx</address></body></html>`;

/** A proxy's page in front of a dead portal, the way an nginx/LGSP front answers an outage. */
export const outagePage = (): RawAnswer => ({
  status: 503,
  contentType: 'text/html; charset=utf-8',
  body: page('503 Service Temporarily Unavailable', 'Cổng Dịch vụ công quốc gia đang tạm ngừng phục vụ.'),
});

/** 5xx of the errorRate fault: the statuses a portal behind a proxy actually returns. */
export function serverErrorPage(status: 500 | 502 | 503): RawAnswer {
  const titles = {
    500: '500 Internal Server Error',
    502: '502 Bad Gateway',
    503: '503 Service Temporarily Unavailable',
  } as const;
  return { status, contentType: 'text/html; charset=utf-8', body: page(titles[status], 'Lỗi hệ thống, vui lòng thử lại sau.') };
}

/** What a client gets after the timeout fault's hang, if it is still listening. */
export const gatewayTimeoutPage = (): RawAnswer => ({
  status: 504,
  contentType: 'text/html; charset=utf-8',
  body: page('504 Gateway Time-out', 'Hệ thống không phản hồi kịp.'),
});

let hugeCache: { bytes: number; body: Buffer } | undefined;

/**
 * The answer of the `malformed` fault. All come with HTTP 200, which is what makes them dangerous: a
 * client that trusts the status would treat them as success.
 */
export function malformedAnswer(
  kind: NonNullable<DvcqgFaults['malformed']>,
  envelope: Record<string, unknown>,
  hugeBytes: number,
): RawAnswer {
  switch (kind) {
    case 'html':
      // An application server's error page served with 200 (seen behind misconfigured proxies).
      return {
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: page('Lỗi hệ thống - Cổng Dịch vụ công quốc gia', 'Hệ thống đang bảo trì. Vui lòng quay lại sau.'),
      };
    case 'non-json': {
      // A JSON answer cut short, labelled as JSON.
      const text = JSON.stringify(envelope);
      return {
        status: 200,
        contentType: 'application/json; charset=utf-8',
        body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
      };
    }
    case 'no-error-code': {
      const { error_code: _dropped, ...rest } = envelope;
      return { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(rest) };
    }
    case 'huge': {
      // Valid JSON, just far too big: the client must refuse it by size, not by parsing it.
      if (hugeCache?.bytes !== hugeBytes) {
        const head = '{"error_code":0,"message":"OK","result":"';
        const tail = '"}';
        const fill = Math.max(0, hugeBytes - head.length - tail.length);
        hugeCache = { bytes: hugeBytes, body: Buffer.from(head + 'x'.repeat(fill) + tail) };
      }
      return { status: 200, contentType: 'application/json; charset=utf-8', body: hugeCache.body };
    }
  }
}
