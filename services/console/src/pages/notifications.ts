import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtNumber, fmtTime, fmtVnd, t } from '../lib/i18n.js';
import { backendMessage, failureOf, outcomeOf, type BackendResult, type ServiceName } from '../lib/backends.js';
import { hasRole, OPERATOR, READ_ROLES, type ViewContext } from '../web/context.js';
import { csrfField, flash, reasonField, unavailable } from '../web/layout.js';
import { InputReader, MA_HO_SO, UUID } from '../web/input.js';

/** One message of notifications' ledger (`GET /v1/notifications?MaHoSo=`, services/notifications/src/routes/ledger-routes.ts). */
export interface LedgerMessage {
  id: string;
  kind: string;
  channel: string;
  account: string | null;
  status: string;
  reason: string | null;
  attempts: number;
  /** As the ledger keeps it: `*******678` (a hash and the last three digits are all it has). */
  phone: string;
  providerMsgId: string | null;
  fallbackOf: string | null;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
}

/** notifications' `GET /v1/receipts/{paymentId}` (services/notifications/src/receipts/receipt-routes.ts). */
export interface Receipt {
  paymentId: string;
  MaHoSo: string;
  provider: string;
  pattern: string | null;
  serial: string | null;
  number: string | null;
  amount: number;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  hasPdf: boolean;
  issuedAt: string | null;
  createdAt: string;
}

interface Subscription {
  id: string;
  clientId: string;
  url: string;
  eventTypes: string[];
  agencies: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
}

interface Delivery {
  id: string;
  subscriptionId: string;
  origin: string;
  eventId: string;
  eventType: string;
  subject: string;
  agency: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  redeliveryOf: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptsLog?: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    responseExcerpt: string | null;
  }[];
}

/** The services that serve packages/webhooks' routes (`/v1/webhooks/...`). */
const WEBHOOK_SERVICES = ['notifications', 'inbound'] as const satisfies readonly ServiceName[];
type WebhookService = (typeof WEBHOOK_SERVICES)[number];
const WEBHOOK_SERVICE = /^(notifications|inbound)$/;
const PAYMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const messageBad = (status: string) => status === 'failed';

/** The rows of one dossier's message ledger, as a table (also used by nothing else: the timeline has its own lines). */
function ledgerTable(c: ViewContext, messages: LedgerMessage[]): Html {
  if (!messages.length) return html`<p class="muted" data-testid="no-messages">${t(c.lang, 'noResults')}</p>`;
  return html`<div class="table-wrap"><table data-testid="messages"><thead><tr><th scope="col">${t(c.lang, 'created')}</th><th scope="col">${t(c.lang, 'kind')}</th><th scope="col">${t(c.lang, 'channel')}</th><th scope="col">${t(c.lang, 'status')}</th><th scope="col">${t(c.lang, 'reason')}</th><th scope="col">${t(c.lang, 'attempts')}</th><th scope="col">${t(c.lang, 'phone')}</th><th scope="col">${t(c.lang, 'time')}</th></tr></thead><tbody>
${messages.map(
  (
    m,
  ) => html`<tr class="${messageBad(m.status) ? 'bad' : ''}"><td>${fmtTime(m.createdAt, c.lang)}</td><td>${m.kind}</td><td>${m.channel}${m.fallbackOf ? html` <small>(fallback)</small>` : ''}</td>
<td><span class="badge ${m.status === 'delivered' || m.status === 'sent' ? 'ready' : m.status === 'failed' ? 'down' : 'not-ready'}">${m.status}</span></td><td>${m.reason ?? '—'}</td><td class="num">${fmtNumber(m.attempts, c.lang)}</td>
<td><code>${m.phone}</code></td><td>${fmtTime(m.deliveredAt ?? m.sentAt, c.lang)}</td></tr>`,
)}</tbody></table></div>`;
}

/**
 * Notifications (services/notifications, docs/notifications.md): one dossier's message ledger (Zalo/SMS:
 * queued, sending, sent, delivered, failed with the provider's reason; the phone only as the ledger keeps
 * it), an electronic receipt by payment id, and the webhook subscriptions of the provincial systems with
 * each one's deliveries, a delivery's attempts and "redeliver" (operator, a reason). Webhook routes are
 * packages/webhooks', served by notifications and by inbound; both are asked (they share the subscriptions
 * when they share a database) and a subscription's deliveries are read from the service that listed it.
 * Those routes are for operators (and provincial systems): a viewer sees the service's refusal.
 */
