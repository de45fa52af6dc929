import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtNumber, fmtTime, t, type Lang } from '../lib/i18n.js';
import { backendMessage, failureOf, outcomeOf, type BackendResult } from '../lib/backends.js';
import { hasRole, OPERATOR, READ_ROLES, type ViewContext } from '../web/context.js';
import { csrfField, flash, reasonField, unavailable } from '../web/layout.js';
import { AGENCY, InputReader, MA_HO_SO } from '../web/input.js';

/** A row of inbound's `GET /v1/inbound/packets` (services/inbound/src/routes.ts). */
interface InboundPacket {
  ref_key: string;
  kind: string;
  ma_ho_so: string;
  agency: string | null;
  event_id: string;
  state: string;
  routed: boolean | null;
  deliveries: number;
  attempts: number;
  received_at: string;
  published_at: string | null;
  routed_at: string | null;
}

/**
 * national-sync's `GET /v1/outbound/qa-answer/{HOIDAPID}` (services/national-sync/src/outbound/ledger.ts): the
 * answer's push to the portal. Inbound takes the answer and publishes it; national-sync pushes it (one path).
 */
interface QaAnswer {
  key: string;
  agency: string;
  state: 'pending' | 'retrying' | 'synced' | 'dead-lettered';
  attempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  portalSyncedAt: string | null;
}

/** The kinds inbound's list filters by (its inboundKinds: the portal's calls). */
const KINDS = ['create', 'amend', 'tax-notice'] as const;
/** The refKeys inbound writes (`create:<MaHoSo>`, `amend:<MaHoSo>:<hash>`, `tax-notice:…`, `question:<id>`): printable, no spaces. */
const REF_KEY = /^[\x21-\x7e]{1,400}$/;
/** HOIDAPID as the portal sends it (a number or a short code). */
const HOIDAP_ID = /^[A-Za-z0-9._-]{1,100}$/;
const MAX_QUESTIONS = 50;

/**
 * What the national portal sends to the province (services/inbound, docs/inbound.md): the packets nobody is
 * subscribed for (`GET /v1/inbound/packets?routed=false`), with the route action (`POST
 * /v1/inbound/packets/route {refKey, agency?, reason}`, operator in scope of the agency); citizens'
 * questions (packets of kind `question`) with their answer's push to the portal (national-sync
 * `GET /v1/outbound/qa-answer/{HOIDAPID}`) and the push-again action (national-sync `POST /v1/admin/outbound/replay
 * {kind: "qa-answer", key}`; the reason goes to the console's action log). Every call is made as the operator.
 */
