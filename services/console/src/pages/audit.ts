import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { maskId } from '../lib/mask.js';
import { backendMessage } from '../lib/backends.js';
import { AUDITOR } from '../web/context.js';
import { csrfField, flash, unavailable } from '../web/layout.js';
import { AGENCY, InputReader, MA_HO_SO } from '../web/input.js';
import { genericTable, rowsOf } from './generic.js';

/**
 * Citizen-data look-up audit (auditor role): search by subject ID, officer, agency, dossier and time, and
 * the hash chain's verification, from citizen-data's audit API (POST /v1/audit/search, GET
 * /v1/audit/verify). The subject ID goes in a POST body only (never a URL, never the console's logs);
 * citizen-data hashes it with its own key and searches by the hash. Rows show the subject as its hash.
 */
export function auditRoutes(kit: PageKit): void {
  const { deps } = kit;
  // The subject ID is searched by POST so it never sits in a URL (access logs, browser history, the
  // Referer); the form carries a CSRF token like every other. The other filters work as GET links too.
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const q = new InputReader(req.method === 'POST' ? req.body : req.query);
    const subjectId = q.str('subjectId', { max: 14, pattern: /^([0-9]{9}|[0-9]{12}|[0-9]{10}(-[0-9]{3})?)$/ });
    const officer = q.str('officer', { max: 64, pattern: /^[A-Za-z0-9._@-]+$/ });
    const agency = q.str('agency', { max: 40, pattern: AGENCY });
    const maHoSo = q.str('maHoSo', { max: 100, pattern: MA_HO_SO });
    const from = q.date('from');
    const to = q.date('to');
    const op = req.operator!;
    // citizen-data hashes the subject ID with its own key on the way in (POST, so it is in no URL).
    const query = {
      ...(subjectId ? { subjectId } : {}),
      ...(officer ? { officerId: officer } : {}),
      ...(agency ? { agency } : {}),
      ...(maHoSo ? { MaHoSo: maHoSo } : {}),
      ...(from ? { from: `${from}T00:00:00+07:00` } : {}),
      ...(to ? { to: `${to}T23:59:59+07:00` } : {}),
      limit: 200,
    };
    const [found, chain] = await Promise.all([
      deps.backends.call<{ items?: Record<string, unknown>[] }>('citizen-data', '/v1/audit/search', {
        key: op.apiKey,
        body: query,
      }),
      deps.backends.call<Record<string, unknown>>('citizen-data', '/v1/audit/verify', { key: op.apiKey }),
    ]);
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'audit'),
      (c) => html`
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
${found.ok || chain.ok ? '' : unavailable(c.lang, 'citizen-data')}
${chain.ok ? html`<p class="notice ${chain.body.ok === false ? 'error' : 'ok'}" data-testid="chain">${t(c.lang, 'chain')}: ${chain.body.ok === false ? t(c.lang, 'chainBroken') : t(c.lang, 'chainOk')} <span class="kv"><b>checked</b> ${String(chain.body.checked ?? '—')}</span> ${chain.body.firstBroken ? html`<span class="kv bad"><b>firstBroken</b> ${JSON.stringify(chain.body.firstBroken)}</span>` : ''}</p>` : ''}
<form method="post" action="/kiem-toan" class="filters" role="search">${csrfField(c)}
<div><label for="a-s">${t(c.lang, 'subjectId')}</label><input id="a-s" name="subjectId" value="" maxlength="20" autocomplete="off" inputmode="numeric"></div>
<div><label for="a-o">${t(c.lang, 'officer')}</label><input id="a-o" name="officer" value="${officer ?? ''}" maxlength="64"></div>
<div><label for="a-a">${t(c.lang, 'agency')}</label><input id="a-a" name="agency" value="${agency ?? ''}" maxlength="40"></div>
<div><label for="a-m">${t(c.lang, 'maHoSo')}</label><input id="a-m" name="maHoSo" value="${maHoSo ?? ''}" maxlength="100"></div>
<div><label for="a-f">${t(c.lang, 'from')}</label><input id="a-f" name="from" type="date" value="${from ?? ''}"></div>
<div><label for="a-t">${t(c.lang, 'to')}</label><input id="a-t" name="to" type="date" value="${to ?? ''}"></div>
<div class="buttons"><button type="submit">${t(c.lang, 'search')}</button></div></form>
${subjectId ? html`<p class="muted">${t(c.lang, 'subjectId')}: ${maskId(subjectId)}</p>` : ''}
${
  found.ok
    ? rowsOf(found.body).length
      ? genericTable(rowsOf(found.body), c.lang, {
          testid: 'audit',
          max: 14,
          hide: ['subjectHash', 'prevHash', 'hash', 'fields'],
        })
      : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
    : found.unavailable
      ? ''
      : flash('error', backendMessage(found.body, c.lang))
}`,
    );
  };
  kit.route('GET', '/kiem-toan', { roles: AUDITOR }, handler);
  kit.route('POST', '/kiem-toan', { roles: AUDITOR }, handler);
}
