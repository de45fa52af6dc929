import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtTime, fmtVnd, t } from '../lib/i18n.js';
import { maskName } from '../lib/mask.js';
import { createPaymentsApi } from '../lib/payments-api.js';
import { createDeadLetterStore } from '../lib/dead-letters.js';
import { backendMessage } from '../lib/backends.js';
import { createReplayer } from '../lib/replay.js';
import { agencyOf } from '../index/event-index.js';
import { hasRole, OPERATOR, READ_ROLES, type ViewContext } from '../web/context.js';
import { csrfField, flash, reasonField, unavailable } from '../web/layout.js';
import { AGENCY, InputReader, MA_HO_SO, PROCEDURE, STATUS } from '../web/input.js';
import { eventLabel, eventsOf, searchDossiers } from './queries.js';
import { cell } from './generic.js';
import { postalBadge, type PostalHistory, type PostalOrder } from './postal.js';
import { messageBad, type LedgerMessage, type Receipt } from './notifications.js';

/** One line of a dossier's timeline, from whichever store knows it. */
interface TimelineItem {
  at: Date;
  source: string;
  title: string;
  detail: Html | string;
  bad?: boolean;
}

const REVEAL_ROLES = ['operator', 'auditor'] as const;

/** What operations' read model answers for one dossier (services/operations/src/routes/dossier-routes.ts). */
interface OpsDossier {
  NgayHenTra?: string | null;
  deadline?: string | null;
  deadlineAfterSupplement?: string | null;
  overdueAt?: string | null;
  deadlineNotices?: { kind: string; deadline: string | null; detectedAt: string }[];
  apologies?: { apologyId: string; newDueDate: string; createdAt: string; reason: string | null; letterUrl: string }[];
}

