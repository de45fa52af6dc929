import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, type Html } from '../lib/html.js';
import { fmtTime, t } from '../lib/i18n.js';
import { backendMessage } from '../lib/backends.js';
import { hasRole, OPERATOR, READ_ROLES } from '../web/context.js';
import { csrfField, flash, reasonField, unavailable } from '../web/layout.js';
import { AGENCY, InputReader, MA_HO_SO } from '../web/input.js';
import { cell, genericTable, rowsOf } from './generic.js';

/**
 * Overdue and due-soon dossiers per agency (operations' read model), with the apology-letter form and its
 * printable page. Issuing an apology is a state change in operations: operator role, a reason, the action
 * log.
 */
export function overdueRoutes(kit: PageKit): void {
  const { deps } = kit;

  async function page(req: FastifyRequest, reply: FastifyReply, message?: Html) {
    const q = new InputReader(req.query);
    const agency = q.str('agency', { max: 40, pattern: AGENCY });
    const op = req.operator!;
    const [overdue, dueSoon] = await Promise.all([
      deps.backends.call('operations', '/v1/overdue', { key: op.apiKey, query: { agency } }),
      deps.backends.call('operations', '/v1/due-soon', { key: op.apiKey, query: { agency } }),
    ]);
    const canAct = hasRole(op, 'operator');
    const maOf = (x: Record<string, unknown>) => (typeof x.MaHoSo === 'string' ? x.MaHoSo : typeof x.maHoSo === 'string' ? x.maHoSo : undefined);
    return kit.render(req, reply, (c) => t(c.lang, 'overdue'), (c) => html`
${message ?? ''}
<form method="get" action="/qua-han" class="filters" role="search"><div><label for="o-a">${t(c.lang, 'agency')}</label><input id="o-a" name="agency" value="${agency ?? ''}" maxlength="40"></div><div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div></form>
${overdue.ok
  ? html`<h2>${t(c.lang, 'navOverdue')}</h2>${rowsOf(overdue.body).length
      ? html`<div class="table-wrap"><table data-testid="overdue"><thead><tr><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'dueAt')}</th><th scope="col">${t(c.lang, 'status')}</th><th scope="col">${t(c.lang, 'apology')}</th></tr></thead><tbody>
${rowsOf(overdue.body).slice(0, 300).map((x) => {
        const m = maOf(x);
        return html`<tr><td>${m ? html`<a href="/ho-so/${encodeURIComponent(m)}">${m}</a>` : '—'}</td><td>${cell('dueAt', x.dueAt ?? x.NgayHenTra ?? x.due, c.lang)}</td><td>${cell('status', x.status ?? x.TrangThaiHoSo, c.lang)}</td>
<td>${m ? html`<a href="/qua-han/${encodeURIComponent(m)}/thu-xin-loi">${t(c.lang, 'print')}</a>` : ''}
${m && canAct && MA_HO_SO.test(m) ? html`<details><summary>${t(c.lang, 'apology')}</summary><form method="post" action="/qua-han/${encodeURIComponent(m)}/xin-loi" class="stack">${csrfField(c)}
<label for="nd-${m}">${t(c.lang, 'newDueDate')}</label><input id="nd-${m}" name="newDueDate" type="date" required>
${reasonField(c.lang, `ap-${m}`)}<button type="submit">${t(c.lang, 'submit')}</button></form></details>` : ''}</td></tr>`;
      })}</tbody></table></div>`
      : html`<p class="muted">${t(c.lang, 'noResults')}</p>`}`
  : overdue.unavailable
    ? unavailable(c.lang, 'operations')
    : flash('error', backendMessage(overdue.body, c.lang))}
${dueSoon.ok ? html`<h2>${t(c.lang, 'dueAt')}</h2>${genericTable(rowsOf(dueSoon.body), c.lang, { testid: 'due-soon', link: (x) => (maOf(x) ? `/ho-so/${encodeURIComponent(maOf(x)!)}` : undefined) })}` : ''}`);
  }

  kit.route('GET', '/qua-han', { roles: READ_ROLES }, async (req, reply) => page(req, reply));

  kit.route('POST', '/qua-han/:maHoSo/xin-loi', { roles: OPERATOR }, async (req, reply) => {
    const m = (req.params as { maHoSo: string }).maHoSo;
    if (!MA_HO_SO.test(m)) return kit.notFound(req, reply);
    const body = new InputReader(req.body);
    const newDueDate = body.date('newDueDate');
    const reason = body.reason();
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    if (!newDueDate) return page(req, reply.status(400), flash('error', `${t(req.lang, 'invalidInput')}: newDueDate`));
    const op = req.operator!;
    const r = await deps.backends.call('operations', '/v1/apologies', { key: op.apiKey, body: { MaHoSo: m, reason, newDueDate } });
    await deps.actions.record({ clientId: op.client.id, action: 'apology-letter', target: `dossier:${m}`, reason, outcome: r.ok ? 'ok' : r.unavailable ? 'failed' : 'refused', detail: { newDueDate } });
    if (r.ok) return page(req, reply, flash('ok', t(req.lang, 'done')));
    return page(req, reply.status(r.unavailable ? 502 : r.status), flash('error', `${t(req.lang, 'failed')}: ${r.unavailable ? t(req.lang, 'serviceUnavailable') : backendMessage(r.body, req.lang)}`));
  });

  kit.route('GET', '/qua-han/:maHoSo/thu-xin-loi', { roles: READ_ROLES }, async (req, reply) => {
    const m = (req.params as { maHoSo: string }).maHoSo;
    if (!MA_HO_SO.test(m)) return kit.notFound(req, reply);
    const r = await deps.backends.call<Record<string, unknown>>('operations', `/v1/apologies/${encodeURIComponent(m)}`, { key: req.operator!.apiKey });
    const letter = r.ok ? (rowsOf(r.body, ['letters', 'items'])[0] ?? r.body) : undefined;
    return kit.render(
      req,
      reply,
      (c) => `${t(c.lang, 'apology')} ${m}`,
      (c) => html`${letter
        ? html`<article class="letter" data-testid="letter">${typeof letter.text === 'string' || typeof letter.body === 'string'
            ? html`<div class="letter-text">${String(letter.text ?? letter.body)}</div>`
            : html`<dl class="facts">${Object.entries(letter).map(([k, v]) => html`<dt>${k}</dt><dd>${cell(k, v, c.lang)}</dd>`)}</dl>`}
<p class="muted">${fmtTime(new Date(), c.lang)}</p></article>`
        : !r.ok && r.unavailable
          ? unavailable(c.lang, 'operations')
          : flash('error', backendMessage(!r.ok && !r.unavailable ? r.body : {}, c.lang))}`,
      { printable: true },
    );
  });
}
