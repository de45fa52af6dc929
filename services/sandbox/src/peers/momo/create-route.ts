import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { MOMO_AMOUNT_LIMITS, MOMO_ORDER_ID_PATTERN, MOMO_PATHS, isMomoRequestType } from '@lienthong/momo';
import { bounded, playApiFault } from '../payment-peer-kit/index.js';
import type { MomoPeerContext } from './context.js';
import type { MomoOrder } from './store.js';

/** A MoMo error answer: resultCode + message, plus `subErrors` for format problems [M1][M5 #39]. Unsigned. */
export function momoError(
  body: Record<string, unknown>,
  resultCode: number,
  message: string,
  subErrors?: { field: string; message: string }[],
  now = Date.now(),
) {
  const echo = (k: string) => (typeof body[k] === 'string' || typeof body[k] === 'number' ? body[k] : undefined);
  return {
    partnerCode: echo('partnerCode'),
    requestId: echo('requestId'),
    orderId: echo('orderId'),
    amount: echo('amount'),
    responseTime: now,
    message,
    resultCode,
    ...(subErrors ? { subErrors } : {}),
  };
}

const STRING_FIELDS = [
  'partnerCode',
  'requestId',
  'orderId',
  'orderInfo',
  'redirectUrl',
  'ipnUrl',
  'requestType',
  'extraData',
  'signature',
] as const;

/**
 * `POST /v2/gateway/api/create` [M1]: checks in MoMo's order — partner (13), format (20, with subErrors),
 * signature (20, quoting the raw string expected [M5 #39]), amount (21 not an integer, 22 out of range),
 * orderId (42), duplicate requestId (40) and orderId (41) — then answers a signed payUrl.
 * Answers are HTTP 200 with the resultCode (the HTTP status MoMo uses for refusals is not documented here [inf]).
 */
export function handleCreate(ctx: MomoPeerContext, raw: unknown): Record<string, unknown> {
  const now = ctx.clock.now();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return momoError({}, 20, 'Bad format request', [{ field: 'body', message: 'must be a JSON object' }], now.getTime());
  const body = raw as Record<string, unknown>;
  const signer = ctx.signers.get(typeof body.partnerCode === 'string' ? body.partnerCode : '');
  if (!signer) return momoError(body, 13, 'Merchant authentication failed', undefined, now.getTime());
  const sub: { field: string; message: string }[] = [];
  for (const f of STRING_FIELDS) {
    const v = body[f];
    const optional = f === 'extraData';
    if (v === undefined && optional) continue;
    if (typeof v !== 'string' || (!optional && v === '') || v.length > 2048)
      sub.push({ field: f, message: 'is required and must be a string' });
  }
  if (typeof body.amount !== 'number') sub.push({ field: 'amount', message: 'is required and must be a number' });
  if (sub.length) return momoError(body, 20, 'Bad format request', sub, now.getTime());
  const values = { ...body, extraData: body.extraData ?? '' } as unknown as Record<string, string | number>;
  if (!signer.verify('create', values, body.signature)) {
    return momoError(
      body,
      20,
      'Bad format request',
      [{ field: 'signature', message: `Signature is invalid. Raw signature expected: ${signer.rawString('create', values)}` }],
      now.getTime(),
    );
  }
  if (!isMomoRequestType(body.requestType))
    return momoError(body, 20, 'Bad format request', [{ field: 'requestType', message: 'unsupported' }], now.getTime());
  const amount = body.amount as number;
  if (!Number.isSafeInteger(amount)) return momoError(body, 21, 'Invalid amount', undefined, now.getTime());
  const { min, max } = MOMO_AMOUNT_LIMITS[body.requestType];
  if (amount < min || amount > max) return momoError(body, 22, `Amount out of range (${min} - ${max})`, undefined, now.getTime());
  const orderId = body.orderId as string;
  if (orderId.length > 200 || !MOMO_ORDER_ID_PATTERN.test(orderId))
    return momoError(body, 42, 'Invalid orderId', undefined, now.getTime());
  const requestKey = `${signer.partnerCode}:${body.requestId as string}`;
  if (ctx.store.requestIds.has(requestKey)) return momoError(body, 40, 'Duplicated requestId', undefined, now.getTime());
  ctx.store.requestIds.add(requestKey);
  const key = `${signer.partnerCode}:${orderId}`;
  if (ctx.store.byKey.has(key)) return momoError(body, 41, 'Duplicated orderId', undefined, now.getTime());

  const order: MomoOrder = {
    token: randomUUID(),
    key,
    partnerCode: signer.partnerCode,
    orderId,
    requestId: body.requestId as string,
    amountVnd: amount,
    orderInfo: body.orderInfo as string,
    redirectUrl: body.redirectUrl as string,
    ipnUrl: body.ipnUrl as string,
    requestType: body.requestType,
    extraData: (body.extraData as string | undefined) ?? '',
    received: Object.freeze({ ...body }),
    status: 'pending',
    resultCode: 1000,
    message: 'Giao dịch đã được khởi tạo, chờ người dùng xác nhận thanh toán.',
    transId: 0,
    payType: '',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ctx.settings.payUrlTtlMs).toISOString(),
  };
  ctx.store.byKey.set(key, order);
  ctx.store.byToken.set(order.token, order);
  const payUrl = `${ctx.settings.publicUrl}${ctx.prefix}/pay/${order.token}`;
  const answer: Record<string, string | number> = {
    partnerCode: signer.partnerCode,
    requestId: order.requestId,
    orderId,
    amount,
    responseTime: now.getTime(),
    message: 'Thành công.',
    resultCode: 0,
    payUrl,
  };
  return {
    ...answer,
    // Stand-ins: a deeplink into the MoMo app and the QR payload (not an image) [M1].
    deeplink: `momo://app?action=payWithApp&isScanQR=false&serviceType=app&sid=${order.token}`,
    qrCodeUrl: `2|99|0000000000|||0|0|${amount}|${order.token}|transfer_myqr`,
    signature: signer.sign('createResponse', answer),
  };
}

export function registerCreateRoute(app: FastifyInstance, ctx: MomoPeerContext): void {
  const errorAnswer = (reply: FastifyReply) => reply.send(momoError({}, 99, 'Unknown error'));
  app.post(MOMO_PATHS.create, async (req, reply) => {
    const fault = ctx.faults.drawApiFault();
    if (await playApiFault(reply, fault, { hangMs: ctx.settings.timeoutHangMs, errorAnswer, closed: ctx.isClosed })) {
      ctx.requests.add({
        at: ctx.clock.now().toISOString(),
        route: `POST ${MOMO_PATHS.create}`,
        received: bounded(req.body),
        status: reply.statusCode,
        answered: fault,
        ...(fault ? { fault } : {}),
      });
      return reply;
    }
    const answer = handleCreate(ctx, req.body);
    ctx.requests.add({
      at: ctx.clock.now().toISOString(),
      route: `POST ${MOMO_PATHS.create}`,
      received: bounded(req.body),
      status: 200,
      answered: answer,
    });
    return answer;
  });
}
