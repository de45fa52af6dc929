import type { PageKit } from '../app.js';
import { html, qs } from '../lib/html.js';
import { fmtNumber, fmtTime, t } from '../lib/i18n.js';
import { READ_ROLES, hasRole } from '../web/context.js';
import { flash } from '../web/layout.js';
import { InputReader, MA_HO_SO } from '../web/input.js';
import { agencyScopeSql } from '@lienthong/platform';

interface OutcomeRow {
  ma_ho_so: string;
  event_time: Date;
  summary: Record<string, unknown>;
  status: string | null;
}

/**
 * Deliveries to DVCQG, Stripe-style (console-anchors.md §f.4): one line per push outcome national-sync
 * published on sync.outcomes.v1 (the console's index), with the portal's answer; the next retry of a
 * dossier still retrying comes from national-sync's ledger. "Push now" asks national-sync to push one
 * dossier at once (its replay API), with a reason.
 */
export function deliveryRoutes(kit: PageKit): void {
  const { deps } = kit;

  kit.route('GET', '/gui-dvcqg', { roles: READ_ROLES }, async (req, reply) => {
    const q = new InputReader(req.query);
    const outcome = q.str('outcome', { max: 20, pattern: /^(accepted|retrying|rejected|dead-lettered|skipped-stale)$/ });
    const maHoSo = q.str('maHoSo', { max: 100, pattern: MA_HO_SO });
    const op = req.operator!;
    // The list and the last hour's counts are both scoped in the query, on each outcome's own agency (its
    // MaHoSo prefix, indexed as `agency`): a scoped officer counts their agencies' pushes only, and
    // outcomes of no known agency count for '*' officers only.
    const scope = agencyScopeSql(op.client, 'agency', 1);
    const args: unknown[] = [...scope.params];
    const where = [`topic LIKE '%sync.outcomes.v1'`, scope.sql];
    if (outcome) where.push(`status = $${args.push(outcome)}`);
    if (maHoSo) where.push(`ma_ho_so = $${args.push(maHoSo)}`);
    const rows = (
      await deps.pool.query<OutcomeRow>(
        `SELECT ma_ho_so, event_time, summary, status FROM console_event WHERE ${where.join(' AND ')} ORDER BY event_time DESC, "offset" DESC LIMIT 200`,
        args,
      )
    ).rows;
    const stats = (
      await deps.pool.query<{ status: string; n: string }>(
        `SELECT status, count(*) AS n FROM console_event WHERE topic LIKE '%sync.outcomes.v1' AND ${scope.sql} AND event_time > now() - interval '1 hour' GROUP BY status`,
        scope.params,
      )
    ).rows;
    const retrying = [...new Set(rows.filter((r) => r.status === 'retrying').map((r) => r.ma_ho_so))].slice(0, 20);
    const due = new Map<string, string | null>();
    await Promise.all(
      retrying.map(async (m) => {
        const r = await deps.backends.call<{ due?: string | null; state?: string }>(
          'national-sync',
          `/v1/dossiers/${encodeURIComponent(m)}/sync`,
          { key: op.apiKey },
        );
        if (r.ok && r.body.state === 'retrying') due.set(m, r.body.due ?? null);
      }),
    );
    const total = stats.reduce((s, x) => s + Number(x.n), 0);
    const ok = stats.filter((x) => x.status === 'accepted').reduce((s, x) => s + Number(x.n), 0);
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'deliveries'),
      (c) => html`
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<p class="stats">DVCQG · 60′: ${stats.map((s) => html`<a class="chip" href="/gui-dvcqg${qs({ outcome: s.status })}">${s.status} <b>${fmtNumber(Number(s.n), c.lang)}</b></a> `)}
${total ? html`· ${fmtNumber((ok / total) * 100, c.lang, 1)} % accepted` : ''}</p>
<form method="get" action="/gui-dvcqg" class="filters" role="search">
<div><label for="d-o">${t(c.lang, 'outcome')}</label><select id="d-o" name="outcome"><option value="">—</option>${['accepted', 'retrying', 'rejected', 'dead-lettered', 'skipped-stale'].map((o) => html`<option value="${o}" ${o === outcome ? 'selected' : ''}>${o}</option>`)}</select></div>
<div><label for="d-m">${t(c.lang, 'maHoSo')}</label><input id="d-m" name="maHoSo" value="${maHoSo ?? ''}" maxlength="100"></div>
<div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div></form>
${
  rows.length
    ? html`<div class="table-wrap"><table data-testid="deliveries"><thead><tr><th scope="col">${t(c.lang, 'time')}</th><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'packet')}</th><th scope="col">${t(c.lang, 'outcome')}</th><th scope="col">${t(c.lang, 'attempts')}</th><th scope="col">${t(c.lang, 'answer')}</th><th scope="col">${t(c.lang, 'nextRetry')}</th>${hasRole(c.operator, 'operator') ? html`<th scope="col">${t(c.lang, 'action')}</th>` : ''}</tr></thead>
<tbody>${rows.map((r) => {
        const s = r.summary;
        return html`<tr class="${r.status === 'accepted' ? '' : 'bad'}"><td>${fmtTime(r.event_time, c.lang)}</td><td><a href="/ho-so/${encodeURIComponent(r.ma_ho_so)}">${r.ma_ho_so}</a></td><td>${String(s.packet ?? '—')}</td>
<td><span class="badge ${r.status === 'accepted' ? 'ready' : 'down'}">${r.status ?? '—'}</span></td><td class="num">${String(s.attempts ?? '—')}</td>
<td>${
          [s.portalErrorCode, s.errorCode, s.portalMessage]
            .filter((x) => x !== undefined)
            .map(String)
            .join(' · ') || '—'
        }</td>
<td>${r.status === 'retrying' ? fmtTime(due.get(r.ma_ho_so) ?? null, c.lang) : '—'}</td>
${hasRole(c.operator, 'operator') ? html`<td><a href="/ho-so/${encodeURIComponent(r.ma_ho_so)}#ledger-h">${t(c.lang, 'pushNow')}</a></td>` : ''}</tr>`;
      })}</tbody></table></div>`
    : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
}`,
    );
  });
}
