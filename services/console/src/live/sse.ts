import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Html } from '../lib/html.js';

/**
 * A server-sent-events stream on a hijacked reply. Each message is one named event carrying an HTML
 * fragment the page swaps in (public/console.js). Snapshots, not deltas: a reconnecting browser
 * (EventSource retries by itself, sending Last-Event-ID) gets the current state at once, so nothing is
 * lost between two connections. A comment line every 15 s keeps proxies from closing an idle stream.
 */
export function openSse(req: FastifyRequest, reply: FastifyReply) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  let id = 0;
  let closed = false;
  const closers: (() => void)[] = [];
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const c of closers) c();
  };
  req.raw.on('close', close);
  res.on('error', close);
  return {
    send(event: string, fragment: Html): void {
      if (closed) return;
      const data = fragment.value
        .split(/\r?\n/)
        .map((l) => `data: ${l}`)
        .join('\n');
      res.write(`id: ${++id}\nevent: ${event}\n${data}\n\n`);
    },
    onClose(fn: () => void): void {
      closers.push(fn);
    },
    end(): void {
      close();
      res.end();
    },
  };
}
