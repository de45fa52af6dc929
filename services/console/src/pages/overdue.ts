import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtNumber, t } from '../lib/i18n.js';
import { backendMessage } from '../lib/backends.js';
import { hasRole, OPERATOR, READ_ROLES } from '../web/context.js';
import { csrfField, flash, reasonField, unavailable } from '../web/layout.js';
import { AGENCY, InputReader, MA_HO_SO, UUID } from '../web/input.js';
import { cell } from './generic.js';
import { agencyOf } from '../index/event-index.js';

interface OverdueItem {
  MaHoSo: string;
  agency: string;
  MaTTHC: string | null;
  NgayHenTra: string | null;
  deadline: string | null;
  overdueAt: string | null;
  supplementRounds: number | null;
  apologies: number;
}

/**
 * Overdue dossiers per agency (operations: GET /v1/overdue?agency=), with the apology-letter form
 * (POST /v1/overdue/:MaHoSo/apology, operator, the reason typed becomes the letter's reason and the
 * console's action-log reason) and its printable page (operations renders the letter; the console passes
 * it through under operations' own restrictive CSP). Below it, the dossiers due soon (GET /v1/due-soon):
 * the ones to act on before they become overdue.
 */
export function overdueRoutes(kit: PageKit): void {
  const { deps } = kit;

  async function page(req: FastifyRequest, reply: FastifyReply, message?: Html, agencyAfterPost?: string) {
    const q = new InputReader(req.query);
    const op = req.operator!;
    const seen = (
      await deps.pool.query<{ agency: string }>(
        `SELECT agency, count(*) AS n FROM console_event WHERE agency IS NOT NULL GROUP BY agency ORDER BY n DESC LIMIT 12`,
      )
    ).rows.filter((a) => deps.clients.mayActFor(op.client, a.agency));
    const agency = agencyAfterPost ?? q.str('agency', { max: 40, pattern: AGENCY }) ?? seen[0]?.agency;
    const overdue = agency
      ? await deps.backends.call<{ total?: number; items?: OverdueItem[] }>('operations', '/v1/overdue', {
          key: op.apiKey,
          query: { agency, pageSize: '500' },
        })
      : undefined;
    const dueSoon = agency
      ? await deps.backends.call<{ total?: number; workingHours?: number; items?: OverdueItem[] }>('operations', '/v1/due-soon', {
          key: op.apiKey,
          query: { agency, pageSize: '200' },
        })
      : undefined;
    const canAct = hasRole(op, 'operator');
    const tomorrow = new Date(Date.now() + 7 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'overdue'),
      (c) => html`
${message ?? ''}
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<form method="get" action="/qua-han" class="filters" role="search"><div><label for="o-a">${t(c.lang, 'agency')}</label><input id="o-a" name="agency" value="${agency ?? ''}" maxlength="40"></div><div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div></form>
<p>${seen.map((a) => html`<a class="chip${a.agency === agency ? ' on' : ''}" href="/qua-han${qs({ agency: a.agency })}">${a.agency}</a> `)}</p>
${
  !overdue
    ? html`<p class="muted">${t(c.lang, 'noResults')}</p>`
    : !overdue.ok
      ? overdue.unavailable
        ? unavailable(c.lang, 'operations')
        : flash('error', backendMessage(overdue.body, c.lang))
      : (overdue.body.items ?? []).length
        ? html`<p>${t(c.lang, 'total')}: <b data-testid="overdue-total">${fmtNumber(overdue.body.total ?? 0, c.lang)}</b></p>
<div class="table-wrap"><table data-testid="overdue"><thead><tr><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'procedure')}</th><th scope="col">${t(c.lang, 'dueAt')}</th><th scope="col">${t(c.lang, 'navOverdue')}</th><th scope="col">${t(c.lang, 'apology')}</th></tr></thead><tbody>
${(overdue.body.items ?? []).map(
  (
    x,
  ) => html`<tr><td><a href="/ho-so/${encodeURIComponent(x.MaHoSo)}">${x.MaHoSo}</a></td><td>${x.MaTTHC ?? '—'}</td><td>${cell('deadline', x.deadline ?? x.NgayHenTra, c.lang)}</td><td>${cell('overdueAt', x.overdueAt, c.lang)}</td>
<td>${x.apologies ? html`<a href="/ho-so/${encodeURIComponent(x.MaHoSo)}#tl-h">${x.apologies} ${t(c.lang, 'apology')}</a> ` : ''}
${
  canAct && MA_HO_SO.test(x.MaHoSo)
    ? html`<details><summary>${t(c.lang, 'apology')}</summary><form method="post" action="/qua-han/${encodeURIComponent(x.MaHoSo)}/xin-loi" class="stack">${csrfField(c)}
<label for="nd-${x.MaHoSo}">${t(c.lang, 'newDueDate')}</label><input id="nd-${x.MaHoSo}" name="newDueDate" type="date" min="${tomorrow}" required>
${reasonField(c.lang, `ap-${x.MaHoSo}`)}<button type="submit">${t(c.lang, 'submit')}</button></form></details>`
    : ''
}</td></tr>`,
)}</tbody></table></div>`
        : html`<p class="muted" data-testid="no-overdue">${t(c.lang, 'noResults')}</p>`
}
<h2>${t(c.lang, 'dueSoon')}${dueSoon?.ok && dueSoon.body.workingHours ? html` <span class="muted">(${fmtNumber(dueSoon.body.workingHours, c.lang)} ${t(c.lang, 'workingHours')})</span>` : ''}</h2>
${
  !dueSoon
    ? ''
    : !dueSoon.ok
      ? dueSoon.unavailable
        ? unavailable(c.lang, 'operations')
        : flash('error', backendMessage(dueSoon.body, c.lang))
      : (dueSoon.body.items ?? []).length
        ? html`<div class="table-wrap"><table data-testid="due-soon"><thead><tr><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'procedure')}</th><th scope="col">${t(c.lang, 'dueAt')}</th></tr></thead><tbody>
