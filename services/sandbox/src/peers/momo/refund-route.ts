import type { FastifyInstance } from 'fastify';
import { MOMO_PATHS } from '@lienthong/momo';
import { bounded } from '../payment-peer-kit/index.js';
import { momoError } from './create-route.js';
import type { MomoPeerContext } from './context.js';
import type { MomoOrder } from './store.js';

/** One refund MoMo made of an order, as the query lists it in `refundTrans[]` [M4]. */
export interface MomoRefundRecord {
  orderId: string;
  amount: number;
  resultCode: number;
  transId: number;
  createdTime: number;
}

const refundsOf = (o: MomoOrder): MomoRefundRecord[] => ((o as MomoOrder & { refunds?: MomoRefundRecord[] }).refunds ??= []);

/** `refundTrans[]` of a query answer. */
export function refundTransOf(o: MomoOrder): MomoRefundRecord[] {
  return [...refundsOf(o)];
}

/**
 * `POST /v2/gateway/api/refund` [M3]: signature over accessKey,amount,description,orderId,partnerCode,
 * requestId,transId; the payment found by its transId; a new orderId per refund (41 when reused [inf]);
 * amount within what is left (1080 otherwise), 1088 for an unpaid order. A `timeout` fault here makes the
 * refund and then loses the answer (the call hangs, then 504): the case a merchant recovers by querying.
 */
export function registerRefundRoute(app: FastifyInstance, ctx: MomoPeerContext): void {
  app.post(MOMO_PATHS.refund, async (req, reply) => {
    const now = ctx.clock.now();
    const fault = ctx.faults.drawApiFault();
    const raw = req.body;
    const answer = (() => {
      if (fault === 'error') return momoError({}, 99, 'Unknown error', undefined, now.getTime());
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
        return momoError({}, 20, 'Bad format request', undefined, now.getTime());
      const b = raw as Record<string, unknown>;
      const signer = ctx.signers.get(typeof b.partnerCode === 'string' ? b.partnerCode : '');
      if (!signer) return momoError(b, 13, 'Merchant authentication failed', undefined, now.getTime());
      if (
        typeof b.amount !== 'number' ||
        typeof b.transId !== 'number' ||
        typeof b.orderId !== 'string' ||
        typeof b.requestId !== 'string' ||
        typeof b.description !== 'string'
      )
        return momoError(b, 20, 'Bad format request', undefined, now.getTime());
      if (!signer.verify('refund', b as Record<string, string | number>, b.signature))
        return momoError(b, 20, 'Bad format request', [{ field: 'signature', message: 'Signature is invalid' }], now.getTime());
      const order = [...ctx.store.byKey.values()].find((o) => o.partnerCode === signer.partnerCode && o.transId === b.transId);
      if (!order || order.status !== 'paid')
        return { ...momoError(b, 1088, 'Not refundable', undefined, now.getTime()), orderId: b.orderId, requestId: b.requestId };
      const all = [...ctx.store.byKey.values()].flatMap((o) => refundsOf(o));
      if (all.some((r) => r.orderId === b.orderId))
        return { ...momoError(b, 41, 'Duplicate orderId', undefined, now.getTime()), orderId: b.orderId, requestId: b.requestId };
      const left =
        order.amountVnd -
        refundsOf(order)
          .filter((r) => r.resultCode === 0)
          .reduce((n, r) => n + r.amount, 0);
      if (b.amount < 1_000 || b.amount > left)
        return {
          partnerCode: signer.partnerCode,
          orderId: b.orderId,
          requestId: b.requestId,
          amount: b.amount,
          transId: 0,
          resultCode: 1080,
          message: 'Refund failed: amount',
          responseTime: now.getTime(),
        };
      const rec: MomoRefundRecord = {
        orderId: b.orderId,
        amount: b.amount,
        resultCode: 0,
        transId: ctx.store.nextTransId++,
        createdTime: now.getTime(),
      };
      refundsOf(order).push(rec);
      return {
        partnerCode: signer.partnerCode,
        orderId: b.orderId,
        requestId: b.requestId,
        amount: b.amount,
        transId: rec.transId,
        resultCode: 0,
        message: 'Thành công.',
        responseTime: now.getTime(),
      };
    })();
    ctx.requests.add({
      at: now.toISOString(),
      route: `POST ${MOMO_PATHS.refund}`,
      received: bounded(raw),
      status: fault === 'timeout' ? 504 : 200,
      answered: answer,
      ...(fault ? { fault } : {}),
    });
    if (fault === 'timeout') {
      const until = Date.now() + ctx.settings.timeoutHangMs;
      while (Date.now() < until && !ctx.isClosed()) await new Promise((r) => setTimeout(r, 50));
      return reply.status(504).type('text/plain').send('simulated gateway timeout');
    }
    return answer;
  });
}
