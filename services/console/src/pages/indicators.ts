import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtNumber, t, type Lang } from '../lib/i18n.js';
import { backendMessage } from '../lib/backends.js';
import { READ_ROLES } from '../web/context.js';
import { flash, unavailable } from '../web/layout.js';
import { AGENCY, InputReader } from '../web/input.js';
import { genericTable, rowsOf } from './generic.js';

/** One indicator as operations computes it (services/operations/src/indicators/compute.ts). */
interface Figure {
  id: string;
  name: string;
  nameVi: string;
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
  threshold: number | null;
  score: number | null;
  unit?: string;
  inferred?: string[];
  note?: string;
  lists: { numerator: string; denominator: string } | null;
}

/**
 * The groups of Decision 766's indicators, by the first number of their id, named as in
 * ../shared/reference/indicators-766.md (sections 1–5). The national dashboard shows six groups with maxima
 * 18/20/12/10/22/18 (console-anchors.md §d); how its "online payment" group maps onto section 3 is
 * [inf], so the console shows operations' 0–100 score per indicator and does not invent group maxima.
 */
const GROUPS: Record<string, readonly [string, string]> = {
  '1': ['Công khai, minh bạch', 'Publicity and transparency'],
  '2': ['Tiến độ, kết quả giải quyết', 'Progress and results'],
  '3': ['Cung cấp dịch vụ trực tuyến', 'Online services'],
  '4': ['Số hóa hồ sơ', 'Digitisation'],
  '5': ['Mức độ hài lòng', 'Satisfaction'],
};

const PERIOD = /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/;
const ID = /^[0-9]\.[0-9][a-z]?$/;

/** A period as the national dashboard names them (tháng, quý, 6 tháng, năm) → [from, to] dates, and the one before. */
export function periodRange(p: string): { from: string; to: string; prevFrom: string; prevTo: string } {
  const y = Number(p.slice(0, 4));
  let m0 = 0;
  let months = 12;
  if (/-\d{2}$/.test(p)) [m0, months] = [Number(p.slice(5)) - 1, 1];
  else if (/-Q\d$/.test(p)) [m0, months] = [(Number(p.slice(6)) - 1) * 3, 3];
  else if (/-H\d$/.test(p)) [m0, months] = [(Number(p.slice(6)) - 1) * 6, 6];
  const day = (yy: number, mm: number, d: number) => new Date(Date.UTC(yy, mm, d)).toISOString().slice(0, 10);
  return { from: day(y, m0, 1), to: day(y, m0 + months, 0), prevFrom: day(y, m0 - months, 1), prevTo: day(y, m0, 0) };
}

function currentMonth(): string {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);
}

const pct = (v: number | null, lang: Lang, unit?: string) =>
  v === null ? 'N/A' : `${fmtNumber(v, lang, 2)}${unit ? ` ${unit}` : ' %'}`;

function delta(now: number | null, before: number | null | undefined, lang: Lang): Html {
  if (now === null || before === null || before === undefined) return html`<span class="muted">—</span>`;
  const d = Math.round((now - before) * 100) / 100;
  return html`<span class="${d < 0 ? 'bad' : d > 0 ? 'good' : ''}">${d > 0 ? '+' : ''}${fmtNumber(d, lang, 2)}</span>`;
}

/**
 * Decision 766 indicators from operations (GET /v1/indicators per agency and period): the live value, the
 * change from the previous period of the same length, and a click-through to the dossiers behind each
 * numerator and denominator (GET /v1/indicators/:id/dossiers). The uPlot chart compares the two periods;
 * every number is also in the table.
 */
