import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtNumber, fmtTime, t } from '../lib/i18n.js';
import { backendMessage } from '../lib/backends.js';
import { agencyOf } from '../index/event-index.js';
import { hasRole, OPERATOR, READ_ROLES } from '../web/context.js';
import { csrfField, flash, reasonField, unavailable } from '../web/layout.js';
import { InputReader, MA_HO_SO } from '../web/input.js';

/** A row of postal's `GET /v1/postal/orders` (services/postal/src/ledger.ts PostalOrderRow, as JSON). */
export interface PostalOrder {
  ma_ho_so: string;
  result_key: string;
  agency: string;
  route: string;
  state: string;
  item_code: string | null;
  original_id: string | null;
  vnpost_status: string | null;
  last_status_at: string | null;
  flagged: boolean;
  flag_reason: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

/** One status VNPost reported (postal's `GET /v1/postal/orders/{MaHoSo}` history). */
export interface PostalHistory {
  result_key: string;
  vnpost_status: string;
  status_name: string;
  state: string | null;
  at: string;
  source: string;
}

/** postal's own states (its migration and @lienthong/vnpost POSTAL_STATES); `no-route` etc. are flagged by postal. */
export const POSTAL_STATES = [
  'pending',
  'needs-address',
  'no-route',
  'create-failed',
  'created',
  'picked-up',
  'in-transit',
  'delivered',
  'failed',
  'returned',
  'cancelled',
  'unknown',
] as const;
const FINAL = new Set(['delivered', 'returned', 'cancelled']);
const BAD = new Set(['failed', 'returned', 'unknown', 'create-failed', 'no-route', 'needs-address']);

export const postalBadge = (state: string) => (state === 'delivered' ? 'ready' : BAD.has(state) ? 'down' : 'not-ready');

/**
 * Results by post (services/postal, docs/postal.md): by default what an operator must look at — postal's
 * flagged orders (failed, returned, unknown status, refused by VNPost, no postal settings) and the orders
 * waiting for a recipient's address (`needs-address` is not flagged by postal, but nothing moves until the
 * provincial system registers one) — or every order in one state. Cancel (operator, a reason) calls postal's
 * `POST /v1/postal/orders/{MaHoSo}/cancel` as the operator; postal checks the role and the dossier's agency.
 */
export function postalRoutes(kit: PageKit): void {
  const { deps } = kit;

  async function page(req: FastifyRequest, reply: FastifyReply, message?: Html) {
    const q = new InputReader(req.query);
    const state = q.str('state', { max: 20, pattern: new RegExp(`^(${POSTAL_STATES.join('|')})$`) });
    const op = req.operator!;
    const calls = state
      ? [
          deps.backends.call<{ orders?: PostalOrder[] }>('postal', '/v1/postal/orders', {
            key: op.apiKey,
            query: { state, limit: '500' },
          }),
        ]
      : [
          deps.backends.call<{ orders?: PostalOrder[] }>('postal', '/v1/postal/orders', {
            key: op.apiKey,
            query: { flagged: 'true', limit: '500' },
          }),
          deps.backends.call<{ orders?: PostalOrder[] }>('postal', '/v1/postal/orders', {
            key: op.apiKey,
            query: { state: 'needs-address', limit: '500' },
          }),
        ];
    const results = await Promise.all(calls);
    const failed = results.find((r) => !r.ok);
    const seen = new Set<string>();
    const orders: PostalOrder[] = [];
    for (const r of results) {
      for (const o of r.ok && Array.isArray(r.body?.orders) ? r.body.orders : []) {
        const k = `${o.ma_ho_so}\u0000${o.result_key}`;
        if (seen.has(k)) continue;
        seen.add(k);
        orders.push(o);
      }
    }
    orders.sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
    const canAct = hasRole(op, 'operator');
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'postal'),
      (c) => html`
${message ?? ''}
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
<p><a class="chip${state ? '' : ' on'}" href="/buu-chinh">${t(c.lang, 'postalFlagged')}</a> ${POSTAL_STATES.map((s) => html`<a class="chip${s === state ? ' on' : ''}" href="/buu-chinh${qs({ state: s })}">${s}</a> `)}</p>
${failed ? (failed.ok ? '' : failed.unavailable ? unavailable(c.lang, 'postal') : flash('error', backendMessage(failed.body, c.lang))) : ''}
${
  orders.length
    ? html`<p>${t(c.lang, 'total')}: <b data-testid="postal-total">${fmtNumber(orders.length, c.lang)}</b></p>
<div class="table-wrap"><table data-testid="postal-orders"><thead><tr><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'postalRoute')}</th><th scope="col">${t(c.lang, 'postalState')}</th><th scope="col">${t(c.lang, 'vnpostStatus')}</th><th scope="col">${t(c.lang, 'itemCode')}</th><th scope="col">${t(c.lang, 'flagReason')}</th><th scope="col">${t(c.lang, 'attempts')}</th><th scope="col">${t(c.lang, 'time')}</th>${canAct ? html`<th scope="col">${t(c.lang, 'action')}</th>` : ''}</tr></thead><tbody>
${orders.slice(0, 500).map(
  (
    o,
  ) => html`<tr data-postal="${o.ma_ho_so}"><td><a href="/ho-so/${encodeURIComponent(o.ma_ho_so)}#tl-h">${o.ma_ho_so}</a>${o.result_key !== 'ket-qua' ? html` <small>${o.result_key}</small>` : ''}</td><td>${o.route}</td>
<td><span class="badge ${postalBadge(o.state)}" data-testid="postal-state-${o.ma_ho_so}">${o.state}</span></td><td>${o.vnpost_status ?? '—'}</td><td>${o.item_code ?? '—'}</td>
<td>${[o.flag_reason, o.last_error && o.last_error !== o.flag_reason ? o.last_error : null].filter(Boolean).join(' · ') || '—'}</td><td class="num">${fmtNumber(o.attempts, c.lang)}</td><td>${fmtTime(o.last_status_at ?? o.updated_at, c.lang)}</td>
${
  canAct
    ? html`<td>${
        !FINAL.has(o.state) && MA_HO_SO.test(o.ma_ho_so)
          ? html`<details><summary>${t(c.lang, 'postalCancel')}</summary><form method="post" action="/buu-chinh/${encodeURIComponent(o.ma_ho_so)}/huy" class="stack">${csrfField(c)}${reasonField(c.lang, `pc-${o.ma_ho_so}`)}<button type="submit">${t(c.lang, 'postalCancel')}</button></form></details>`
          : ''
      }</td>`
    : ''
}</tr>`,
)}</tbody></table></div>`
    : failed
      ? ''
      : html`<p class="muted" data-testid="no-postal">${t(c.lang, 'noResults')}</p>`
}`,
    );
  }

  kit.route('GET', '/buu-chinh', { roles: READ_ROLES }, async (req, reply) => page(req, reply));

  kit.route('POST', '/buu-chinh/:maHoSo/huy', { roles: OPERATOR }, async (req, reply) => {
    const m = (req.params as { maHoSo: string }).maHoSo;
    if (!MA_HO_SO.test(m)) return kit.notFound(req, reply);
    const reason = new InputReader(req.body).reason();
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    const op = req.operator!;
    const agency = agencyOf(m);
    // Another agency's order answers as unknown; postal checks the same on the order's own agency.
    if (!agency || !deps.clients.mayActFor(op.client, agency)) return kit.notFound(req, reply);
    const r = await deps.backends.call<{ accepted?: boolean; pendingApproval?: boolean; message?: string }>(
      'postal',
      `/v1/postal/orders/${encodeURIComponent(m)}/cancel`,
      { key: op.apiKey, body: { reason } },
    );
    const accepted = r.ok && (r.body?.accepted === true || r.body?.pendingApproval === true);
    const unavailableNow = !r.ok && r.unavailable;
    await deps.actions.record({
      clientId: op.client.id,
      action: 'postal-cancel',
      target: `dossier:${m}`,
      reason,
      outcome: accepted ? 'ok' : unavailableNow ? 'failed' : 'refused',
      detail: {
        status: r.status ?? null,
        ...(r.ok
          ? {
              accepted: r.body?.accepted ?? null,
              pendingApproval: r.body?.pendingApproval ?? null,
              message: String(r.body?.message ?? '').slice(0, 300),
            }
          : {}),
      },
    });
    if (accepted)
      return page(req, reply, flash('ok', r.body?.pendingApproval ? t(req.lang, 'pendingApproval') : t(req.lang, 'done')));
    // postal answers 409 {accepted:false, message} when VNPost refuses, an error body otherwise.
    const msg = r.ok
      ? String(r.body?.message ?? '')
      : r.unavailable
        ? t(req.lang, 'serviceUnavailable')
        : backendMessage(r.body, req.lang);
    return page(
      req,
      reply.status(r.ok ? 409 : r.unavailable ? 502 : r.status),
      flash('error', `${t(req.lang, 'failed')}: ${msg}`),
    );
  });
}
