import { Readable } from 'node:stream';
import {
  buildFaultEnvelope,
  buildReplyEnvelope,
  congDanCollectionXml,
  DANCU_NS,
  SOAP_ENV_NS,
  type CongDan,
} from '@lienthong/csdl-dancu';
import type { CsdlFaults } from './faults.js';

export interface RawReply {
  status: number;
  contentType: string;
  body: string | Readable;
}

const page = (title: string, text: string) =>
  `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p><hr><address>nginx</address></body></html>`;

export const outagePage = (): RawReply => ({
  status: 503,
  contentType: 'text/html; charset=utf-8',
  body: page('503 Service Temporarily Unavailable', 'Trục LGSP đang tạm ngừng phục vụ.'),
});
export const serverErrorPage = (status: 500 | 502 | 503): RawReply => ({
  status,
  contentType: 'text/html; charset=utf-8',
  body: page(`${status} Error`, 'Lỗi hệ thống, vui lòng thử lại sau.'),
});
export const gatewayTimeoutPage = (): RawReply => ({
  status: 504,
  contentType: 'text/html; charset=utf-8',
  body: page('504 Gateway Time-out', 'Hệ thống không phản hồi kịp.'),
});

const XML = 'text/xml; charset=utf-8';

/**
 * The hostile and broken replies a client must survive. All but soap-fault come with HTTP 200, which is what
 * makes them dangerous. `sample` is the record the call would have returned (used to make the reply look real).
 */
export function malformedReply(kind: NonNullable<CsdlFaults['malformed']>, sample: CongDan[], hugeBytes: number): RawReply {
  switch (kind) {
    case 'html':
      return {
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: page('Lỗi hệ thống', 'Hệ thống đang bảo trì. Vui lòng quay lại sau.'),
      };
    case 'not-soap':
      return { status: 200, contentType: 'application/json', body: '{"error_code":"-1","message":"Lỗi kết nối"}' };
    case 'truncated': {
      const full = buildReplyEnvelope(congDanCollectionXml(sample));
      return { status: 200, contentType: XML, body: full.slice(0, Math.floor(full.length / 2)) };
    }
    case 'xxe':
      // An external entity pointing at a local file: a parser that resolves it would leak /etc/passwd.
      return {
        status: 200,
        contentType: XML,
        body: `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body><CongdanCollection xmlns="${DANCU_NS}"><CongDan><HoVaTen><Ten>&xxe;</Ten></HoVaTen></CongDan></CongdanCollection></soap:Body></soap:Envelope>`,
      };
    case 'billion-laughs': {
      let dtd = '<!ENTITY lol0 "lol">';
      for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
      return {
        status: 200,
        contentType: XML,
        body: `<?xml version="1.0"?><!DOCTYPE r [${dtd}]><soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body><CongdanCollection xmlns="${DANCU_NS}"><CongDan><HoVaTen><Ten>&lol9;</Ten></HoVaTen></CongDan></CongdanCollection></soap:Body></soap:Envelope>`,
      };
    }
    case 'wrong-namespace':
      return {
        status: 200,
        contentType: XML,
        body: buildReplyEnvelope(congDanCollectionXml(sample).replace(DANCU_NS, 'http://evil.example/dancu')),
      };
    case 'soap-fault':
      return {
        status: 500,
        contentType: XML,
        body: buildFaultEnvelope(
          'soap:Server',
          'System.NullReferenceException: Object reference not set to an instance of an object.',
        ),
      };
    case 'huge':
      return { status: 200, contentType: XML, body: hugeStream(hugeBytes) };
  }
}

/** A well-formed envelope of `bytes` bytes, produced as it is sent (the sandbox never holds it whole). */
function hugeStream(bytes: number): Readable {
  const head = `<?xml version="1.0"?><soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body><CongdanCollection xmlns="${DANCU_NS}"><CongDan><HoVaTen><Ten>`;
  const tail = '</Ten></HoVaTen></CongDan></CongdanCollection></soap:Body></soap:Envelope>';
  const chunk = 'A'.repeat(64 * 1024);
  let left = Math.max(0, bytes - head.length - tail.length);
  let started = false;
  let done = false;
  return new Readable({
    read() {
      if (!started) return ((started = true), void this.push(head));
      if (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        return void this.push(n === chunk.length ? chunk : chunk.slice(0, n));
      }
      if (!done) return ((done = true), void this.push(tail));
      this.push(null);
    },
  });
}
