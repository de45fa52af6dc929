import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit } from '../app.js';
import { html, qs, type Html } from '../lib/html.js';
import { fmtNumber, fmtTime, fmtVnd, t } from '../lib/i18n.js';
import { createPaymentsApi, PAYMENT_CURSOR } from '../lib/payments-api.js';
import { backendMessage } from '../lib/backends.js';
import { hasRole, OPERATOR, READ_ROLES } from '../web/context.js';
import { csrfField, flash, reasonField, unavailable } from '../web/layout.js';
import { InputReader, MA_HO_SO, UUID } from '../web/input.js';

const STATUSES = ['created', 'pending', 'paid', 'failed', 'expired'] as const;
// Refunds (payments' migration 003) keep the status `paid` and count refunded_amount.

/** Rows a page shows; payments answers at most 200. */
const PAGE_SIZE = 100;

/**
 * Payments: the lists by status and the review list (amount mismatches, paid twice), a page at a time, and
 * the counts per status, from payments' read API as the signed-in officer (GET /v1/payments,
 * GET /v1/payments/counts): payments scopes both to the officer's agencies in its own query, so a page is
 * never emptied by filtering after the fact and the counts are the officer's agencies' only. The operator
 * actions payments already has (POST /v1/admin/payments/:id/resolve: settle, fail, expire, clear_review),
 * called as the operator with the reason as payments' `note`.
 */
