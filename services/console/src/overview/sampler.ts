import type { Logger } from '@lienthong/platform';
import type { Backends, ServiceName } from '../lib/backends.js';
import { has, parsePrometheus, sum, type Sample } from '../lib/prometheus.js';

/** What one scrape of one service found. */
export interface ServiceSnapshot {
  service: ServiceName;
  at: Date;
  /** 'ready' (200), 'not-ready' (503 with checks), 'down' (no answer). */
  health: 'ready' | 'not-ready' | 'down';
  checks: Record<string, string>;
  samples: Sample[] | undefined;
}

export interface FlowRow {
  flow: 'ingest' | 'sync' | 'payments' | 'citizen' | 'deadlines' | 'notifications' | 'postal' | 'inbound';
  service: ServiceName;
  available: boolean;
  perMinute: number | null;
  failuresPerMinute: number | null;
  backlog: number | null;
  lagSeconds: number | null;
  /** The service answers but does not export this counter, which the flow's figures need. */
  lacks?: string;
  /** The deadlines flow only: dossiers due soon now (its backlog is the dossiers overdue now). */
  dueSoon?: number | null;
  series: number[];
}

export interface BreakerRow {
  service: ServiceName;
  name: string;
  open: boolean;
}

export interface Overview {
  at: Date;
  flows: FlowRow[];
  services: { service: ServiceName; health: ServiceSnapshot['health']; checks: Record<string, string> }[];
  breakers: BreakerRow[];
}

const SERVICES: ServiceName[] = [
  'gateway',
  'national-sync',
  'payments',
  'citizen-data',
  'operations',
  'notifications',
  'postal',
  'inbound',
  'sandbox',
];

/** The counters each flow is measured by; a service without them falls back to its HTTP request counts. */
const FLOW_DEFS: {
  flow: FlowRow['flow'];
  service: ServiceName;
  ok: (s: Sample[]) => number;
  bad: (s: Sample[]) => number;
  backlog?: (s: Sample[]) => number | null;
  lag?: (s: Sample[]) => number | null;
  marker?: string;
  /** Counters without which the flow's figures would mean nothing: the row then says the service lacks them. */
  requires?: string;
  dueSoon?: (s: Sample[]) => number | null;
}[] = [
  {
    flow: 'ingest',
    service: 'gateway',
    marker: 'gateway_items_accepted_total',
    ok: (s) => sum(s, 'gateway_items_accepted_total'),
    bad: (s) => sum(s, 'gateway_requests_refused_total'),
  },
  {
    flow: 'sync',
    service: 'national-sync',
    marker: 'national_sync_outcomes_total',
    ok: (s) => sum(s, 'national_sync_outcomes_total', { outcome: /^(synced|accepted)$/ }),
    bad: (s) => sum(s, 'national_sync_outcomes_total', { outcome: /^(rejected|retrying|dead-lettered)$/ }),
    backlog: (s) =>
      has(s, 'national_sync_backlog')
        ? sum(s, 'national_sync_backlog', { kind: /^(due|steps)$/ }) + sum(s, 'consumer_lag_messages')
        : null,
    lag: (s) => (has(s, 'national_sync_oldest_unsynced_seconds') ? sum(s, 'national_sync_oldest_unsynced_seconds') : null),
  },
  {
    flow: 'payments',
    service: 'payments',
    marker: 'payments_created_total',
    ok: (s) =>
      sum(s, 'payments_created_total', { outcome: /^(ok|created|success)$/ }) +
      sum(s, 'payments_settlements_total', { outcome: /^(applied|paid)$/ }),
    bad: (s) =>
      sum(s, 'payments_created_total', { outcome: /^(?!ok$|created$|success$)/ }) +
      sum(s, 'payments_notifications_total', { outcome: /(invalid|bad|mismatch|refused|error)/ }),
    backlog: (s) => (has(s, 'consumer_lag_messages') ? sum(s, 'consumer_lag_messages') : null),
  },
  {
    // citizen-data counts look-ups by outcome (services/citizen-data/src/guard.ts): refused and error are failures.
    flow: 'citizen',
    service: 'citizen-data',
    ok: (s) =>
      has(s, 'citizen_data_lookups_total')
        ? sum(s, 'citizen_data_lookups_total', { outcome: /^(found|not-found|match|no-match)$/ })
        : httpOk(s),
    bad: (s) =>
      has(s, 'citizen_data_lookups_total') ? sum(s, 'citizen_data_lookups_total', { outcome: /^(refused|error)$/ }) : http5xx(s),
    backlog: lagOf,
    lag: () => null,
  },
  {
    // operations' deadline flow (services/operations/src/deadline/metrics.ts): overdue and due-soon
    // transitions recorded per minute; failed scans and deadline event batches Kafka refused; the dossiers
    // overdue now as the backlog, and those due soon now beside it. An operations without these counters
    // shows no row figures rather than figures of something else.
    flow: 'deadlines',
    service: 'operations',
    requires: 'deadline_transitions_total',
    ok: (s) => sum(s, 'deadline_transitions_total'),
    bad: (s) => sum(s, 'deadline_failures_total'),
    backlog: (s) => (has(s, 'deadline_dossiers') ? sum(s, 'deadline_dossiers', { kind: /^overdue$/ }) : null),
    dueSoon: (s) => (has(s, 'deadline_dossiers') ? sum(s, 'deadline_dossiers', { kind: /^due-soon$/ }) : null),
    lag: () => null,
  },
  // Notifications, postal and inbound export no flow counters of their own (yet): their flows are measured by
  // their HTTP requests (2xx/3xx vs 5xx) and their consumers' lag, the same fallback as above.
  ...(['notifications', 'postal', 'inbound'] as const).map((svc) => ({
    flow: svc,
    service: svc,
    ok: httpOk,
    bad: http5xx,
    backlog: lagOf,
    lag: () => null,
  })),
];

