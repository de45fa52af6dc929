import type { PageKit } from '../app.js';
import { html, qs } from '../lib/html.js';
import { fmtNumber, t } from '../lib/i18n.js';
import { backendMessage } from '../lib/backends.js';
import { READ_ROLES } from '../web/context.js';
import { flash, unavailable } from '../web/layout.js';
import { AGENCY, InputReader } from '../web/input.js';
import { genericTable, rowsOf } from './generic.js';

const PERIOD = /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/;
const CODE = /^[0-9A-Za-z.]{1,12}$/;

/**
 * Decision 766 indicators, from operations' GET /v1/indicators (per agency and period, the national
 * dashboard's six groups and point scale), with the change from the previous period and a drill-down to
 * the dossiers behind a numerator or denominator. Charts: uPlot, served by the console, and every number
 * is also in the table (console-anchors.md §e).
 */
export function indicatorRoutes(kit: PageKit): void {
  const { deps } = kit;
  kit.route('GET', '/chi-so-766', { roles: READ_ROLES }, async (req, reply) => {
    const q = new InputReader(req.query);
    const agency = q.str('agency', { max: 40, pattern: AGENCY });
    const period = q.str('period', { max: 10, pattern: PERIOD });
    const r = await deps.backends.call<Record<string, unknown>>('operations', '/v1/indicators', { key: req.operator!.apiKey, query: { agency, period } });
    const rows = r.ok ? rowsOf(r.body, ['indicators', 'items', 'groups', 'rows']) : [];
    const series = r.ok ? rowsOf(r.body, ['history', 'series', 'trend']) : [];
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'indicators'),
      (c) => html`
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<form method="get" action="/chi-so-766" class="filters" role="search">
<div><label for="i-a">${t(c.lang, 'agency')}</label><input id="i-a" name="agency" value="${agency ?? ''}" maxlength="40"></div>
<div><label for="i-p">${t(c.lang, 'period')} (2026-11, 2026-Q4, 2026-H2, 2026)</label><input id="i-p" name="period" value="${period ?? ''}" maxlength="10"></div>
<div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div></form>
${r.ok
  ? html`${r.body.total !== undefined || r.body.score !== undefined ? html`<p class="score" data-testid="total">${t(c.lang, 'score')}: <b>${fmtNumber(Number(r.body.total ?? r.body.score), c.lang, 2)}</b> / 100</p>` : ''}
${series.length ? html`<div class="chart" data-chart="${JSON.stringify(series.slice(0, 200))}" role="img" aria-label="${t(c.lang, 'indicators')}"></div>` : ''}
${rows.length
  ? genericTable(rows, c.lang, {
      testid: 'indicators',
      max: 12,
      link: (x) => {
        const code = String(x.code ?? x.id ?? x.indicator ?? '');
        return CODE.test(code) ? `/chi-so-766/chi-tiet${qs({ code, agency: agency ?? (x.agency as string | undefined), period: period ?? (x.period as string | undefined) })}` : undefined;
      },
    })
  : html`<p class="muted">${t(c.lang, 'noResults')}</p>`}`
  : r.unavailable
    ? unavailable(c.lang, 'operations')
    : flash('error', backendMessage(r.body, c.lang))}`,
      { scripts: ['/assets/uPlot.iife.min.js', '/assets/charts.js'] },
    );
  });

  kit.route('GET', '/chi-so-766/chi-tiet', { roles: READ_ROLES }, async (req, reply) => {
    const q = new InputReader(req.query);
    const code = q.str('code', { max: 12, pattern: CODE, required: true });
    const agency = q.str('agency', { max: 40, pattern: AGENCY });
    const period = q.str('period', { max: 10, pattern: PERIOD });
    const part = q.str('part', { max: 12, pattern: /^(numerator|denominator)$/ });
    if (!code) return kit.notFound(req, reply);
    const r = await deps.backends.call<Record<string, unknown>>('operations', `/v1/indicators/${encodeURIComponent(code)}/dossiers`, {
      key: req.operator!.apiKey,
      query: { agency, period, part },
    });
    const rows = r.ok ? rowsOf(r.body) : [];
    return kit.render(req, reply, (c) => `${t(c.lang, 'indicators')} · ${code}`, (c) => html`
<p>${(['numerator', 'denominator'] as const).map((p) => html`<a class="chip${p === part ? ' on' : ''}" href="/chi-so-766/chi-tiet${qs({ code, agency, period, part: p })}">${t(c.lang, p)}</a> `)}</p>
${r.ok
  ? rows.length
    ? genericTable(rows, c.lang, { testid: 'indicator-dossiers', max: 10, hide: ['ChuHoSo', 'owner', 'SoDienThoai', 'Email'], link: (x) => (typeof x.MaHoSo === 'string' ? `/ho-so/${encodeURIComponent(x.MaHoSo)}` : typeof x.maHoSo === 'string' ? `/ho-so/${encodeURIComponent(x.maHoSo)}` : undefined) })
    : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
  : r.unavailable
    ? unavailable(c.lang, 'operations')
    : flash('error', backendMessage(r.body, c.lang))}
<p><a href="/chi-so-766${qs({ agency, period })}">${t(c.lang, 'back')}</a></p>`);
  });
}