export function dossierRoutes(kit: PageKit): void {
  const { deps } = kit;
  const deadLetters = createDeadLetterStore(deps.pool);
  const paymentsApi = createPaymentsApi(deps.backends);
  const replayer = createReplayer({
    backends: deps.backends,
    nationalSyncGroup: deps.nationalSyncGroup,
    ...(deps.genericReplay ? { generic: deps.genericReplay } : {}),
  });

  kit.route('GET', '/ho-so', { roles: READ_ROLES }, async (req, reply) => {
    const q = new InputReader(req.query);
    const f = {
      maHoSo: q.str('maHoSo', { max: 100, pattern: /^[A-Za-z0-9.-]+$/ }),
      agency: q.str('agency', { max: 40, pattern: AGENCY }),
      procedure: q.str('procedure', { max: 40, pattern: PROCEDURE }),
      status: q.str('status', { max: 20, pattern: STATUS }),
      from: q.date('from'),
      to: q.date('to'),
    };
    if (
      f.maHoSo &&
      MA_HO_SO.test(f.maHoSo) &&
      q.errors.length === 0 &&
      !f.agency &&
      !f.procedure &&
      !f.status &&
      !f.from &&
      !f.to &&
      req.query &&
      (req.query as Record<string, unknown>).go === '1'
    ) {
      return reply.redirect(`/ho-so/${encodeURIComponent(f.maHoSo)}`, 303);
    }
    const op = req.operator!;
    const rows = (await searchDossiers(deps.pool, f, 200))
      .filter((r) => !r.agency || deps.clients.mayActFor(op.client, r.agency))
      .slice(0, 100);
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'navDossiers'),
      (c) => html`
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<form method="get" action="/ho-so" class="filters" role="search" hx-get="/ho-so" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true">
  <div><label for="f-ma">${t(c.lang, 'maHoSo')}</label><input id="f-ma" name="maHoSo" value="${f.maHoSo ?? ''}" maxlength="100"></div>
  <div><label for="f-ag">${t(c.lang, 'agency')}</label><input id="f-ag" name="agency" value="${f.agency ?? ''}" maxlength="40"></div>
  <div><label for="f-pr">${t(c.lang, 'procedure')}</label><input id="f-pr" name="procedure" value="${f.procedure ?? ''}" maxlength="40"></div>
  <div><label for="f-st">${t(c.lang, 'status')}</label><input id="f-st" name="status" value="${f.status ?? ''}" maxlength="20"></div>
  <div><label for="f-from">${t(c.lang, 'from')}</label><input id="f-from" name="from" type="date" value="${f.from ?? ''}"></div>
  <div><label for="f-to">${t(c.lang, 'to')}</label><input id="f-to" name="to" type="date" value="${f.to ?? ''}"></div>
  <div class="buttons"><button type="submit">${t(c.lang, 'search')}</button></div>
</form>
<div id="results" aria-live="polite">${
        rows.length
          ? html`<div class="table-wrap"><table data-testid="dossiers"><thead><tr><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'agency')}</th><th scope="col">${t(c.lang, 'procedure')}</th><th scope="col">${t(c.lang, 'status')}</th><th scope="col">${t(c.lang, 'owner')}</th><th scope="col">${t(c.lang, 'time')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td><a href="/ho-so/${encodeURIComponent(r.maHoSo ?? '')}">${r.maHoSo}</a></td><td>${r.agency ?? '—'}</td><td>${r.procedure ?? '—'}</td><td>${r.status ?? '—'}</td><td>${maskName(r.owner)}</td><td>${fmtTime(r.time, c.lang)}</td></tr>`)}</tbody></table></div>`
          : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
      }</div>`,
    );
  });

  async function timelinePage(
    req: FastifyRequest,
    reply: FastifyReply,
    maHoSo: string,
    opts: { reveal?: boolean; message?: Html } = {},
  ) {
    const op = req.operator!;
    const agency = agencyOf(maHoSo);
    // Another agency's dossier answers as unknown: its existence is not this operator's business.
    if (!agency || !deps.clients.mayActFor(op.client, agency)) return kit.notFound(req, reply);
    const [events, ledger, pay, dls, ops, lookups, postal, messages] = await Promise.all([
      eventsOf(deps.pool, maHoSo),
      deps.backends.call<Record<string, unknown>>('national-sync', `/v1/dossiers/${encodeURIComponent(maHoSo)}/sync`, {
        key: op.apiKey,
      }),
      // The dossier's payments and their history, scoped by payments to the officer's agencies.
      paymentsApi.ofDossier(op.apiKey, maHoSo),
      deadLetters.list({ visibleTo: op.client, maHoSo, includeReplayed: true }, 50),
      deps.backends.call<OpsDossier>('operations', `/v1/dossiers/${encodeURIComponent(maHoSo)}`, { key: op.apiKey }),
      hasRole(op, 'auditor')
        ? deps.backends.call<{ items?: Record<string, unknown>[] }>('citizen-data', '/v1/audit/search', {
            key: op.apiKey,
            body: { MaHoSo: maHoSo, limit: 200 },
          })
        : Promise.resolve(undefined),
      deps.backends.call<{ orders?: PostalOrder[]; history?: PostalHistory[] }>(
        'postal',
        `/v1/postal/orders/${encodeURIComponent(maHoSo)}`,
        { key: op.apiKey },
      ),
      deps.backends.call<{ messages?: LedgerMessage[] }>('notifications', '/v1/notifications', {
        key: op.apiKey,
        query: { MaHoSo: maHoSo },
      }),
    ]);
    const payments = pay.ok ? pay.body.payments : [];
    const payHistory = pay.ok ? pay.body.history : [];
    // The electronic receipt of each paid payment (notifications issues them after a verified settlement).
    const receipts = await Promise.all(
      payments
        .filter((p) => p.status === 'paid')
        .slice(0, 10)
        .map(async (p) => ({
          p,
          r: await deps.backends.call<Receipt>('notifications', `/v1/receipts/${encodeURIComponent(p.paymentId)}`, {
            key: op.apiKey,
          }),
        })),
    );
    const lang = req.lang;
    const items: TimelineItem[] = [];
    let owner: string | null = null;
    for (const e of events) {
      if (e.owner) owner = e.owner;
      const s = e.summary;
      const bad =
        e.type.startsWith('vn.lienthong.sync.') && /rejected|dead-lettered|retrying/.test(String(s.outcome ?? e.status));
      items.push({
        at: e.time,
        source: e.topic.replace(/^.*?((dossier|sync|payment|national)\.)/, '$1'),
        title: eventLabel(e, lang),
        bad,
        detail: html`${Object.entries(s).map(([k, v]) => html`<span class="kv"><b>${k}</b> ${cell(k, v, lang)}</span> `)}${e.status ? html`<span class="kv"><b>${t(lang, 'status')}</b> ${e.status}</span>` : ''}`,
      });
    }
    for (const p of payments) {
      items.push({
        at: new Date(p.createdAt),
        source: 'payments',
        title: `${t(lang, 'payments')} · ${p.provider} · ${fmtVnd(p.amount, lang)}`,
        detail: html`<span class="kv"><b>${t(lang, 'status')}</b> <span data-testid="payment-status">${p.status}</span></span> ${p.paidAt ? html`<span class="kv"><b>${t(lang, 'paidAt')}</b> ${fmtTime(p.paidAt, lang)}</span>` : ''} ${p.reviewReason ? html`<span class="kv bad"><b>${t(lang, 'review')}</b> ${p.reviewReason}</span>` : ''}`,
      });
    }
    // Each payment's history: created, the provider's notifications (IPN) and queries, operator actions.
    for (const h of payHistory) {
      items.push({
        at: new Date(h.recordedAt),
        source: `payments · ${h.source}`,
        title: `${t(lang, 'payments')} · ${h.provider} · ${h.kind}`,
        bad: /mismatch|second|disagree|failed|expired/.test(h.kind),
        detail: html`<span class="kv"><b>${t(lang, 'status')}</b> ${h.fromStatus ?? '—'} → ${h.toStatus}</span> ${h.providerCode ? html`<span class="kv"><b>code</b> ${h.providerCode}</span>` : ''} ${h.amount !== null ? html`<span class="kv"><b>${t(lang, 'amount')}</b> ${fmtVnd(h.amount, lang)}</span>` : ''}`,
      });
    }
    for (const d of dls) {
      items.push({
        at: d.lastAt,
        source: d.dlqTopic,
        title: `${t(lang, 'deadLettered')} · ${d.consumerGroup}`,
        bad: d.state !== 'replayed',
        detail: html`<span class="kv"><b>${t(lang, 'errorCode')}</b> ${d.errorCode ?? '—'}</span> <span class="kv"><b>${t(lang, 'reason')}</b> ${d.reason ?? '—'}</span> <span class="kv"><b>${t(lang, 'status')}</b> ${d.state}</span>`,
      });
    }
    // operations' read model: deadline notices and apology letters (its own store, GET /v1/dossiers/:MaHoSo).
    const o = ops.ok ? ops.body : undefined;
    for (const n of o?.deadlineNotices ?? []) {
      items.push({
        at: new Date(n.detectedAt),
        source: 'operations',
        title: `${t(lang, 'navOverdue')} · ${n.kind}`,
        bad: /overdue/.test(n.kind),
        detail: html`<span class="kv"><b>${t(lang, 'dueAt')}</b> ${cell('deadline', n.deadline, lang)}</span>`,
      });
    }
    for (const a of o?.apologies ?? []) {
      items.push({
        at: new Date(a.createdAt),
        source: 'operations',
        title: t(lang, 'apology'),
        detail: html`<span class="kv"><b>${t(lang, 'newDueDate')}</b> ${a.newDueDate}</span> <span class="kv"><b>${t(lang, 'reason')}</b> ${a.reason ?? ''}</span> <a href="/qua-han/${encodeURIComponent(maHoSo)}/thu-xin-loi/${encodeURIComponent(a.apologyId)}">${t(lang, 'print')}</a>`,
      });
    }
    // Look-ups made for this dossier, from citizen-data's audit (auditors only); the subject stays a hash.
    for (const x of lookups && lookups.ok ? (lookups.body.items ?? []).slice(0, 200) : []) {
      items.push({
        at: new Date(String(x.at)),
        source: 'citizen-data',
        title: `${t(lang, 'navAudit')} · ${String(x.operation ?? '')}`,
        detail: html`<span class="kv"><b>${t(lang, 'officer')}</b> ${String(x.officerId ?? '—')}</span> <span class="kv"><b>${t(lang, 'outcome')}</b> ${String(x.outcome ?? '—')}</span> <span class="kv"><b>client</b> ${String(x.clientId ?? '—')}</span>`,
      });
    }
    // Results by post: the orders and every status VNPost reported (postal's own ledger).
    const post = postal.ok ? postal.body : undefined;
    for (const o of post?.orders ?? []) {
      items.push({
        at: new Date(o.created_at),
        source: 'postal',
        title: `${t(lang, 'postalOrder')} · ${o.route}`,
        bad: o.flagged,
        detail: html`<span class="kv"><b>${t(lang, 'postalState')}</b> <span class="badge ${postalBadge(o.state)}" data-testid="postal-order-state">${o.state}</span></span> ${o.item_code ? html`<span class="kv"><b>${t(lang, 'itemCode')}</b> ${o.item_code}</span>` : ''} ${o.flag_reason ? html`<span class="kv bad"><b>${t(lang, 'flagReason')}</b> ${o.flag_reason}</span>` : ''} <a href="/buu-chinh${qs({ state: o.state })}">${t(lang, 'navPostal')}</a>`,
      });
    }
    for (const h of post?.history ?? []) {
      items.push({
        at: new Date(h.at),
        source: `postal · ${h.source}`,
        title: `${t(lang, 'postalStatus')} · ${h.status_name || h.vnpost_status}`,
        bad: h.state !== null && postalBadge(h.state) === 'down',
        detail: html`<span class="kv"><b>${t(lang, 'vnpostStatus')}</b> ${h.vnpost_status}</span> <span class="kv"><b>${t(lang, 'postalState')}</b> ${h.state ?? 'unknown'}</span>`,
      });
    }
    // Messages to the applicant (Zalo/SMS), phone only as the ledger keeps it (last three digits).
    for (const m of messages.ok ? (messages.body?.messages ?? []) : []) {
      items.push({
        at: new Date(m.createdAt),
        source: 'notifications',
        title: `${t(lang, 'message')} · ${m.channel} · ${m.kind}`,
        bad: messageBad(m.status),
        detail: html`<span class="kv"><b>${t(lang, 'status')}</b> <span data-testid="message-status">${m.status}</span></span> ${m.reason ? html`<span class="kv"><b>${t(lang, 'reason')}</b> ${m.reason}</span>` : ''} <span class="kv"><b>${t(lang, 'phone')}</b> ${m.phone}</span> <span class="kv"><b>${t(lang, 'attempts')}</b> ${m.attempts}</span>`,
      });
    }
    for (const { p, r } of receipts) {
      if (!r.ok) continue;
      items.push({
        at: new Date(r.body.issuedAt ?? r.body.createdAt),
        source: 'notifications',
        title: `${t(lang, 'receipt')} · ${r.body.provider} · ${fmtVnd(r.body.amount, lang)}`,
        bad: r.body.status !== 'issued' && !!r.body.errorCode,
        detail: html`<span class="kv"><b>${t(lang, 'status')}</b> ${r.body.status}</span> ${r.body.number ? html`<span class="kv"><b>số</b> ${r.body.pattern ?? ''} ${r.body.serial ?? ''} ${r.body.number}</span>` : ''} ${r.body.errorCode ? html`<span class="kv bad"><b>${t(lang, 'errorCode')}</b> ${r.body.errorCode}</span>` : ''} <a href="/thong-bao${qs({ paymentId: p.paymentId })}#receipt-h">${t(lang, 'receipt')}</a>`,
      });
    }
    items.sort((a, b) => a.at.getTime() - b.at.getTime());
    const reveal = opts.reveal === true;

    return kit.render(
      req,
      reply,
      (c) => `${t(c.lang, 'navDossiers')} ${maHoSo}`,
      (c) => html`