export function notificationRoutes(kit: PageKit): void {
  const { deps } = kit;

  async function page(req: FastifyRequest, reply: FastifyReply, message?: Html) {
    const q = new InputReader(req.query);
    const maHoSo = q.str('maHoSo', { max: 100, pattern: MA_HO_SO });
    const paymentId = q.str('paymentId', { max: 64, pattern: PAYMENT_ID });
    const svc = q.str('svc', { max: 20, pattern: WEBHOOK_SERVICE }) as WebhookService | undefined;
    const sub = q.str('sub', { max: 36, pattern: UUID });
    const deliveryId = q.str('delivery', { max: 36, pattern: UUID });
    const status = q.str('status', { max: 10, pattern: /^(pending|delivered|failed)$/ });
    const op = req.operator!;
    const key = op.apiKey;
    const [ledger, receipt, subs, deliveries, delivery] = await Promise.all([
      maHoSo
        ? deps.backends.call<{ messages?: LedgerMessage[] }>('notifications', '/v1/notifications', {
            key,
            query: { MaHoSo: maHoSo },
          })
        : undefined,
      paymentId
        ? deps.backends.call<Receipt>('notifications', `/v1/receipts/${encodeURIComponent(paymentId)}`, { key })
        : undefined,
      Promise.all(
        WEBHOOK_SERVICES.map(
          async (s) =>
            [s, await deps.backends.call<{ subscriptions?: Subscription[] }>(s, '/v1/webhooks/subscriptions', { key })] as const,
        ),
      ),
      svc && sub
        ? deps.backends.call<{ deliveries?: Delivery[] }>(svc, `/v1/webhooks/subscriptions/${sub}/deliveries`, {
            key,
            query: { limit: '200', ...(status ? { status } : {}) },
          })
        : undefined,
      svc && deliveryId ? deps.backends.call<Delivery>(svc, `/v1/webhooks/deliveries/${deliveryId}`, { key }) : undefined,
    ]);
    const merged = new Map<string, { s: Subscription; servedBy: WebhookService[] }>();
    for (const [s, r] of subs) {
      for (const x of r.ok && Array.isArray(r.body?.subscriptions) ? r.body.subscriptions : []) {
        const have = merged.get(x.id);
        if (have) have.servedBy.push(s);
        else merged.set(x.id, { s: x, servedBy: [s] });
      }
    }
    const canAct = hasRole(op, 'operator');
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'notifications'),
      (c) => html`
${message ?? ''}
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<section aria-labelledby="ledger-h"><h2 id="ledger-h">${t(c.lang, 'ledgerOfDossier')}</h2>
<form method="get" action="/thong-bao" class="filters" role="search"><div><label for="n-m">${t(c.lang, 'maHoSo')}</label><input id="n-m" name="maHoSo" value="${maHoSo ?? ''}" maxlength="100"></div><div class="buttons"><button type="submit">${t(c.lang, 'search')}</button></div></form>
${ledger === undefined ? '' : ledger.ok ? ledgerTable(c, ledger.body?.messages ?? []) : ledger.unavailable ? unavailable(c.lang, 'notifications') : flash('error', backendMessage(ledger.body, c.lang))}
</section>
<section aria-labelledby="receipt-h"><h2 id="receipt-h">${t(c.lang, 'receipt')}</h2>
<form method="get" action="/thong-bao" class="filters" role="search"><div><label for="n-p">paymentId</label><input id="n-p" name="paymentId" value="${paymentId ?? ''}" maxlength="64"></div><div class="buttons"><button type="submit">${t(c.lang, 'search')}</button></div></form>
${receipt === undefined ? '' : receipt.ok ? receiptFacts(c, receipt.body) : receipt.unavailable ? unavailable(c.lang, 'notifications') : flash('error', backendMessage(receipt.body, c.lang))}
</section>
<section aria-labelledby="subs-h"><h2 id="subs-h">${t(c.lang, 'subscriptions')}</h2>
${subs.map(([s, r]) => (r.ok ? '' : r.unavailable ? unavailable(c.lang, s) : flash('error', `${s}: ${backendMessage(r.body, c.lang)}`)))}
${
  merged.size
    ? html`<div class="table-wrap"><table data-testid="subscriptions"><thead><tr><th scope="col">${t(c.lang, 'subscription')}</th><th scope="col">client</th><th scope="col">URL</th><th scope="col">${t(c.lang, 'eventTypes')}</th><th scope="col">${t(c.lang, 'agency')}</th><th scope="col">${t(c.lang, 'status')}</th><th scope="col">${t(c.lang, 'servedBy')}</th></tr></thead><tbody>
${[...merged.values()].map(
  ({
    s,
    servedBy,
  }) => html`<tr${s.id === sub ? html` class="on"` : ''}><td><a href="/thong-bao${qs({ svc: servedBy[0], sub: s.id })}#deliveries-h">${s.description ?? s.id.slice(0, 8)}</a></td><td>${s.clientId}</td><td><code>${s.url.slice(0, 200)}</code></td>
<td>${s.eventTypes.join(', ')}</td><td>${s.agencies.join(', ')}</td><td>${s.active ? '✓' : '✗'}</td><td>${servedBy.join(', ')}</td></tr>`,
)}</tbody></table></div>`
    : subs.some(([, r]) => r.ok)
      ? html`<p class="muted">${t(c.lang, 'noResults')}</p>`
      : ''
}
</section>
${svc && sub && deliveries ? deliveriesView(c, svc, sub, status, deliveries, canAct) : ''}
${svc && delivery ? deliveryView(c, svc, delivery, canAct) : ''}`,
    );
  }

  function receiptFacts(c: ViewContext, r: Receipt): Html {
    return html`<dl class="facts" data-testid="receipt"><dt>${t(c.lang, 'maHoSo')}</dt><dd>${MA_HO_SO.test(r.MaHoSo) ? html`<a href="/ho-so/${encodeURIComponent(r.MaHoSo)}">${r.MaHoSo}</a>` : r.MaHoSo}</dd>
<dt>${t(c.lang, 'status')}</dt><dd>${r.status}${r.errorCode ? html` · <span class="bad">${r.errorCode} ${r.errorMessage ?? ''}</span>` : ''}</dd>
<dt>${t(c.lang, 'provider')}</dt><dd>${r.provider} · ${r.pattern ?? '—'} / ${r.serial ?? '—'} / ${r.number ?? '—'}</dd>
<dt>${t(c.lang, 'amount')}</dt><dd>${fmtVnd(r.amount, c.lang)}</dd><dt>${t(c.lang, 'attempts')}</dt><dd>${fmtNumber(r.attempts, c.lang)}</dd>
<dt>${t(c.lang, 'time')}</dt><dd>${fmtTime(r.issuedAt ?? r.createdAt, c.lang)}</dd></dl>`;
  }

  function deliveriesView(
    c: ViewContext,
    svc: WebhookService,
    sub: string,
    status: string | undefined,
    r: BackendResult<{ deliveries?: Delivery[] }>,
    canAct: boolean,
  ): Html {
    const rows = r.ok && Array.isArray(r.body?.deliveries) ? r.body.deliveries : [];
    return html`<section aria-labelledby="deliveries-h"><h2 id="deliveries-h">${t(c.lang, 'webhookDeliveries')}</h2>
<p>${['', 'pending', 'delivered', 'failed'].map((s) => html`<a class="chip${(status ?? '') === s ? ' on' : ''}" href="/thong-bao${qs({ svc, sub, status: s })}#deliveries-h">${s || t(c.lang, 'total')}</a> `)}</p>
${
  !r.ok
    ? r.unavailable
      ? unavailable(c.lang, svc)
      : flash('error', backendMessage(r.body, c.lang))
    : rows.length
      ? html`<div class="table-wrap"><table data-testid="webhook-deliveries"><thead><tr><th scope="col">${t(c.lang, 'created')}</th><th scope="col">${t(c.lang, 'event')}</th><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'status')}</th><th scope="col">${t(c.lang, 'attempts')}</th><th scope="col">${t(c.lang, 'receiverAnswer')}</th><th scope="col">${t(c.lang, 'nextRetry')}</th>${canAct ? html`<th scope="col">${t(c.lang, 'action')}</th>` : ''}</tr></thead><tbody>
