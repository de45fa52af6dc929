// Small HTTP load generator for the benches: closed loop (N requests in flight) or open loop (a fixed
// rate), over keep-alive connections on loopback. Bounded in count and time; stops by itself.
import http from 'node:http';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function once(agent, { port, path, headers, body }) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    req.end(body);
  });
}

/** Closed loop: `concurrency` requests in flight for `seconds`; `makeBody(i)` gives request i's body. */
export async function closedLoop({ port, path, headers, makeBody, concurrency, seconds, warmupSeconds = 1 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let i = 0;
  const lat = [];
  let ok = 0;
  let failed = 0;
  const warmEnd = Date.now() + warmupSeconds * 1000;
  const end = warmEnd + seconds * 1000;
  async function worker() {
    while (Date.now() < end) {
      const r = await once(agent, { port, path, headers, body: makeBody(i++) });
      if (Date.now() < warmEnd) continue;
      if (r.status === 202) {
        ok++;
        lat.push(r.ms);
      } else failed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { requestsPerSecond: ok / seconds, ok, failed, p50: percentile(lat, 50), p99: percentile(lat, 99) };
}

/**
 * Open loop: requests sent at `rate` per second for `seconds`, whatever the answers' latency. The first
 * `warmupSeconds` (default 0) are sent at the same rate and not counted, as the closed loop's warm-up: the
 * server's connections are opened and what the previous phase left behind settles.
 */
export async function openLoop({ port, path, headers, makeBody, rate, seconds, warmupSeconds = 0 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const lat = [];
  let failed = 0;
  const warm = Math.round(rate * warmupSeconds);
  const total = Math.round(rate * seconds);
  const start = Date.now();
  let measureStart = start;
  const pending = [];
  for (let i = 0; i < warm + total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (i === warm) measureStart = Date.now();
    const counted = i >= warm;
    pending.push(
      once(agent, { port, path, headers, body: makeBody(i) }).then((r) => {
        if (!counted) return;
        if (r.status === 202) lat.push(r.ms);
        else failed++;
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  lat.sort((a, b) => a - b);
  return {
    sent: total,
    ok: lat.length,
    failed,
    achievedRate: total / ((Date.now() - measureStart) / 1000),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
  };
}

/**
 * GC_LOG=1 in the benches: this process's garbage collections over 30 ms and event-loop stalls over 60 ms to
 * stderr, labelled — what a latency tail is made of (the load generator's own pauses count in every latency it
 * measures).
 */
export function logPauses(label) {
  const at = () => new Date().toISOString().slice(11, 23);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.duration > 30) process.stderr.write(`[gc ${label}] ${e.detail?.kind} ${e.duration.toFixed(0)} ms at ${at()}\n`);
  }).observe({ entryTypes: ['gc'] });
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  setInterval(() => {
    if (h.max > 60e6) process.stderr.write(`[loop ${label}] max delay ${(h.max / 1e6).toFixed(0)} ms at ${at()}\n`);
    h.reset();
  }, 1000).unref();
}