${opts.message ?? ''}
<section class="card" aria-label="${maHoSo}">
<dl class="facts">
  <dt>${t(c.lang, 'agency')}</dt><dd>${agency}</dd>
  ${o ? html`<dt>${t(c.lang, 'dueAt')}</dt><dd>${cell('deadline', o.deadlineAfterSupplement ?? o.deadline ?? o.NgayHenTra, c.lang)}${o.overdueAt ? html` · <span class="bad">${t(c.lang, 'navOverdue')} ${cell('overdueAt', o.overdueAt, c.lang)}</span>` : ''}</dd>` : ''}
  <dt>${t(c.lang, 'owner')}</dt><dd data-testid="owner">${owner ? (reveal ? owner : maskName(owner)) : '—'} ${reveal ? html`<small>(${t(c.lang, 'revealed')})</small>` : ''}</dd>
</dl>
${
  owner && !reveal && hasRole(c.operator, ...REVEAL_ROLES)
    ? html`<details><summary>${t(c.lang, 'reveal')}</summary><form method="post" action="/ho-so/${encodeURIComponent(maHoSo)}/hien" class="stack">${csrfField(c)}${reasonField(c.lang, 'reveal-reason')}<button type="submit">${t(c.lang, 'reveal')}</button></form></details>`
    : ''
}
</section>
<section aria-labelledby="ledger-h"><h2 id="ledger-h">${t(c.lang, 'ledger')}</h2>
${ledgerView(c, ledger, maHoSo)}
</section>
<section aria-labelledby="tl-h"><h2 id="tl-h">${t(c.lang, 'timeline')}</h2>
${pay.ok ? '' : pay.unavailable ? unavailable(c.lang, 'payments') : flash('error', `payments: ${backendMessage(pay.body, c.lang)}`)}
${ops.ok || (!ops.unavailable && ops.status === 404) ? '' : unavailable(c.lang, 'operations')}
${postal.ok || (!postal.unavailable && postal.status === 404) ? '' : unavailable(c.lang, 'postal')}
${messages.ok || !messages.unavailable ? '' : unavailable(c.lang, 'notifications')}
${
  items.length
    ? html`<ol class="timeline" data-testid="timeline">${items.map((i) => html`<li class="${i.bad ? 'bad' : ''}"><time>${fmtTime(i.at, c.lang)}</time> <span class="src">${i.source}</span> <strong>${i.title}</strong><div>${i.detail}</div></li>`)}</ol>`
    : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
}
</section>`,
    );
  }

  function ledgerView(
    c: ViewContext,
    ledger: Awaited<ReturnType<typeof deps.backends.call<Record<string, unknown>>>>,
    maHoSo: string,
  ): Html {
    const push = hasRole(c.operator, 'operator')
      ? html`<details><summary>${t(c.lang, 'pushNow')}</summary><form method="post" action="/ho-so/${encodeURIComponent(maHoSo)}/day-ngay" class="stack">${csrfField(c)}${reasonField(c.lang, 'push-reason')}<button type="submit">${t(c.lang, 'pushNow')}</button></form></details>`
      : '';
    if (!ledger.ok) {
      if (!ledger.unavailable && ledger.status === 404) return html`<p class="muted">${t(c.lang, 'noResults')}</p>`;
      return ledger.unavailable ? unavailable(c.lang, 'national-sync') : flash('error', backendMessage(ledger.body, c.lang));
    }
    const l = ledger.body;
    const v = (k: string) =>
      l[k] === null || l[k] === undefined ? '—' : typeof l[k] === 'object' ? JSON.stringify(l[k]) : String(l[k]);
    return html`<dl class="facts" data-testid="ledger">
