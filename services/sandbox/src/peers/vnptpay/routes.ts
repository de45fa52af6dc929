import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { computeResponseSecureCode, VNPTPAY_HASH_FIELDS, computeSecureCode } from '@lienthong/vnptpay';
import { hexSignatureEquals, parseGmt7Stamp } from '@lienthong/protocol-kit';
import { bounded, playApiFault, renderMessagePage, renderPayPage } from '../payment-peer-kit/index.js';
import { expireIfDue, finishOrder, queryAnswer, type VnptpayAction } from './finish.js';
import type { VnptpayOrder, VnptpayPeerContext } from './store.js';
import type { VnptpayPeerMerchant } from './config.js';

/** Paths as the public integrations call them [VP1][VP2] (§1.1). */
export const VNPTPAY_SANDBOX_PATHS = Object.freeze({
  init: '/rest/payment/v1.0.5/init',
  query: '/rest/payment/v1.0.5/query_transaction',
});

const PROVIDER = 'VNPT Pay';
const answer = (m: VnptpayPeerMerchant | undefined, code: string, description: string, extra: Record<string, string> = {}) => {
  const f = { RESPONSE_CODE: code, DESCRIPTION: description, ...extra };
  return m ? { ...f, SECURE_CODE: computeResponseSecureCode(f, m.secretKey) } : f;
};

const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** Every hashed field a bounded string (numbers sent as JSON numbers are accepted as their decimal text). */
function strings(body: unknown, fields: readonly string[]): Record<string, string> | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = o[f];
    if (typeof v === 'number' && Number.isSafeInteger(v)) out[f] = String(v);
    else if (typeof v === 'string' && v.length <= 1024) out[f] = v;
    else return undefined;
  }
  return out;
}

/** Merchant by MERCHANT_SERVICE_ID, and the Bearer API key must be its own [VP1][VP4]. */
function merchantOf(ctx: VnptpayPeerContext, req: FastifyRequest): VnptpayPeerMerchant | 'unknown' | 'unauthorized' {
  const id = (req.body as Record<string, unknown> | null)?.MERCHANT_SERVICE_ID;
  const m = ctx.merchants.get(typeof id === 'number' ? String(id) : typeof id === 'string' ? id : '');
  if (!m) return 'unknown';
  const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  return auth && sameSecret(auth, m.apiKey) ? m : 'unauthorized';
}

function handleInit(ctx: VnptpayPeerContext, req: FastifyRequest): Record<string, string> {
  const m = merchantOf(ctx, req);
  if (m === 'unknown') return answer(undefined, '09', 'Merchant service does not exist');
  if (m === 'unauthorized') return answer(undefined, '07', 'Invalid API key');
  const v = strings(req.body, [...VNPTPAY_HASH_FIELDS['init-1.0.5'], 'SECURE_CODE']);
  if (!v || v.ACTION !== 'INIT' || v.VERSION !== '1.0.5') return answer(m, '02', 'Bad format');
  if (!hexSignatureEquals(computeSecureCode('init-1.0.5', v, m.secretKey), v.SECURE_CODE))
    return answer(m, '07', 'Invalid signature');
  if (
    !/^[0-9]{1,12}$/.test(v.AMOUNT!) ||
    Number(v.AMOUNT) < 1 ||
    v.AMOUNT_DETAIL !== v.AMOUNT ||
    !parseGmt7Stamp(v.CREATE_DATE) ||
    !/^[A-Za-z0-9_-]{1,50}$/.test(v.MERCHANT_ORDER_ID!)
  )
    return answer(m, '02', 'Bad format');
  const key = `${m.merchantServiceId}:${v.MERCHANT_ORDER_ID}`;
  if (ctx.store.byKey.has(key)) return answer(m, '03', 'Order id already exists');
  const now = ctx.clock.now();
  const o: VnptpayOrder = {
    token: randomUUID(),
    key,
    merchantServiceId: m.merchantServiceId,
    orderId: v.MERCHANT_ORDER_ID!,
    amount: Number(v.AMOUNT),
    description: v.DESCRIPTION!,
    createDate: v.CREATE_DATE!,
    status: 'pending',
    transactionStatus: '0',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ctx.settings.payUrlTtlMs).toISOString(),
  };
  ctx.store.byKey.set(key, o);
  ctx.store.byToken.set(o.token, o);
  return answer(m, '00', 'Success', { REDIRECT_URL: `${ctx.settings.publicUrl}${ctx.prefix}/pay/${o.token}` });
}

function handleQuery(ctx: VnptpayPeerContext, req: FastifyRequest): Record<string, string> {
  const m = merchantOf(ctx, req);
  if (m === 'unknown') return answer(undefined, '09', 'Merchant service does not exist');
  if (m === 'unauthorized') return answer(undefined, '07', 'Invalid API key');
  const v = strings(req.body, [...VNPTPAY_HASH_FIELDS.query, 'SECURE_CODE']);
  if (!v || v.ACTION !== 'QUERY') return answer(m, '02', 'Bad format');
  if (!hexSignatureEquals(computeSecureCode('query', v, m.secretKey), v.SECURE_CODE)) return answer(m, '07', 'Invalid signature');
  const o = ctx.store.byKey.get(`${m.merchantServiceId}:${v.MERCHANT_ORDER_ID}`);
  // QUERY carries the ORIGINAL create date [VP1][VP4]; another date does not find the order [inf].
  if (o) expireIfDue(o, ctx.clock.now());
  return queryAnswer(m, o && o.createDate === v.CREATE_DATE ? o : undefined, v.MERCHANT_ORDER_ID!);
}

