import type { PageKit } from '../app.js';
import { html, type Html } from '../lib/html.js';
import { fmtNumber, fmtTime, t, type Lang, type MessageKey } from '../lib/i18n.js';
import { maskName } from '../lib/mask.js';
import type { Overview } from '../overview/sampler.js';
import { READ_ROLES } from '../web/context.js';
import { recentEvents, eventLabel } from './queries.js';
import type { IndexedEvent } from '../index/event-index.js';

const FLOW_KEYS: Record<string, MessageKey> = {
  ingest: 'flowIngest',
  sync: 'flowSync',
  payments: 'flowPayments',
  citizen: 'flowCitizen',
  deadlines: 'flowDeadlines',
  notifications: 'flowNotifications',
  postal: 'flowPostal',
  inbound: 'flowInbound',
};

const dur = (s: number | null, lang: Lang) =>
  s === null ? '—' : s < 120 ? `${fmtNumber(s, lang, 1)} s` : `${fmtNumber(s / 60, lang, 1)} ${lang === 'en' ? 'min' : 'phút'}`;

/** The live part of the overview: flows, services and breakers, with the time of the scrape. */
export function overviewFragment(o: Overview, lang: Lang): Html {
  return html`<p class="stamp" aria-live="polite">${t(lang, 'updatedAt')} <time data-testid="stamp">${fmtTime(o.at, lang)}</time></p>
<div class="table-wrap"><table data-testid="flows">
<caption>${t(lang, 'flow')}</caption>
<thead><tr><th scope="col">${t(lang, 'flow')}</th><th scope="col">${t(lang, 'perMinute')}</th><th scope="col">${t(lang, 'failures')} ${t(lang, 'perMinute')}</th><th scope="col">${t(lang, 'backlog')}</th><th scope="col">${t(lang, 'lag')}</th><th scope="col" class="chart-col">15′</th></tr></thead>
<tbody>${o.flows.map(
    (f) => html`<tr data-flow="${f.flow}">
<th scope="row">${t(lang, FLOW_KEYS[f.flow]!)}</th>
${
  f.available
    ? html`<td class="num" data-testid="rate-${f.flow}">${fmtNumber(f.perMinute, lang, 1)}</td><td class="num${(f.failuresPerMinute ?? 0) > 0 ? ' bad' : ''}" data-testid="failures-${f.flow}">${fmtNumber(f.failuresPerMinute, lang, 1)}</td><td class="num">${
        f.flow === 'deadlines'
          ? html`<span data-testid="overdue-now">${fmtNumber(f.backlog, lang)}</span> ${t(lang, 'overdueNow')} · <span data-testid="due-soon-now">${fmtNumber(f.dueSoon, lang)}</span> ${t(lang, 'dueSoonNow')}`
          : fmtNumber(f.backlog, lang)
      }</td><td class="num">${dur(f.lagSeconds, lang)}</td>
<td><span class="spark" data-series="${JSON.stringify(f.series)}" role="img" aria-label="${f.series.join(', ')}"></span></td>`
    : f.lacks
      ? html`<td colspan="5" class="muted">${t(lang, 'metricMissing', { service: f.service, metric: f.lacks })}</td>`
      : html`<td colspan="5" class="muted">${t(lang, 'serviceUnavailable')} (${f.service})</td>`
}
</tr>`,
  )}</tbody></table></div>
<h2>${t(lang, 'services')}</h2>
<div class="table-wrap"><table data-testid="services"><thead><tr><th scope="col">${t(lang, 'service')}</th><th scope="col">${t(lang, 'health')}</th><th scope="col">checks</th></tr></thead>
<tbody>${o.services.map(
    (
      s,
    ) => html`<tr><th scope="row">${s.service}</th><td><span class="badge ${s.health}">${t(lang, s.health === 'ready' ? 'ready' : s.health === 'down' ? 'down' : 'notReady')}</span></td>
<td>${Object.entries(s.checks).map(([k, v]) => html`<span class="chk">${k}: ${v}</span> `)}</td></tr>`,
  )}</tbody></table></div>
<h2>${t(lang, 'breaker')}</h2>
${
  o.breakers.length
    ? html`<ul class="breakers">${o.breakers.map((b) => html`<li><span class="badge ${b.open ? 'down' : 'ready'}">${t(lang, b.open ? 'breakerOpen' : 'breakerClosed')}</span> ${b.service} · ${b.name}</li>`)}</ul>`
    : html`<p class="muted">—</p>`
}`;
}

