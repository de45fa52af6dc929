import type { MomoSigner } from '@lienthong/momo';
import type { DeliveryPlan } from '../payment-peer-kit/index.js';
import type { MomoPeerContext } from './context.js';
import type { MomoOrder } from './store.js';

export type MomoAction = { kind: 'pay' } | { kind: 'cancel' } | { kind: 'fail'; resultCode: number };

/** Marks a pending order expired once its payUrl has lapsed (1005 [M1]). */
export function expireIfDue(order: MomoOrder, now: Date): void {
  if (order.status === 'pending' && now.getTime() > Date.parse(order.expiresAt)) {
    Object.assign(order, { status: 'expired', resultCode: 1005, message: 'Giao dịch thất bại do url thanh toán đã hết hạn.' });
  }
}

/**
 * Settles a pending order: pay → 0; cancel → 1006 (user declined); fail → the given code (e.g. 1001
 * insufficient funds) [M1]. Returns false when the order was already final or has expired.
 */
export function settleOrder(ctx: MomoPeerContext, order: MomoOrder, action: MomoAction): boolean {
  const now = ctx.clock.now();
  expireIfDue(order, now);
  if (order.status !== 'pending') return false;
  order.responseTime = now.getTime();
  order.payType = 'qr';
  if (action.kind === 'pay')
    Object.assign(order, { status: 'paid', resultCode: 0, message: 'Thành công.', transId: ctx.store.nextTransId++ });
  else if (action.kind === 'cancel')
    Object.assign(order, {
      status: 'declined',
      resultCode: 1006,
      message: 'Giao dịch thất bại do người dùng đã từ chối xác nhận thanh toán.',
    });
  else
    Object.assign(order, {
      status: 'failed',
      resultCode: action.resultCode,
      message: 'Giao dịch thất bại.',
      transId: ctx.store.nextTransId++,
    });
  return true;
}

/** The IPN / redirect fields of a settled order, signed over the 13-field string [M1][M2]. */
export function resultFields(signer: MomoSigner, o: MomoOrder): Record<string, string | number> {
  const f: Record<string, string | number> = {
    partnerCode: o.partnerCode,
    orderId: o.orderId,
    requestId: o.requestId,
    amount: o.amountVnd,
    orderInfo: o.orderInfo,
    orderType: 'momo_wallet',
    transId: o.transId,
    resultCode: o.resultCode,
    message: o.message,
    payType: o.payType,
    responseTime: o.responseTime ?? Date.now(),
    extraData: o.extraData,
  };
  return { ...f, partnerUserId: '', signature: signer.sign('ipn', f) };
}

/** The browser redirect: GET redirectUrl?{the IPN fields} [M1] — display only at the merchant. */
export function redirectUrlFor(signer: MomoSigner, o: MomoOrder): string {
  const q = new URLSearchParams(Object.entries(resultFields(signer, o)).map(([k, v]): [string, string] => [k, String(v)]));
  return `${o.redirectUrl}${o.redirectUrl.includes('?') ? '&' : '?'}${q.toString()}`;
}

/**
 * One IPN, POST JSON to the ipnUrl of the request. MoMo documents no retry and users report a single
 * delivery [M5 #30], so there is one attempt whatever the answer; the hub should answer 204 [M2].
 * Tampering multiplies the amount by ten after signing.
 */
export function ipnPlan(signer: MomoSigner, o: MomoOrder, timeoutMs: number): DeliveryPlan {
  return {
    key: o.key,
    build: () => ({ method: 'POST', url: o.ipnUrl, body: resultFields(signer, o), timeoutMs }),
    tamper: (n) => ({ ...n, body: { ...(n.body as Record<string, unknown>), amount: o.amountVnd * 10 } }),
    isFinal: () => true,
    maxAttempts: 1,
    intervalMs: 0,
  };
}
