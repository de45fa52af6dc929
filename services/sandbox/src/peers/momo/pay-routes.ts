import type { FastifyInstance } from 'fastify';
import { renderMessagePage, renderPayPage } from '../payment-peer-kit/index.js';
import { expireIfDue, ipnPlan, redirectUrlFor, settleOrder, type MomoAction } from './finish.js';
import type { MomoPeerContext } from './context.js';
import type { MomoOrder } from './store.js';

const PROVIDER = 'MoMo';

/** Settles, sends the one IPN, and returns the browser redirect. Shared by the page and `POST /_admin/pay`. */
export function finishOrder(
  ctx: MomoPeerContext,
  order: MomoOrder,
  action: MomoAction,
): { settled: boolean; redirectUrl: string } {
  const signer = ctx.signers.get(order.partnerCode)!;
  const settled = settleOrder(ctx, order, action);
  if (settled) ctx.deliverer.deliver(ipnPlan(signer, order, ctx.settings.notifyTimeoutMs));
  return { settled, redirectUrl: redirectUrlFor(signer, order) };
}

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    payUrl: { type: 'string', minLength: 1, maxLength: 4096 },
    partnerCode: { type: 'string', minLength: 1, maxLength: 50 },
    orderId: { type: 'string', minLength: 1, maxLength: 200 },
    /** pay (default) → 0, cancel → 1006, fail → `resultCode` (default 1001) [M1]. */
    action: { enum: ['pay', 'cancel', 'fail'] },
    resultCode: { type: 'integer', minimum: 1, maximum: 99_999 },
  },
} as const;

interface AdminPayBody {
  payUrl?: string;
  partnerCode?: string;
  orderId?: string;
  action?: 'pay' | 'cancel' | 'fail';
  resultCode?: number;
}

/** `GET /pay/:token` (the page), its `POST` (the buttons), and `POST /_admin/pay` (tests, no browser). */
export function registerPayRoutes(app: FastifyInstance, ctx: MomoPeerContext): void {
  app.get<{ Params: { token: string } }>('/pay/:token', async (req, reply) => {
    const order = ctx.store.byToken.get(req.params.token);
    reply.type('text/html; charset=utf-8');
    if (!order) return reply.status(404).send(renderMessagePage(PROVIDER, 'Không tìm thấy giao dịch', 'Unknown payment'));
    expireIfDue(order, ctx.clock.now());
    if (order.status !== 'pending')
      return renderMessagePage(PROVIDER, 'Giao dịch đã kết thúc', `${order.resultCode}: ${order.message}`);
    const m = ctx.settings.merchants.find((x) => x.partnerCode === order.partnerCode);
    return renderPayPage({
      provider: PROVIDER,
      merchant: m?.name ?? order.partnerCode,
      reference: order.orderId,
      amountVnd: order.amountVnd,
      description: order.orderInfo,
      actionUrl: `${ctx.prefix}/pay/${order.token}`,
      expiresAt: order.expiresAt,
    });
  });

  app.post<{ Params: { token: string }; Body: { action?: string } }>('/pay/:token', async (req, reply) => {
    const order = ctx.store.byToken.get(req.params.token);
    reply.type('text/html; charset=utf-8');
    if (!order) return reply.status(404).send(renderMessagePage(PROVIDER, 'Không tìm thấy giao dịch', 'Unknown payment'));
    const action = req.body?.action;
    if (action !== 'pay' && action !== 'cancel')
      return reply.status(400).send(renderMessagePage(PROVIDER, 'Yêu cầu không hợp lệ', 'action must be pay or cancel'));
    const { settled, redirectUrl } = finishOrder(ctx, order, { kind: action });
    if (!settled)
      return renderMessagePage(PROVIDER, 'Giao dịch đã kết thúc', `${order.resultCode}: ${order.message}`, redirectUrl);
    return reply.redirect(redirectUrl, 302);
  });

  app.post<{ Body: AdminPayBody }>('/_admin/pay', { schema: { body: bodySchema } }, async (req, reply) => {
    const b = req.body;
    let order: MomoOrder | undefined;
    if (b.payUrl) {
      const token = /\/pay\/([0-9a-f-]{36})(?:[?#]|$)/.exec(b.payUrl)?.[1];
      order = token ? ctx.store.byToken.get(token) : undefined;
    } else if (b.partnerCode && b.orderId) {
      order = ctx.store.byKey.get(`${b.partnerCode}:${b.orderId}`);
    } else {
      return reply.status(400).send({ error: 'LT_SANDBOX_BAD_REQUEST', message: 'give payUrl, or partnerCode and orderId' });
    }
    if (!order) return reply.status(404).send({ error: 'LT_SANDBOX_UNKNOWN_ORDER', message: 'no such order' });
    const action = b.action ?? 'pay';
    const outcome: MomoAction = action === 'fail' ? { kind: 'fail', resultCode: b.resultCode ?? 1001 } : { kind: action };
    const { settled, redirectUrl } = finishOrder(ctx, order, outcome);
    return reply.status(settled ? 200 : 409).send({ settled, order, redirectUrl });
  });
}