export function inboundRoutes(kit: PageKit): void {
  const { deps } = kit;

  async function page(req: FastifyRequest, reply: FastifyReply, message?: Html) {
    const q = new InputReader(req.query);
    const kind = q.str('kind', { max: 20, pattern: new RegExp(`^(${KINDS.join('|')})$`) });
    const op = req.operator!;
    const [unrouted, questions] = await Promise.all([
      deps.backends.call<{ packets?: InboundPacket[] }>('inbound', '/v1/inbound/packets', {
        key: op.apiKey,
        query: { routed: 'false', ...(kind ? { kind } : {}), limit: '500' },
      }),
      // inbound's list filters by the portal's call kinds only (question is not one): questions are picked
      // from its newest packets.
      deps.backends.call<{ packets?: InboundPacket[] }>('inbound', '/v1/inbound/packets', {
        key: op.apiKey,
        query: { limit: '500' },
      }),
    ]);
    const qs0 = (questions.ok && Array.isArray(questions.body?.packets) ? questions.body.packets : [])
      .filter((p) => p.kind === 'question')
      .slice(0, MAX_QUESTIONS);
    // One answer look-up per question shown (at most MAX_QUESTIONS, in parallel, each with the backends' timeout).
    const answers = new Map<string, BackendResult<QaAnswer>>();
    await Promise.all(
      qs0.map(async (p) => {
        const id = p.ref_key.replace(/^question:/, '');
        if (HOIDAP_ID.test(id))
          answers.set(
            p.ref_key,
            await deps.backends.call<QaAnswer>('national-sync', `/v1/outbound/qa-answer/${encodeURIComponent(id)}`, {
              key: op.apiKey,
            }),
          );
      }),
    );
    const canAct = hasRole(op, 'operator');
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'inbound'),
      (c) => html`
${message ?? ''}
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
${!unrouted.ok && unrouted.unavailable ? unavailable(c.lang, 'inbound') : ''}
<section aria-labelledby="unrouted-h"><h2 id="unrouted-h">${t(c.lang, 'unrouted')}</h2>
<p class="muted">${t(c.lang, 'unroutedHelp')}</p>
<p><a class="chip${kind ? '' : ' on'}" href="/lien-thong-den">${t(c.lang, 'total')}</a> ${KINDS.map((k) => html`<a class="chip${k === kind ? ' on' : ''}" href="/lien-thong-den${qs({ kind: k })}">${k}</a> `)}</p>
${unrouted.ok ? packetsTable(c, unrouted.body?.packets ?? [], canAct) : unrouted.unavailable ? '' : flash('error', backendMessage(unrouted.body, c.lang))}
</section>
<section aria-labelledby="qa-h"><h2 id="qa-h">${t(c.lang, 'questions')}</h2>
${
  questions.ok
    ? qs0.length
      ? html`<div class="table-wrap"><table data-testid="questions"><thead><tr><th scope="col">HOIDAPID</th><th scope="col">${t(c.lang, 'agency')}</th><th scope="col">${t(c.lang, 'receivedAt')}</th><th scope="col">${t(c.lang, 'answerState')}</th><th scope="col">${t(c.lang, 'attempts')}</th><th scope="col">${t(c.lang, 'lastError')}</th>${canAct ? html`<th scope="col">${t(c.lang, 'action')}</th>` : ''}</tr></thead><tbody>
${qs0.map((p) => questionRow(c, p, answers.get(p.ref_key), canAct))}</tbody></table></div>`
      : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
    : questions.unavailable
      ? ''
      : flash('error', backendMessage(questions.body, c.lang))
}
</section>`,
    );
  }

  function packetsTable(c: ViewContext, packets: InboundPacket[], canAct: boolean): Html {
    if (!packets.length) return html`<p class="muted" data-testid="no-unrouted">${t(c.lang, 'noResults')}</p>`;
    return html`<p>${t(c.lang, 'total')}: <b data-testid="unrouted-total">${fmtNumber(packets.length, c.lang)}</b></p>
<div class="table-wrap"><table data-testid="unrouted"><thead><tr><th scope="col">${t(c.lang, 'receivedAt')}</th><th scope="col">${t(c.lang, 'kind')}</th><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'agency')}</th><th scope="col">${t(c.lang, 'refKey')}</th><th scope="col">${t(c.lang, 'attempts')}</th>${canAct ? html`<th scope="col">${t(c.lang, 'action')}</th>` : ''}</tr></thead><tbody>
${packets.map(
  (p, i) => html`<tr data-ref="${p.ref_key}"><td>${fmtTime(p.received_at, c.lang)}</td><td>${p.kind}</td>
<td>${p.kind !== 'question' && MA_HO_SO.test(p.ma_ho_so) ? html`<a href="/ho-so/${encodeURIComponent(p.ma_ho_so)}#tl-h">${p.ma_ho_so}</a>` : p.ma_ho_so}</td><td>${p.agency ?? '—'}</td><td><code>${p.ref_key.slice(0, 120)}</code></td><td class="num">${fmtNumber(p.attempts, c.lang)}</td>
${
  canAct
    ? html`<td><details><summary>${t(c.lang, 'route')}</summary><form method="post" action="/lien-thong-den/dinh-tuyen" class="stack">${csrfField(c)}<input type="hidden" name="refKey" value="${p.ref_key}">
<label for="ra-${i}">${t(c.lang, 'routeAgency')}</label><input id="ra-${i}" name="agency" maxlength="40" value="" pattern="[A-Za-z0-9.]{1,40}">
${reasonField(c.lang, `rr-${i}`)}<button type="submit">${t(c.lang, 'route')}</button></form></details></td>`
    : ''
}</tr>`,
)}</tbody></table></div>`;
  }

  function questionRow(c: ViewContext, p: InboundPacket, a: BackendResult<QaAnswer> | undefined, canAct: boolean): Html {
    const id = p.ref_key.replace(/^question:/, '');
    const answered = a?.ok ? a.body : undefined;
    const state = answerState(c.lang, a);
    return html`<tr data-question="${id}"><td>${id}</td><td>${p.agency ?? '—'}</td><td>${fmtTime(p.received_at, c.lang)}</td>
<td><span class="badge ${answered?.state === 'synced' ? 'ready' : answered?.state === 'dead-lettered' ? 'down' : 'not-ready'}" data-testid="answer-${id}">${state}</span>${answered?.portalSyncedAt ? html` <small>${fmtTime(answered.portalSyncedAt, c.lang)}</small>` : ''}</td>
<td class="num">${answered ? fmtNumber(answered.attempts, c.lang) : '—'}</td><td>${answered?.lastError ?? '—'}</td>
${
  canAct
    ? html`<td>${
        answered && answered.state !== 'synced' && HOIDAP_ID.test(id)
          ? html`<details><summary>${t(c.lang, 'pushAgain')}</summary><form method="post" action="/lien-thong-den/hoi-dap/${encodeURIComponent(id)}/day-lai" class="stack">${csrfField(c)}${reasonField(c.lang, `qa-${id}`)}<button type="submit">${t(c.lang, 'pushAgain')}</button></form></details>`
          : ''
      }</td>`
    : ''
}</tr>`;
  }

  function answerState(lang: Lang, a: BackendResult<QaAnswer> | undefined): string {
    if (!a) return '—';
    if (a.ok) return a.body.state;
    if (!a.unavailable && a.status === 404) return t(lang, 'noAnswer');
    return a.unavailable ? t(lang, 'serviceUnavailable') : backendMessage(a.body, lang);
  }

  kit.route('GET', '/lien-thong-den', { roles: READ_ROLES }, async (req, reply) => page(req, reply));

  kit.route('POST', '/lien-thong-den/dinh-tuyen', { roles: OPERATOR }, async (req, reply) => {
    const body = new InputReader(req.body);
    const refKey = body.str('refKey', { max: 400, pattern: REF_KEY, required: true });
    const agency = body.str('agency', { max: 40, pattern: AGENCY });
    const reason = body.reason();
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    if (!refKey || body.errors.length)
      return page(req, reply.status(400), flash('error', `${t(req.lang, 'invalidInput')}: ${body.errors.join(', ')}`));
    const op = req.operator!;
    // inbound checks the operator's scope on the agency routed to and on the packet's own agency.
    const r = await deps.backends.call<{ agency?: string; queued?: number }>('inbound', '/v1/inbound/packets/route', {
      key: op.apiKey,
      body: { refKey, reason, ...(agency ? { agency } : {}) },
    });
    await deps.actions.record({
      clientId: op.client.id,
      action: 'inbound-route',
      target: `inbound:${refKey}`,
      reason,
      outcome: outcomeOf(r),
      detail: {
        status: r.status ?? null,
        ...(agency ? { agency } : {}),
        ...(r.ok ? { queued: r.body?.queued ?? null, routedTo: r.body?.agency ?? null } : {}),
      },
    });
    if (r.ok)
      return page(
        req,
        reply,
        flash('ok', t(req.lang, 'routedTo', { agency: String(r.body?.agency ?? agency ?? '—'), n: Number(r.body?.queued ?? 0) })),
      );
    const f = failureOf(r, req.lang, t(req.lang, 'serviceUnavailable'));
    return page(req, reply.status(f.status), flash('error', `${t(req.lang, 'failed')}: ${f.message}`));
  });

  kit.route('POST', '/lien-thong-den/hoi-dap/:id/day-lai', { roles: OPERATOR }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!HOIDAP_ID.test(id)) return kit.notFound(req, reply);
    const reason = new InputReader(req.body).reason();
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    const op = req.operator!;
    // national-sync checks the operator's scope on the answer's own agency (the question's MADONVI).
    const r = await deps.backends.call('national-sync', '/v1/admin/outbound/replay', {
      key: op.apiKey,
      body: { kind: 'qa-answer', key: id },
    });
    await deps.actions.record({
      clientId: op.client.id,
      action: 'qa-answer-push',
      target: `question:${id}`,
      reason,
      outcome: outcomeOf(r),
      detail: { status: r.status ?? null },
    });
    if (r.ok) return page(req, reply, flash('ok', t(req.lang, 'done')));
    const f = failureOf(r, req.lang, t(req.lang, 'serviceUnavailable'));
    return page(req, reply.status(f.status), flash('error', `${t(req.lang, 'failed')}: ${f.message}`));
  });
}
