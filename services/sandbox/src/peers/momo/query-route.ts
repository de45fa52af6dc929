import type { FastifyInstance, FastifyReply } from 'fastify';
import { MOMO_PATHS } from '@lienthong/momo';
import { bounded, playApiFault } from '../payment-peer-kit/index.js';
import { momoError } from './create-route.js';
import { expireIfDue } from './finish.js';
import { refundTransOf } from './refund-route.js';
import type { MomoPeerContext } from './context.js';

/**
 * `POST /v2/gateway/api/query` [M4]: 13 unknown partner, 20 bad format or signature (raw string quoted),
 * 42 unknown orderId; otherwise the order's current resultCode (1000 pending, 0 paid, 1006 declined,
 * 1005 expired…). The answer carries no signature: none is documented for query answers (§2.5, §7).
 */
export function handleQuery(ctx: MomoPeerContext, raw: unknown): Record<string, unknown> {
  const now = ctx.clock.now();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return momoError({}, 20, 'Bad format request', [{ field: 'body', message: 'must be a JSON object' }], now.getTime());
  const body = raw as Record<string, unknown>;
  const signer = ctx.signers.get(typeof body.partnerCode === 'string' ? body.partnerCode : '');
  if (!signer) return momoError(body, 13, 'Merchant authentication failed', undefined, now.getTime());
  const sub = ['requestId', 'orderId', 'signature'].filter(
    (f) => typeof body[f] !== 'string' || body[f] === '' || (body[f] as string).length > 2048,
  );
  if (sub.length)
    return momoError(
      body,
      20,
      'Bad format request',
      sub.map((field) => ({ field, message: 'is required and must be a string' })),
      now.getTime(),
    );
  const values = body as Record<string, string>;
  if (!signer.verify('query', values, body.signature)) {
    return momoError(
      body,
      20,
      'Bad format request',
      [{ field: 'signature', message: `Signature is invalid. Raw signature expected: ${signer.rawString('query', values)}` }],
      now.getTime(),
    );
  }
  const order = ctx.store.byKey.get(`${signer.partnerCode}:${values.orderId}`);
  if (!order) return momoError(body, 42, 'Invalid orderId or orderId is not found', undefined, now.getTime());
  expireIfDue(order, now);
  return {
    partnerCode: order.partnerCode,
    requestId: values.requestId,
    orderId: order.orderId,
    extraData: order.extraData,
    amount: order.amountVnd,
    transId: order.transId,
    payType: order.payType,
    resultCode: order.resultCode,
    refundTrans: refundTransOf(order),
    message: order.message,
    responseTime: now.getTime(),
  };
}

export function registerQueryRoute(app: FastifyInstance, ctx: MomoPeerContext): void {
  const errorAnswer = (reply: FastifyReply) => reply.send(momoError({}, 99, 'Unknown error'));
  app.post(MOMO_PATHS.query, async (req, reply) => {
    const fault = ctx.faults.drawApiFault();
    if (await playApiFault(reply, fault, { hangMs: ctx.settings.timeoutHangMs, errorAnswer, closed: ctx.isClosed })) {
      ctx.requests.add({
        at: ctx.clock.now().toISOString(),
        route: `POST ${MOMO_PATHS.query}`,
        received: bounded(req.body),
        status: reply.statusCode,
        answered: fault,
        ...(fault ? { fault } : {}),
      });
      return reply;
    }
    const answer = handleQuery(ctx, req.body);
    ctx.requests.add({
      at: ctx.clock.now().toISOString(),
      route: `POST ${MOMO_PATHS.query}`,
      received: bounded(req.body),
      status: 200,
      answered: answer,
    });
    return answer;
  });
}