${rows.map(
  (
    d,
  ) => html`<tr class="${d.status === 'failed' ? 'bad' : ''}" data-delivery="${d.id}"><td><a href="/thong-bao${qs({ svc, sub, delivery: d.id })}#delivery-h">${fmtTime(d.createdAt, c.lang)}</a></td><td>${d.eventType}${d.redeliveryOf ? html` <small>↻</small>` : ''}</td>
<td>${MA_HO_SO.test(d.subject) ? html`<a href="/ho-so/${encodeURIComponent(d.subject)}">${d.subject}</a>` : d.subject}</td>
<td><span class="badge ${d.status === 'delivered' ? 'ready' : d.status === 'failed' ? 'down' : 'not-ready'}">${d.status}</span></td><td class="num">${fmtNumber(d.attempts, c.lang)}</td>
<td>${[d.lastStatus === null ? null : String(d.lastStatus), d.lastError].filter(Boolean).join(' · ') || '—'}</td><td>${d.status === 'pending' ? fmtTime(d.nextAttemptAt, c.lang) : '—'}</td>
${canAct ? html`<td>${redeliverForm(c, svc, d.id)}</td>` : ''}</tr>`,
)}</tbody></table></div>`
      : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
}
</section>`;
  }

  function redeliverForm(c: ViewContext, svc: WebhookService, id: string): Html {
    return html`<details><summary>${t(c.lang, 'redeliver')}</summary><form method="post" action="/thong-bao/webhook/${svc}/${id}/gui-lai" class="stack">${csrfField(c)}${reasonField(c.lang, `wr-${id}`)}<button type="submit">${t(c.lang, 'redeliver')}</button></form></details>`;
  }

  function deliveryView(c: ViewContext, svc: WebhookService, r: BackendResult<Delivery>, canAct: boolean): Html {
    if (!r.ok)
      return html`<section aria-labelledby="delivery-h"><h2 id="delivery-h">${t(c.lang, 'attemptsLog')}</h2>${r.unavailable ? unavailable(c.lang, svc) : flash('error', backendMessage(r.body, c.lang))}</section>`;
    const d = r.body;
    return html`<section aria-labelledby="delivery-h"><h2 id="delivery-h">${t(c.lang, 'attemptsLog')} · ${d.eventType} · ${d.subject}</h2>
<div class="table-wrap"><table data-testid="attempts"><thead><tr><th scope="col">#</th><th scope="col">${t(c.lang, 'time')}</th><th scope="col">${t(c.lang, 'duration')}</th><th scope="col">HTTP</th><th scope="col">${t(c.lang, 'lastError')}</th><th scope="col">${t(c.lang, 'receiverAnswer')}</th></tr></thead><tbody>
${(d.attemptsLog ?? []).map((a) => html`<tr class="${a.statusCode !== null && a.statusCode < 300 ? '' : 'bad'}"><td>${a.attempt}</td><td>${fmtTime(a.startedAt, c.lang)}</td><td class="num">${fmtNumber(a.durationMs, c.lang)} ms</td><td>${a.statusCode ?? '—'}</td><td>${a.error ?? '—'}</td><td><code>${(a.responseExcerpt ?? '').slice(0, 512)}</code></td></tr>`)}
</tbody></table></div>${canAct ? redeliverForm(c, svc, d.id) : ''}</section>`;
  }

  kit.route('GET', '/thong-bao', { roles: READ_ROLES }, async (req, reply) => page(req, reply));

  kit.route('POST', '/thong-bao/webhook/:svc/:id/gui-lai', { roles: OPERATOR }, async (req, reply) => {
    const { svc, id } = req.params as { svc: string; id: string };
    if (!WEBHOOK_SERVICE.test(svc) || !UUID.test(id)) return kit.notFound(req, reply);
    const reason = new InputReader(req.body).reason();
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    const op = req.operator!;
    // The owner or an operator may redeliver: packages/webhooks checks it on the delivery's subscription.
    const r = await deps.backends.call<{ id?: string }>(svc as WebhookService, `/v1/webhooks/deliveries/${id}/redeliver`, {
      key: op.apiKey,
      method: 'POST',
      body: {},
    });
    await deps.actions.record({
      clientId: op.client.id,
      action: 'webhook-redeliver',
      target: `webhook-delivery:${id}`,
      reason,
      outcome: outcomeOf(r),
      detail: { service: svc, status: r.status ?? null, ...(r.ok && r.body?.id ? { copy: r.body.id } : {}) },
    });
    if (r.ok) return page(req, reply, flash('ok', t(req.lang, 'done')));
    const f = failureOf(r, req.lang, t(req.lang, 'serviceUnavailable'));
    return page(req, reply.status(f.status), flash('error', `${t(req.lang, 'failed')}: ${f.message}`));
  });
}