/** INIT and QUERY (with API faults), the pay page, and `POST /_admin/pay`. */
export function registerVnptpayRoutes(app: FastifyInstance, ctx: VnptpayPeerContext): void {
  const guarded = (path: string, handle: (req: FastifyRequest) => unknown) =>
    app.post(path, async (req, reply: FastifyReply) => {
      const fault = ctx.faults.drawApiFault();
      const errorAnswer = (r: FastifyReply) => r.status(500).send(answer(undefined, '06', 'System error'));
      if (await playApiFault(reply, fault, { hangMs: ctx.settings.timeoutHangMs, errorAnswer, closed: ctx.isClosed })) {
        ctx.requests.add({
          at: ctx.clock.now().toISOString(),
          route: `POST ${path}`,
          received: bounded(req.body),
          status: reply.statusCode,
          answered: fault,
          ...(fault ? { fault } : {}),
        });
        return reply;
      }
      const out = handle(req);
      ctx.requests.add({
        at: ctx.clock.now().toISOString(),
        route: `POST ${path}`,
        received: bounded(req.body),
        status: reply.statusCode,
        answered: out,
      });
      return out;
    });
  guarded(VNPTPAY_SANDBOX_PATHS.init, (req) => handleInit(ctx, req));
  guarded(VNPTPAY_SANDBOX_PATHS.query, (req) => handleQuery(ctx, req));

  app.get<{ Params: { token: string } }>('/pay/:token', async (req, reply) => {
    const o = ctx.store.byToken.get(req.params.token);
    reply.type('text/html; charset=utf-8');
    if (!o) return reply.status(404).send(renderMessagePage(PROVIDER, 'Không tìm thấy giao dịch', 'Unknown payment'));
    expireIfDue(o, ctx.clock.now());
    if (o.status !== 'pending') return renderMessagePage(PROVIDER, 'Giao dịch đã kết thúc', `Trạng thái: ${o.status}`);
    const m = ctx.merchants.get(o.merchantServiceId)!;
    return renderPayPage({
      provider: PROVIDER,
      merchant: m.name ?? m.merchantServiceId,
      reference: o.orderId,
      amountVnd: o.amount,
      description: o.description,
      actionUrl: `${ctx.prefix}/pay/${o.token}`,
      expiresAt: o.expiresAt,
    });
  });

  app.post<{ Params: { token: string }; Body: { action?: string } }>('/pay/:token', async (req, reply) => {
    const o = ctx.store.byToken.get(req.params.token);
    reply.type('text/html; charset=utf-8');
    if (!o) return reply.status(404).send(renderMessagePage(PROVIDER, 'Không tìm thấy giao dịch', 'Unknown payment'));
    const action = req.body?.action;
    if (action !== 'pay' && action !== 'cancel')
      return reply.status(400).send(renderMessagePage(PROVIDER, 'Yêu cầu không hợp lệ', 'action must be pay or cancel'));
    const { settled, returnUrl } = finishOrder(ctx, o, action);
    if (settled && returnUrl) return reply.redirect(returnUrl, 302);
    return renderMessagePage(PROVIDER, settled ? 'Đã ghi nhận' : 'Giao dịch đã kết thúc', `Trạng thái: ${o.status}`, returnUrl);
  });

  app.post<{ Body: { payUrl?: string; merchantServiceId?: string; orderId?: string; action?: VnptpayAction } }>(
    '/_admin/pay',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            payUrl: { type: 'string', minLength: 1, maxLength: 4096 },
            merchantServiceId: { type: 'string', minLength: 1, maxLength: 30 },
            orderId: { type: 'string', minLength: 1, maxLength: 50 },
            action: { enum: ['pay', 'cancel'] },
          },
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      let o: VnptpayOrder | undefined;
      if (b.payUrl) {
        const token = /\/pay\/([0-9a-f-]{36})(?:[?#]|$)/.exec(b.payUrl)?.[1];
        o = token ? ctx.store.byToken.get(token) : undefined;
      } else if (b.merchantServiceId && b.orderId) o = ctx.store.byKey.get(`${b.merchantServiceId}:${b.orderId}`);
      else
        return reply
          .status(400)
          .send({ error: 'LT_SANDBOX_BAD_REQUEST', message: 'give payUrl, or merchantServiceId and orderId' });
      if (!o) return reply.status(404).send({ error: 'LT_SANDBOX_UNKNOWN_PAYMENT', message: 'no such payment' });
      const { settled, returnUrl } = finishOrder(ctx, o, b.action ?? 'pay');
      return reply.status(settled ? 200 : 409).send({ settled, payment: o, ...(returnUrl ? { returnUrl } : {}) });
    },
  );
}