export function paymentRoutes(kit: PageKit): void {
  const { deps } = kit;
  const api = createPaymentsApi(deps.backends);

  async function page(req: FastifyRequest, reply: FastifyReply, message?: Html) {
    const q = new InputReader(req.query);
    const status = q.str('status', { max: 10, pattern: /^(created|pending|paid|failed|expired|review)$/ });
    const maHoSo = q.str('maHoSo', { max: 100, pattern: MA_HO_SO });
    const cursor = q.str('cursor', { max: 86, pattern: PAYMENT_CURSOR });
    const op = req.operator!;
    const [list, counts] = await Promise.all([
      api.list(op.apiKey, {
        ...(status && status !== 'review' ? { status } : {}),
        ...(status === 'review' ? { review: true } : {}),
        ...(maHoSo ? { maHoSo } : {}),
        ...(cursor ? { cursor } : {}),
        limit: PAGE_SIZE,
      }),
      api.counts(op.apiKey),
    ]);
    const visible = list.ok ? list.body.payments : [];
    const next = list.ok ? list.body.nextCursor : null;
    const count = (s: string) => (counts.ok ? (s === 'review' ? counts.body.review : counts.body.byStatus[s]) : undefined);
    const canAct = hasRole(op, 'operator') && op.client.agencies.includes('*');
    return kit.render(
      req,
      reply,
      (c) => t(c.lang, 'payments'),
      (c) => html`
${message ?? ''}
${q.errors.length ? flash('error', `${t(c.lang, 'invalidInput')}: ${q.errors.join(', ')}`) : ''}
${list.ok ? '' : list.unavailable ? unavailable(c.lang, 'payments') : flash('error', `${t(c.lang, 'failed')}: ${backendMessage(list.body, c.lang)}`)}
<p>${[...STATUSES, 'review'].map((s) => html`<a class="chip${s === status ? ' on' : ''}" href="/thanh-toan${qs({ status: s })}">${s === 'review' ? t(c.lang, 'review') : s} <b data-testid="count-${s}">${fmtNumber(count(s), c.lang)}</b></a> `)}</p>
<form method="get" action="/thanh-toan" class="filters" role="search">
<div><label for="p-m">${t(c.lang, 'maHoSo')}</label><input id="p-m" name="maHoSo" value="${maHoSo ?? ''}" maxlength="100"></div>
${status ? html`<input type="hidden" name="status" value="${status}">` : ''}
<div class="buttons"><button type="submit">${t(c.lang, 'filter')}</button></div></form>
${
  visible.length
    ? html`<div class="table-wrap"><table data-testid="payments"><thead><tr><th scope="col">${t(c.lang, 'maHoSo')}</th><th scope="col">${t(c.lang, 'provider')}</th><th scope="col">${t(c.lang, 'amount')}</th><th scope="col">${t(c.lang, 'refunded')}</th><th scope="col">${t(c.lang, 'status')}</th><th scope="col">${t(c.lang, 'review')}</th><th scope="col">${t(c.lang, 'created')}</th><th scope="col">${t(c.lang, 'paidAt')}</th>${canAct ? html`<th scope="col">${t(c.lang, 'action')}</th>` : ''}</tr></thead>
<tbody>${visible.map(
        (
          p,
        ) => html`<tr data-payment="${p.paymentId}"><td><a href="/ho-so/${encodeURIComponent(p.MaHoSo)}">${p.MaHoSo}</a></td><td>${p.provider}</td><td class="num">${fmtVnd(p.amount, c.lang)}</td>
<td>${p.refundedAmount > 0 ? html`<small data-testid="refunded-${p.paymentId}">↩ ${fmtVnd(p.refundedAmount, c.lang)}</small>` : ''}</td>
<td><span class="badge ${p.status === 'paid' ? 'ready' : p.status === 'failed' || p.status === 'expired' ? 'down' : 'not-ready'}" data-testid="status-${p.paymentId}">${p.status}</span>${p.status === 'paid' ? html` <a href="/thong-bao${qs({ paymentId: p.paymentId })}#receipt-h">${t(c.lang, 'receipt')}</a>` : ''}</td><td>${p.reviewReason ?? ''}</td><td>${fmtTime(p.createdAt, c.lang)}</td><td>${fmtTime(p.paidAt, c.lang)}</td>
${
  canAct
    ? html`<td><details><summary>${t(c.lang, 'action')}</summary><form method="post" action="/thanh-toan/${p.paymentId}/xu-ly" class="stack">${csrfField(c)}
<label for="a-${p.paymentId}">${t(c.lang, 'action')}</label><select id="a-${p.paymentId}" name="action" required>
<option value="settle">${t(c.lang, 'actSettle')}</option><option value="expire">${t(c.lang, 'actExpire')}</option><option value="fail">${t(c.lang, 'actFail')}</option><option value="clear_review">${t(c.lang, 'actClearReview')}</option></select>
<label for="tx-${p.paymentId}">${t(c.lang, 'providerTxnId')}</label><input id="tx-${p.paymentId}" name="providerTxnId" maxlength="100">
<label for="am-${p.paymentId}">${t(c.lang, 'amount')}</label><input id="am-${p.paymentId}" name="amount" inputmode="numeric" maxlength="12">
${reasonField(c.lang, `r-${p.paymentId}`)}<button type="submit">${t(c.lang, 'submit')}</button></form></details>
${
  p.status === 'paid' && p.refundedAmount < p.amount
    ? html`<details><summary>${t(c.lang, 'refund')}</summary><form method="post" action="/thanh-toan/${p.paymentId}/hoan-tien" class="stack">${csrfField(c)}
<input type="hidden" name="nonce" value="${randomUUID()}">
<label for="ra-${p.paymentId}">${t(c.lang, 'amount')} (≤ ${fmtVnd(p.amount - p.refundedAmount, c.lang)}; ${t(c.lang, 'refundFull')})</label><input id="ra-${p.paymentId}" name="amount" inputmode="numeric" maxlength="12">
<label for="rm-${p.paymentId}">${t(c.lang, 'refundMode')}</label><select id="rm-${p.paymentId}" name="mode"><option value="provider">${t(c.lang, 'refundProvider')}</option><option value="manual">${t(c.lang, 'refundManual')}</option></select>
<label for="rr-${p.paymentId}">${t(c.lang, 'refundReference')}</label><input id="rr-${p.paymentId}" name="reference" maxlength="200">
${reasonField(c.lang, `rf-${p.paymentId}`)}<button type="submit">${t(c.lang, 'refund')}</button></form></details>`
    : ''
}</td>`
    : ''
}</tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">${t(c.lang, 'noResults')}</p>`
}
${
  next || cursor
    ? html`<p class="buttons">${cursor ? html`<a href="/thanh-toan${qs({ status, maHoSo })}">${t(c.lang, 'firstPage')}</a> ` : ''}${next ? html`<a data-testid="next-page" href="/thanh-toan${qs({ status, maHoSo, cursor: next })}">${t(c.lang, 'nextPage')} →</a>` : ''}</p>`
    : ''
}`,
    );
  }

  kit.route('GET', '/thanh-toan', { roles: READ_ROLES }, async (req, reply) => page(req, reply));

  // A refund through payments' API (operator, the payment's agency, a reason). The form carries a nonce
  // sent as Idempotency-Key: a double click or a resubmitted form is answered once by payments.
  kit.route('POST', '/thanh-toan/:id/hoan-tien', { roles: OPERATOR }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!UUID.test(id)) return kit.notFound(req, reply);
    const body = new InputReader(req.body);
    const nonce = body.str('nonce', { max: 36, pattern: UUID, required: true });
    const amount = body.int('amount', 1, 999_999_999_999);
    const mode = body.str('mode', { max: 10, pattern: /^(provider|manual)$/ });
    const reference = body.str('reference', { max: 200, pattern: /^[\x20-\x7e]+$/ });
    const reason = body.reason();
    const op = req.operator!;
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    if (!nonce || body.errors.length)
      return page(req, reply.status(400), flash('error', `${t(req.lang, 'invalidInput')}: ${body.errors.join(', ')}`));
    const r = await deps.backends.call('payments', `/v1/payments/${id}/refunds`, {
      key: op.apiKey,
      headers: { 'idempotency-key': `console-${nonce}` },
      body: {
        reason,
        ...(amount !== undefined ? { amount } : {}),
        ...(mode ? { mode } : {}),
        ...(reference ? { reference } : {}),
      },
    });
    const outcome = r.ok ? 'ok' : r.unavailable ? 'failed' : 'refused';
    await deps.actions.record({
      clientId: op.client.id,
      action: 'payment-refund',
      target: `payment:${id}`,
      reason,
      outcome,
      detail: { amount: amount ?? 'full', mode: mode ?? 'provider', status: r.ok ? r.status : (r.status ?? null) },
    });
    if (r.ok) return page(req, reply, flash('ok', t(req.lang, 'done')));
    const msg = r.unavailable ? t(req.lang, 'serviceUnavailable') : backendMessage(r.body, req.lang);
    return page(req, reply.status(r.unavailable ? 502 : r.status), flash('error', `${t(req.lang, 'failed')}: ${msg}`));
  });

  kit.route('POST', '/thanh-toan/:id/xu-ly', { roles: OPERATOR }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!UUID.test(id)) return kit.notFound(req, reply);
    const body = new InputReader(req.body);
    const action = body.str('action', { max: 20, pattern: /^(settle|fail|expire|clear_review)$/, required: true });
    const providerTxnId = body.str('providerTxnId', { max: 100, pattern: /^[A-Za-z0-9_.-]+$/ });
    const amount = body.int('amount', 1, 999_999_999_999);
    const reason = body.reason();
    const op = req.operator!;
    if (!reason) return page(req, reply.status(400), flash('error', t(req.lang, 'reasonRequired')));
    if (!action || body.errors.length)
      return page(req, reply.status(400), flash('error', `${t(req.lang, 'invalidInput')}: ${body.errors.join(', ')}`));
    const r = await deps.backends.call('payments', `/v1/admin/payments/${id}/resolve`, {
      key: op.apiKey,
      body: { action, note: reason, ...(providerTxnId ? { providerTxnId } : {}), ...(amount !== undefined ? { amount } : {}) },
    });
    const outcome = r.ok ? 'ok' : r.unavailable ? 'failed' : 'refused';
    await deps.actions.record({
      clientId: op.client.id,
      action: `payment-${action}`,
      target: `payment:${id}`,
      reason,
      outcome,
      detail: { status: r.ok ? r.status : (r.status ?? null) },
    });
    if (r.ok) return page(req, reply, flash('ok', t(req.lang, 'done')));
    const msg = r.unavailable ? t(req.lang, 'serviceUnavailable') : backendMessage(r.body, req.lang);
    return page(req, reply.status(r.unavailable ? 502 : r.status), flash('error', `${t(req.lang, 'failed')}: ${msg}`));
  });
}
