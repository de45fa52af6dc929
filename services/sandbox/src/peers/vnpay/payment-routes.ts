import type { FastifyInstance } from 'fastify';
import { VNPAY_PATHS } from '@lienthong/vnpay';
import { bounded, renderMessagePage, renderPayPage } from '../payment-peer-kit/index.js';
import { checkPayUrl, samePayRequest } from './pay-request.js';
import { callbackParams, ipnPlan, settleTxn, withCallbackQuery, type VnpayOutcome } from './complete.js';
import { addTxn, type VnpayTxn } from './store.js';
import type { VnpayPeerContext } from './context.js';

const PROVIDER = 'VNPAY';

/**
 * Settles a transaction, starts its IPN and returns the browser's Return URL (display only at the
 * merchant [V1] §1.4). Shared by the page buttons and `POST /_admin/pay`.
 */
export function finishPayment(
  ctx: VnpayPeerContext,
  txn: VnpayTxn,
  outcome: VnpayOutcome,
): { settled: boolean; returnUrl: string } {
  const merchant = ctx.merchants.get(txn.tmnCode)!;
  const settled = settleTxn(ctx.store, txn, outcome, ctx.clock.now());
  // Paying after expiry is refused at the page: the Return URL says 11; no IPN (no money moved) [inf].
  if (settled && txn.status !== 'expired') {
    ctx.deliverer.deliver(
      ipnPlan(merchant, txn, {
        maxAttempts: ctx.settings.ipnMaxAttempts,
        intervalMs: ctx.settings.ipnRetryIntervalMs,
        timeoutMs: ctx.settings.notifyTimeoutMs,
      }),
    );
  }
  return { settled, returnUrl: withCallbackQuery(txn.returnUrl, callbackParams(merchant, txn)) };
}

/** Registers (or re-finds) the order a pay URL describes; shared by the page and `POST /_admin/pay`. */
export function openPayUrl(
  ctx: VnpayPeerContext,
  query: unknown,
): { ok: true; txn: VnpayTxn } | { ok: false; code: string; message: string } {
  const check = checkPayUrl(query, ctx.merchants, ctx.clock.now());
  if (!check.ok) return { ok: false, ...check.refusal };
  const existing = ctx.store.byKey.get(check.txn.key);
  if (existing) {
    if (samePayRequest(existing, check.txn)) return { ok: true, txn: existing };
    // vnp_TxnRef must be unique (within the day) per terminal [V1].
    return { ok: false, code: '03', message: 'Giao dịch đã tồn tại (vnp_TxnRef trùng)' };
  }
  addTxn(ctx.store, check.txn);
  return { ok: true, txn: check.txn };
}

/** The browser side: `GET /paymentv2/vpcpay.html` (the pay page) and the two buttons' `POST`. */
export function registerPaymentRoutes(app: FastifyInstance, ctx: VnpayPeerContext): void {
  app.get(VNPAY_PATHS.payment, async (req, reply) => {
    const opened = openPayUrl(ctx, req.query);
    ctx.requests.add({
      at: ctx.clock.now().toISOString(),
      route: `GET ${VNPAY_PATHS.payment}`,
      received: bounded(req.query),
      status: opened.ok ? 200 : 400,
      answered: opened.ok ? { txnRef: opened.txn.txnRef } : opened,
    });
    reply.type('text/html; charset=utf-8');
    if (!opened.ok) return reply.status(400).send(renderMessagePage(PROVIDER, `Lỗi ${opened.code}`, opened.message));
    const txn = opened.txn;
    if (txn.status !== 'pending') return renderMessagePage(PROVIDER, 'Giao dịch đã xử lý', `Trạng thái: ${txn.status}`);
    const merchant = ctx.merchants.get(txn.tmnCode)!;
    return renderPayPage({
      provider: PROVIDER,
      merchant: merchant.name ?? merchant.tmnCode,
      reference: txn.txnRef,
      amountVnd: txn.amountVnd,
      description: txn.orderInfo,
      actionUrl: `${app.prefix}/paymentv2/complete/${txn.id}`,
      expiresAt: txn.expireDate,
    });
  });

  app.post<{ Params: { id: string }; Body: { action?: string } }>('/paymentv2/complete/:id', async (req, reply) => {
    const txn = ctx.store.byId.get(req.params.id);
    reply.type('text/html; charset=utf-8');
    if (!txn) return reply.status(404).send(renderMessagePage(PROVIDER, 'Không tìm thấy giao dịch', 'Unknown transaction'));
    const action = req.body?.action;
    if (action !== 'pay' && action !== 'cancel')
      return reply.status(400).send(renderMessagePage(PROVIDER, 'Yêu cầu không hợp lệ', 'action must be pay or cancel'));
    const { settled, returnUrl } = finishPayment(ctx, txn, { kind: action });
    if (!settled) return renderMessagePage(PROVIDER, 'Giao dịch đã xử lý', `Trạng thái: ${txn.status}`, returnUrl);
    return reply.redirect(returnUrl, 302);
  });
}
