import type { FastifyInstance } from 'fastify';
import { finishPayment, openPayUrl } from './payment-routes.js';
import type { VnpayPeerContext } from './context.js';

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** The pay URL the hub returned; opens the order if the page was never visited. */
    payUrl: { type: 'string', minLength: 1, maxLength: 8192 },
    tmnCode: { type: 'string', minLength: 1, maxLength: 16 },
    txnRef: { type: 'string', minLength: 1, maxLength: 100 },
    /** pay (default), cancel, or fail with a vnp_ResponseCode such as 51 (insufficient funds) [V1]. */
    action: { enum: ['pay', 'cancel', 'fail'] },
    responseCode: { type: 'string', pattern: '^[0-9]{2}$' },
  },
} as const;

interface Body {
  payUrl?: string;
  tmnCode?: string;
  txnRef?: string;
  action?: 'pay' | 'cancel' | 'fail';
  responseCode?: string;
}

/**
 * `POST /_admin/pay` — tests pay without a browser: give the hub's `payUrl` (or tmnCode + txnRef of an
 * order already opened) and an action. Answers the transaction and the Return URL the browser would get.
 */
export function registerAdminPayRoute(app: FastifyInstance, ctx: VnpayPeerContext): void {
  app.post<{ Body: Body }>('/_admin/pay', { schema: { body: bodySchema } }, async (req, reply) => {
    const b = req.body;
    let txn;
    if (b.payUrl) {
      let query: Record<string, string>;
      try {
        query = Object.fromEntries(new URL(b.payUrl).searchParams);
      } catch {
        return reply.status(400).send({ error: 'LT_SANDBOX_BAD_PAY_URL', message: 'payUrl is not a URL' });
      }
      const opened = openPayUrl(ctx, query);
      if (!opened.ok)
        return reply.status(400).send({ error: 'LT_SANDBOX_PAY_URL_REFUSED', code: opened.code, message: opened.message });
      txn = opened.txn;
    } else if (b.tmnCode && b.txnRef) {
      txn = ctx.store.byKey.get(`${b.tmnCode}:${b.txnRef}`);
      if (!txn)
        return reply.status(404).send({ error: 'LT_SANDBOX_UNKNOWN_TXN', message: 'no such order; open its payUrl first' });
    } else {
      return reply.status(400).send({ error: 'LT_SANDBOX_BAD_REQUEST', message: 'give payUrl, or tmnCode and txnRef' });
    }
    const action = b.action ?? 'pay';
    const outcome = action === 'fail' ? { kind: 'fail' as const, responseCode: b.responseCode ?? '51' } : { kind: action };
    const { settled, returnUrl } = finishPayment(ctx, txn, outcome);
    return reply.status(settled ? 200 : 409).send({ settled, transaction: txn, returnUrl });
  });
}