function httpOk(s: Sample[]): number {
  return sum(s, 'http_request_duration_seconds_count', { status: /^[23]/ });
}
function http5xx(s: Sample[]): number {
  return sum(s, 'http_request_duration_seconds_count', { status: /^5/ });
}
function lagOf(s: Sample[]): number | null {
  return has(s, 'consumer_lag_messages') ? sum(s, 'consumer_lag_messages') : null;
}

/**
 * Reads /health/ready and /metrics of every configured service on an interval, keeps 15 minutes of the
 * flows' counters, and derives per-minute rates as the difference over the last 60 s (a counter that went
 * down means the service restarted: the new value counts from zero). Listeners (the SSE streams) get each
 * new overview.
 */
export function createOverviewSampler(opts: { backends: Backends; intervalMs: number; logger: Logger; clock?: () => Date }) {
  const now = opts.clock ?? (() => new Date());
  const history: { at: number; ok: Record<string, number>; bad: Record<string, number> }[] = [];
  let latest: Overview = { at: now(), flows: [], services: [], breakers: [] };
  const listeners = new Set<(o: Overview) => void>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function scrape(service: ServiceName): Promise<ServiceSnapshot> {
    const at = now();
    const h = await opts.backends.call<{ status?: string; checks?: Record<string, string> }>(service, '/health/ready');
    let health: ServiceSnapshot['health'] = 'down';
    let checks: Record<string, string> = {};
    if (h.ok) health = 'ready';
    else if (h.unavailable && h.status === 503) health = 'not-ready';
    if (!h.ok && !h.unavailable) health = 'not-ready';
    const text = health === 'down' ? undefined : await opts.backends.text(service, '/metrics');
    if (h.ok && h.body && typeof h.body === 'object' && h.body.checks) checks = h.body.checks;
    return { service, at, health, checks, samples: text ? parsePrometheus(text) : undefined };
  }

  function rate(key: string, field: 'ok' | 'bad', current: number, t: number): number | null {
    const past = history.find((h) => h.at >= t - 61_000 && h[field][key] !== undefined);
    if (!past) return null;
    const before = past[field][key]!;
    const dt = (t - past.at) / 60_000;
    if (dt <= 0) return 0;
    const delta = current >= before ? current - before : current;
    return Math.round((delta / dt) * 10) / 10;
  }

  async function tick(): Promise<Overview> {
    const snaps = await Promise.all(SERVICES.filter((s) => opts.backends.url(s)).map(scrape));
    const t = now().getTime();
    const ok: Record<string, number> = {};
    const bad: Record<string, number> = {};
    const flows: FlowRow[] = [];
    for (const def of FLOW_DEFS) {
      const snap = snaps.find((s) => s.service === def.service);
      const samples = snap?.samples;
      if (!samples || (def.requires && !has(samples, def.requires))) {
        flows.push({
          flow: def.flow,
          service: def.service,
          available: false,
          ...(samples && def.requires ? { lacks: def.requires } : {}),
          perMinute: null,
          failuresPerMinute: null,
          backlog: null,
          lagSeconds: null,
          series: [],
        });
        continue;
      }
      ok[def.flow] = def.ok(samples);
      bad[def.flow] = def.bad(samples);
      flows.push({
        flow: def.flow,
        service: def.service,
        available: true,
        perMinute: rate(def.flow, 'ok', ok[def.flow]!, t) ?? 0,
        failuresPerMinute: rate(def.flow, 'bad', bad[def.flow]!, t) ?? 0,
        backlog: def.backlog ? def.backlog(samples) : null,
        lagSeconds: def.lag ? def.lag(samples) : null,
        ...(def.dueSoon ? { dueSoon: def.dueSoon(samples) } : {}),
        series: [],
      });
    }
    history.push({ at: t, ok, bad });
    while (history.length && history[0]!.at < t - 15 * 60_000) history.shift();
    // Throughput series for the chart: items per interval, oldest first.
    for (const f of flows) {
      const pts: number[] = [];
      for (let i = 1; i < history.length; i++) {
        const a = history[i - 1]!.ok[f.flow];
        const b = history[i]!.ok[f.flow];
        pts.push(a === undefined || b === undefined ? 0 : b >= a ? b - a : b);
      }
      f.series = pts.slice(-60);
    }
    const breakers: BreakerRow[] = [];
    for (const s of snaps) {
      for (const x of s.samples ?? []) {
        if (/_circuit_open$/.test(x.name))
          breakers.push({
            service: s.service,
            name:
              x.labels.breaker ??
              x.labels.peer ??
              (x.name === 'national_sync_circuit_open' ? 'DVCQG' : x.name.replace(/_circuit_open$/, '')),
            open: x.value > 0,
          });
      }
    }
    latest = {
      at: new Date(t),
      flows,
      services: snaps.map((s) => ({ service: s.service, health: s.health, checks: s.checks })),
      breakers,
    };
    for (const l of listeners) l(latest);
    return latest;
  }

  return {
    latest: () => latest,
    tick,
    subscribe(l: (o: Overview) => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    start() {
      const loop = () => {
        running = tick()
          .catch((err) => opts.logger.warn({ err }, 'overview scrape failed'))
          .then(() => {
            if (stopped) return;
            timer = setTimeout(loop, opts.intervalMs);
            timer.unref();
          });
      };
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
      if (timer) clearTimeout(timer);
    },
  };
}

export type OverviewSampler = ReturnType<typeof createOverviewSampler>;