export function indicatorRoutes(kit: PageKit): void {
  const { deps } = kit;
  kit.route('GET', '/chi-so-766', { roles: READ_ROLES }, async (req, reply) => {
    const q = new InputReader(req.query);
    const agencyIn = q.str('agency', { max: 40, pattern: AGENCY });
    const period = q.str('period', { max: 10, pattern: PERIOD }) ?? currentMonth();
    const op = req.operator!;
    const seen = (
      await deps.pool.query<{ agency: string; n: string }>(
        `SELECT agency, count(DISTINCT ma_ho_so) AS n FROM console_event WHERE agency IS NOT NULL AND type = 'vn.lienthong.dossier.upserted' GROUP BY agency ORDER BY n DESC LIMIT 12`,
      )
    ).rows.filter((a) => deps.clients.mayActFor(op.client, a.agency));
    const agency = agencyIn ?? seen[0]?.agency;
    const range = periodRange(period);
    const [now, before] = agency
      ? await Promise.all([
          deps.backends.call<{ indicators?: Figure[]; computedAt?: string }>('operations', '/v1/indicators', {
            key: op.apiKey,
            query: { agency, from: range.from, to: range.to },
          }),
          deps.backends.call<{ indicators?: Figure[] }>('operations', '/v1/indicators', {
            key: op.apiKey,
            query: { agency, from: range.prevFrom, to: range.prevTo },
          }),
        ])
      : [undefined, undefined];
    const figures = now?.ok ? (now.body.indicators ?? []) : [];
    const prev = new Map((before?.ok ? (before.body.indicators ?? []) : []).map((f) => [f.id, f]));
    const chart = figures
      .filter((f) => f.score !== null || prev.get(f.id)?.score != null)
      .map((f) => ({
        id: f.id,
        [period]: f.score,
        [req.lang === 'en' ? 'previous' : 'kỳ trước']: prev.get(f.id)?.score ?? null,
      }));
    const groups = [...new Set(figures.map((f) => f.id.split('.')[0]!))].sort();
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'indicators'),
      (c) => html`
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<form method="get" action="/chi-so-766" class="filters" role="search">
<div><label for="i-a">${t(c.lang, 'agency')}</label><input id="i-a" name="agency" value="${agency ?? ''}" maxlength="40" required></div>
<div><label for="i-p">${t(c.lang, 'period')} (2026-11 · 2026-Q4 · 2026-H2 · 2026)</label><input id="i-p" name="period" value="${period}" maxlength="10"></div>
<div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div></form>
<p>${seen.map((a) => html`<a class="chip${a.agency === agency ? ' on' : ''}" href="/chi-so-766${qs({ agency: a.agency, period })}">${a.agency}</a> `)}</p>
${
  !agency
    ? html`<p class="muted">${t(c.lang, 'noResults')}</p>`
    : now && !now.ok
      ? now.unavailable
        ? unavailable(c.lang, 'operations')
        : flash('error', backendMessage(now.body, c.lang))
      : html`<p class="muted">${agency} · ${range.from} → ${range.to} · ${t(c.lang, 'change')}: ${range.prevFrom} → ${range.prevTo}</p>
${chart.length ? html`<div class="chart" data-chart="${JSON.stringify(chart)}" data-x-label="${t(c.lang, 'chartIndicator')}" role="img" aria-label="${t(c.lang, 'score')}: ${chart.map((x) => `${x.id} ${x[period]}`).join(', ')}"></div>` : ''}
${groups.map(
  (g) => html`<h2>${g}. ${GROUPS[g] ? GROUPS[g]![c.lang === 'en' ? 1 : 0] : ''}</h2>
<div class="table-wrap"><table data-testid="indicators"><thead><tr><th scope="col">#</th><th scope="col">${t(c.lang, 'navIndicators')}</th><th scope="col">${t(c.lang, 'numerator')}</th><th scope="col">${t(c.lang, 'denominator')}</th><th scope="col">%</th><th scope="col">${t(c.lang, 'score')} (0–100)</th><th scope="col">${t(c.lang, 'change')}</th></tr></thead>
<tbody>${figures
    .filter((f) => f.id.split('.')[0] === g)
    .map((f) => {
      const link = (set: 'numerator' | 'denominator', v: number | null) =>
        f.lists && ID.test(f.id) && v !== null
          ? html`<a href="/chi-so-766/chi-tiet${qs({ id: f.id, agency, from: range.from, to: range.to, set })}">${fmtNumber(v, c.lang)}</a>`
          : fmtNumber(v, c.lang);
      return html`<tr data-indicator="${f.id}"><td>${f.id}</td><td>${c.lang === 'en' ? f.name : f.nameVi}${f.inferred?.length ? html` <small class="muted" title="${f.inferred.join(' ')}">(${t(c.lang, 'inferred')})</small>` : ''}</td>
<td class="num">${link('numerator', f.numerator)}</td><td class="num">${link('denominator', f.denominator)}</td><td class="num">${pct(f.rate, c.lang, f.unit)}</td><td class="num">${f.score === null ? 'N/A' : fmtNumber(f.score, c.lang, 2)}</td><td class="num">${delta(f.score, prev.get(f.id)?.score, c.lang)}</td></tr>`;
    })}</tbody></table></div>`,
)}`
}`,
      { scripts: ['/assets/uPlot.iife.min.js', '/assets/charts.js'] },
    );
  });

  kit.route('GET', '/chi-so-766/chi-tiet', { roles: READ_ROLES }, async (req, reply) => {
    const q = new InputReader(req.query);
    const id = q.str('id', { max: 8, pattern: ID, required: true });
    const agency = q.str('agency', { max: 40, pattern: AGENCY, required: true });
    const from = q.date('from');
    const to = q.date('to');
    const set = q.str('set', { max: 12, pattern: /^(numerator|denominator)$/ }) ?? 'numerator';
    const page = q.int('page', 1, 100_000) ?? 1;
    if (!id || !agency) return kit.notFound(req, reply);
    const r = await deps.backends.call<{ total?: number; items?: unknown[] }>(
      'operations',
      `/v1/indicators/${encodeURIComponent(id)}/dossiers`,
      {
        key: req.operator!.apiKey,
        query: { agency, from, to, set, page: String(page), pageSize: '100' },
      },
    );
    const rows = r.ok ? rowsOf(r.body) : [];
    const maOf = (x: Record<string, unknown>) => (typeof x.MaHoSo === 'string' ? x.MaHoSo : undefined);
    return kit.render(
      req,
      reply,
      (c) => `${t(c.lang, 'navIndicators')} ${id} · ${t(c.lang, set === 'numerator' ? 'numerator' : 'denominator')}`,
      (c) => html`
<p>${(['numerator', 'denominator'] as const).map((s) => html`<a class="chip${s === set ? ' on' : ''}" href="/chi-so-766/chi-tiet${qs({ id, agency, from, to, set: s })}">${t(c.lang, s)}</a> `)}
${r.ok ? html`<span class="muted">${t(c.lang, 'total')}: <b data-testid="drill-total">${fmtNumber(r.body.total ?? rows.length, c.lang)}</b></span>` : ''}</p>
${
  r.ok
    ? rows.length
      ? genericTable(rows, c.lang, {
          testid: 'indicator-dossiers',
          max: 10,
          hide: ['ChuHoSo', 'owner', 'SoDienThoai', 'Email'],
          link: (x) => (maOf(x) ? `/ho-so/${encodeURIComponent(maOf(x)!)}` : undefined),
        })
      : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
    : r.unavailable
      ? unavailable(c.lang, 'operations')
      : flash('error', backendMessage(r.body, c.lang))
}
${r.ok && (r.body.total ?? 0) > page * 100 ? html`<p><a href="/chi-so-766/chi-tiet${qs({ id, agency, from, to, set, page: page + 1 })}">→ ${page + 1}</a></p>` : ''}
<p><a href="/chi-so-766${qs({ agency })}">${t(c.lang, 'back')}</a></p>`,
    );
  });
}
