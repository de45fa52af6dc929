import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { TargetGuard } from './ssrf.js';

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
  responseExcerpt?: string;
  durationMs: number;
}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export type WebhookSender = (req: WebhookRequest) => Promise<SendResult>;

const MAX_RESPONSE_BYTES = 4096;

/**
 * POSTs one delivery. Success is a 2xx only; a 3xx is a failure (redirects are never followed: a redirect to an
 * internal address would bypass the SSRF guard). The connection goes only to an address the guard allowed, the
 * whole exchange is bounded by `timeoutMs`, and at most 4 KiB of the answer is read (kept 512 chars in the log).
 */
export function createWebhookSender(opts: { guard: TargetGuard; timeoutMs: number; userAgent?: string }): WebhookSender {
  return (req) =>
    new Promise<SendResult>((resolve) => {
      const started = Date.now();
      let u: URL;
      try {
        u = opts.guard.checkUrl(req.url);
      } catch (err) {
        resolve({ ok: false, error: (err as Error).message, durationMs: 0 });
        return;
      }
      const host = u.hostname.replace(/^\[|\]$/g, '');
      const mod = u.protocol === 'https:' ? https : http;
      let settled = false;
      const done = (r: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, durationMs: Date.now() - started });
      };
      const r = mod.request(
        u,
        {
          method: 'POST',
          headers: {
            ...req.headers,
            'content-type': 'application/cloudevents+json; charset=utf-8',
            'content-length': String(Buffer.byteLength(req.body)),
            'user-agent': opts.userAgent ?? 'LienThongHub-Webhooks/1',
          },
          // IP literals were checked by checkUrl; names are resolved and checked at connect time.
          ...(isIP(host) ? {} : { lookup: opts.guard.lookup }),
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_RESPONSE_BYTES) chunks.push(c);
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) res.destroy();
          });
          const finish = () => {
            const status = res.statusCode ?? 0;
            const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, 512);
            done({
              ok: status >= 200 && status < 300,
              statusCode: status,
              responseExcerpt: excerpt,
              ...(status >= 200 && status < 300 ? {} : { error: `HTTP ${status}` }),
            });
          };
          res.on('end', finish);
          res.on('close', finish);
          res.on('error', finish);
        },
      );
      const timer = setTimeout(() => {
        r.destroy(new Error(`timed out after ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      r.on('error', (err: NodeJS.ErrnoException) =>
        done({ ok: false, error: `${err.code ?? 'ERR'}: ${err.message}`.slice(0, 500) }),
      );
      r.end(req.body);
    });
}