${(dueSoon.body.items ?? []).map((x) => html`<tr><td><a href="/ho-so/${encodeURIComponent(x.MaHoSo)}">${x.MaHoSo}</a></td><td>${x.MaTTHC ?? '—'}</td><td>${cell('deadline', x.deadline ?? x.NgayHenTra, c.lang)}</td></tr>`)}
</tbody></table></div>`
        : html`<p class="muted" data-testid="no-due-soon">${t(c.lang, 'noResults')}</p>`
}`,
    );
  }

  kit.route('GET', '/qua-han', { roles: READ_ROLES }, async (req, reply) => page(req, reply));

  kit.route('POST', '/qua-han/:maHoSo/xin-loi', { roles: OPERATOR }, async (req, reply) => {
    const m = (req.params as { maHoSo: string }).maHoSo;
    if (!MA_HO_SO.test(m)) return kit.notFound(req, reply);
    const body = new InputReader(req.body);
    const newDueDate = body.date('newDueDate');
    const reason = body.reason();
    const agency = agencyOf(m) ?? undefined;
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')), agency);
    if (!newDueDate) return page(req, reply.status(400), flash('error', `${t(req.lang, 'invalidInput')}: newDueDate`), agency);
    const op = req.operator!;
    if (!agency || !deps.clients.mayActFor(op.client, agency)) return kit.notFound(req, reply);
    const r = await deps.backends.call<{ apologyId?: string }>('operations', `/v1/overdue/${encodeURIComponent(m)}/apology`, {
      key: op.apiKey,
      body: { reason, newDueDate },
    });
    await deps.actions.record({
      clientId: op.client.id,
      action: 'apology-letter',
      target: `dossier:${m}`,
      reason,
      outcome: r.ok ? 'ok' : r.unavailable ? 'failed' : 'refused',
      detail: { newDueDate, ...(r.ok && r.body.apologyId ? { apologyId: r.body.apologyId } : {}) },
    });
    if (r.ok && r.body.apologyId) {
      return page(
        req,
        reply,
        html`${flash('ok', t(req.lang, 'done'))}<p><a data-testid="letter-link" href="/qua-han/${encodeURIComponent(m)}/thu-xin-loi/${r.body.apologyId}">${t(req.lang, 'print')} · ${t(req.lang, 'apology')} ${m}</a></p>`,
        agency,
      );
    }
    return page(
      req,
      reply.status(r.ok ? 502 : r.unavailable ? 502 : r.status),
      flash(
        'error',
        `${t(req.lang, 'failed')}: ${!r.ok && !r.unavailable ? backendMessage(r.body, req.lang) : t(req.lang, 'serviceUnavailable')}`,
      ),
      agency,
    );
  });

  // The printable letter as operations renders it (its own escaping and a CSP allowing only inline styles).
  kit.route('GET', '/qua-han/:maHoSo/thu-xin-loi/:id', { roles: READ_ROLES }, async (req, reply) => {
    const { maHoSo: m, id } = req.params as { maHoSo: string; id: string };
    if (!MA_HO_SO.test(m) || !UUID.test(id)) return kit.notFound(req, reply);
    const agency = agencyOf(m);
    if (!agency || !deps.clients.mayActFor(req.operator!.client, agency)) return kit.notFound(req, reply);
    const text = await deps.backends.text(
      'operations',
      `/v1/overdue/${encodeURIComponent(m)}/apology/${id}`,
      req.operator!.apiKey,
    );
    if (text === undefined)
      return kit.render(
        req,
        reply.status(502),
        (c) => t(c.lang, 'apology'),
        (c) => unavailable(c.lang, 'operations'),
      );
    return reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      .type('text/html; charset=utf-8')
      .send(text);
  });
}
