import type { FastifyInstance } from 'fastify';
import { renderMessagePage, renderPayPage } from '../payment-peer-kit/index.js';
import { confirmPlan, expireIfDue, settlePayment, type PaygovAction } from './finish.js';
import type { PaygovPeerContext } from './context.js';
import type { PaygovPayment } from './store.js';

const PROVIDER = 'Cổng thanh toán DVCQG (PayGov)';

/**
 * Settles, starts the confirm callback, and says where the browser goes: the partner's configured return
 * URL with the reference and MaLoi (display only; the shape is a stand-in, none is documented), or nowhere.
 */
export function finishPayment(
  ctx: PaygovPeerContext,
  p: PaygovPayment,
  action: PaygovAction,
): { settled: boolean; returnUrl?: string } {
  const { merchant, signer } = ctx.merchants.get(p.maDoiTac)!;
  const settled = settlePayment(ctx, p, action);
  if (settled && p.status !== 'expired') {
    ctx.deliverer.deliver(
      confirmPlan(merchant, signer, p, {
        maxAttempts: ctx.settings.confirmMaxAttempts,
        intervalMs: ctx.settings.confirmRetryIntervalMs,
        timeoutMs: ctx.settings.notifyTimeoutMs,
      }),
    );
  }
  if (!merchant.returnUrl) return { settled };
  const q = new URLSearchParams({ MaThamChieu: p.maThamChieu, MaLoi: p.maLoi ?? '' });
  return { settled, returnUrl: `${merchant.returnUrl}${merchant.returnUrl.includes('?') ? '&' : '?'}${q.toString()}` };
}

const adminPaySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    urlThanhToan: { type: 'string', minLength: 1, maxLength: 4096 },
    maDoiTac: { type: 'string', minLength: 1, maxLength: 50 },
    maThamChieu: { type: 'string', minLength: 1, maxLength: 255 },
    action: { enum: ['pay', 'cancel'] },
  },
} as const;

/** `GET|POST /pay/:token` (page and buttons) and `POST /_admin/pay` (tests, no browser). */
export function registerPayRoutes(app: FastifyInstance, ctx: PaygovPeerContext): void {
  app.get<{ Params: { token: string } }>('/pay/:token', async (req, reply) => {
    const p = ctx.store.byToken.get(req.params.token);
    reply.type('text/html; charset=utf-8');
    if (!p) return reply.status(404).send(renderMessagePage(PROVIDER, 'Không tìm thấy giao dịch', 'Unknown payment'));
    expireIfDue(p, ctx.clock.now());
    if (p.status !== 'pending') return renderMessagePage(PROVIDER, 'Giao dịch đã kết thúc', `Trạng thái: ${p.status}`);
    const { merchant } = ctx.merchants.get(p.maDoiTac)!;
    return renderPayPage({
      provider: PROVIDER,
      merchant: merchant.name ?? merchant.maDoiTac,
      reference: p.maThamChieu,
      amountVnd: p.amountVnd,
      description: p.thongTinGiaoDich,
      actionUrl: `${ctx.prefix}/pay/${p.token}`,
      expiresAt: p.expiresAt,
    });
  });

  app.post<{ Params: { token: string }; Body: { action?: string } }>('/pay/:token', async (req, reply) => {
    const p = ctx.store.byToken.get(req.params.token);
    reply.type('text/html; charset=utf-8');
    if (!p) return reply.status(404).send(renderMessagePage(PROVIDER, 'Không tìm thấy giao dịch', 'Unknown payment'));
    const action = req.body?.action;
    if (action !== 'pay' && action !== 'cancel')
      return reply.status(400).send(renderMessagePage(PROVIDER, 'Yêu cầu không hợp lệ', 'action must be pay or cancel'));
    const { settled, returnUrl } = finishPayment(ctx, p, action);
    if (settled && returnUrl) return reply.redirect(returnUrl, 302);
    return renderMessagePage(PROVIDER, settled ? 'Đã ghi nhận' : 'Giao dịch đã kết thúc', `Trạng thái: ${p.status}`, returnUrl);
  });

  app.post<{ Body: { urlThanhToan?: string; maDoiTac?: string; maThamChieu?: string; action?: PaygovAction } }>(
    '/_admin/pay',
    { schema: { body: adminPaySchema } },
    async (req, reply) => {
      const b = req.body;
      let p: PaygovPayment | undefined;
      if (b.urlThanhToan) {
        const token = /\/pay\/([0-9a-f-]{36})(?:[?#]|$)/.exec(b.urlThanhToan)?.[1];
        p = token ? ctx.store.byToken.get(token) : undefined;
      } else if (b.maDoiTac && b.maThamChieu) {
        p = ctx.store.byKey.get(`${b.maDoiTac}:${b.maThamChieu}`);
      } else {
        return reply
          .status(400)
          .send({ error: 'LT_SANDBOX_BAD_REQUEST', message: 'give urlThanhToan, or maDoiTac and maThamChieu' });
      }
      if (!p) return reply.status(404).send({ error: 'LT_SANDBOX_UNKNOWN_PAYMENT', message: 'no such payment' });
      const { settled, returnUrl } = finishPayment(ctx, p, b.action ?? 'pay');
      return reply.status(settled ? 200 : 409).send({ settled, payment: p, ...(returnUrl ? { returnUrl } : {}) });
    },
  );
}