export function activityFragment(rows: IndexedEvent[], lang: Lang): Html {
  if (!rows.length) return html`<p class="muted">${t(lang, 'noResults')}</p>`;
  return html`<div class="table-wrap"><table data-testid="activity"><thead><tr><th scope="col">${t(lang, 'time')}</th><th scope="col">${t(lang, 'event')}</th><th scope="col">${t(lang, 'maHoSo')}</th><th scope="col">${t(lang, 'status')}</th><th scope="col">${t(lang, 'owner')}</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr><td>${fmtTime(r.time, lang)}</td><td>${eventLabel(r, lang)}</td><td>${r.maHoSo ? html`<a href="/ho-so/${encodeURIComponent(r.maHoSo)}">${r.maHoSo}</a>` : '—'}</td><td>${r.status ?? '—'}</td><td>${maskName(r.owner)}</td></tr>`,
  )}</tbody></table></div>`;
}

export function overviewRoutes(kit: PageKit): void {
  const { deps } = kit;
  kit.route('GET', '/', { roles: READ_ROLES }, async (req, reply) =>
    kit.render(
      req,
      reply,
      (c) => t(c.lang, 'navOverview'),
      async (
        c,
      ) => html`${deps.indexRunning && !deps.indexRunning() ? html`<p class="notice warn" role="status" data-testid="index-down">${t(c.lang, 'indexDown')}</p>` : ''}<section aria-labelledby="live-h"><h2 id="live-h">${t(c.lang, 'live')} <span class="dot" aria-hidden="true"></span></h2>
<div id="overview" data-sse="/su-kien" data-sse-swap="overview">${overviewFragment(deps.sampler.latest(), c.lang)}</div></section>
<section aria-labelledby="act-h"><h2 id="act-h">${t(c.lang, 'recentActivity')}</h2>
<div id="activity" data-sse-swap="activity">${activityFragment(await recentEvents(deps.pool, 20, req.operator!.client), c.lang)}</div></section>`,
      { scripts: ['/assets/uPlot.iife.min.js', '/assets/charts.js'] },
    ),
  );

  kit.route('GET', '/su-kien', { roles: READ_ROLES }, async (req, reply) => {
    const lang = req.lang;
    // Each stream carries its officer's scope: the activity it pushes is queried for that officer's agencies.
    const visibleTo = req.operator!.client;
    const stream = kit.sse(req, reply);
    stream.send('overview', overviewFragment(deps.sampler.latest(), lang));
    stream.onClose(deps.sampler.subscribe((o) => stream.send('overview', overviewFragment(o, lang))));
    let pending: NodeJS.Timeout | undefined;
    const pushActivity = () => {
      if (pending) return;
      // At most one activity refresh a second per stream, however fast events arrive.
      pending = setTimeout(() => {
        pending = undefined;
        recentEvents(deps.pool, 20, visibleTo).then(
          (rows) => stream.send('activity', activityFragment(rows, lang)),
          (err) => req.log.warn({ err }, 'activity refresh failed'),
        );
      }, 300);
    };
    // Only rows this officer may see trigger a refresh (another agency's traffic does not show in its timing).
    const mine = (rows: IndexedEvent[]) =>
      rows.some((r) => (r.agency ? deps.clients.mayActFor(visibleTo, r.agency) : visibleTo.agencies.includes('*')));
    stream.onClose(deps.feed.subscribe({ rows: (rows) => mine(rows) && pushActivity() }));
    stream.onClose(() => pending && clearTimeout(pending));
  });
}
