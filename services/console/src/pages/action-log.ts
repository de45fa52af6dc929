import type { PageKit } from '../app.js';
import { html } from '../lib/html.js';
import { fmtTime, t } from '../lib/i18n.js';
import { InputReader } from '../web/input.js';
import { flash } from '../web/layout.js';

/** The console's own action log: every state-changing action, who, when, target, the reason typed. */
export function actionLogRoutes(kit: PageKit): void {
  kit.route('GET', '/nhat-ky', { roles: ['operator', 'auditor'] }, async (req, reply) => {
    const q = new InputReader(req.query);
    const clientId = q.str('who', { max: 64, pattern: /^[a-z0-9][a-z0-9._-]{0,63}$/ });
    const action = q.str('action', { max: 64, pattern: /^[a-z0-9-]+$/ });
    const target = q.str('target', { max: 200, pattern: /^[A-Za-z0-9:._-]+$/ });
    const rows = await kit.deps.actions.list({
      ...(clientId ? { clientId } : {}),
      ...(action ? { action } : {}),
      ...(target ? { target } : {}),
      limit: 300,
    });
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'actions'),
      (c) => html`
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<form method="get" action="/nhat-ky" class="filters" role="search">
<div><label for="l-w">${t(c.lang, 'who')}</label><input id="l-w" name="who" value="${clientId ?? ''}" maxlength="64"></div>
<div><label for="l-a">${t(c.lang, 'action')}</label><input id="l-a" name="action" value="${action ?? ''}" maxlength="64"></div>
<div><label for="l-t">${t(c.lang, 'target')}</label><input id="l-t" name="target" value="${target ?? ''}" maxlength="200"></div>
<div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div></form>
<div class="table-wrap"><table data-testid="actions"><thead><tr><th scope="col">${t(c.lang, 'time')}</th><th scope="col">${t(c.lang, 'who')}</th><th scope="col">${t(c.lang, 'action')}</th><th scope="col">${t(c.lang, 'target')}</th><th scope="col">${t(c.lang, 'reason')}</th><th scope="col">${t(c.lang, 'outcome')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td>${fmtTime(r.at, c.lang)}</td><td>${r.clientId}</td><td>${r.action}</td><td>${r.target}</td><td>${r.reason}</td><td>${r.outcome}</td></tr>`)}</tbody></table></div>`,
    );
  });
}