<dt>${t(c.lang, 'status')}</dt><dd data-testid="sync-state">${v('state')}</dd>
<dt>${t(c.lang, 'portalHolds')}</dt><dd>${v('portalVersion')} · ${v('portalStatus')} · ${fmtTime(l.portalSyncedAt as string | null, c.lang)}</dd>
<dt>${t(c.lang, 'attempts')}</dt><dd>${v('attempts')} / ${v('totalAttempts')}</dd>
<dt>${t(c.lang, 'lastError')}</dt><dd>${v('lastErrorCode')} ${v('lastError')}</dd>
<dt>${t(c.lang, 'nextRetry')}</dt><dd>${fmtTime(l.due as string | null, c.lang)}</dd>
<dt>steps</dt><dd>${v('steps')}</dd>
</dl>${push}`;
  }

  const maParam = (req: FastifyRequest) => {
    const m = (req.params as { maHoSo?: string }).maHoSo;
    return typeof m === 'string' && MA_HO_SO.test(m) ? m : undefined;
  };

  kit.route('GET', '/ho-so/:maHoSo', { roles: READ_ROLES }, async (req, reply) => {
    const m = maParam(req);
    if (!m) return kit.notFound(req, reply);
    return timelinePage(req, reply, m);
  });

  kit.route('POST', '/ho-so/:maHoSo/hien', { roles: REVEAL_ROLES }, async (req, reply) => {
    const m = maParam(req);
    if (!m) return kit.notFound(req, reply);
    const body = new InputReader(req.body);
    const reason = body.reason();
    if (!reason) return timelinePage(req, reply.status(400), m, { message: flash('error', t(req.lang, 'reasonRequired')) });
    await deps.actions.record({
      clientId: req.operator!.client.id,
      action: 'reveal-personal-data',
      target: `dossier:${m}`,
      reason,
      outcome: 'ok',
    });
    return timelinePage(req, reply, m, { reveal: true, message: flash('ok', t(req.lang, 'revealed')) });
  });

  kit.route('POST', '/ho-so/:maHoSo/day-ngay', { roles: OPERATOR }, async (req, reply) => {
    const m = maParam(req);
    if (!m) return kit.notFound(req, reply);
    const body = new InputReader(req.body);
    const reason = body.reason();
    if (!reason) return timelinePage(req, reply.status(400), m, { message: flash('error', t(req.lang, 'reasonRequired')) });
    const agency = agencyOf(m);
    if (!agency || !deps.clients.mayActFor(req.operator!.client, agency)) return kit.notFound(req, reply);
    const r = await replayer.pushNow(m, req.operator!.apiKey);
    await deps.actions.record({
      clientId: req.operator!.client.id,
      action: 'push-now',
      target: `dossier:${m}`,
      reason,
      outcome: r.ok ? 'ok' : 'failed',
      detail: { result: r.message },
    });
    return timelinePage(req, r.ok ? reply : reply.status(502), m, {
      message: r.ok ? flash('ok', t(req.lang, 'done')) : flash('error', `${t(req.lang, 'failed')}: ${r.message}`),
    });
  });
}
