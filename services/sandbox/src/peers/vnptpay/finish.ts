import { computeResponseSecureCode, computeSecureCode, VNPTPAY_TRANSACTION_STATUS } from '@lienthong/vnptpay';
import { formatGmt7Stamp } from '@lienthong/protocol-kit';
import type { DeliveryPlan, NotificationAnswer } from '../payment-peer-kit/index.js';
import type { VnptpayPeerMerchant } from './config.js';
import type { VnptpayOrder, VnptpayPeerContext } from './store.js';

export type VnptpayAction = 'pay' | 'cancel';

export function expireIfDue(o: VnptpayOrder, now: Date): void {
  if (o.status === 'pending' && now.getTime() > Date.parse(o.expiresAt))
    Object.assign(o, { status: 'expired', responseCode: '01', transactionStatus: VNPTPAY_TRANSACTION_STATUS.failed });
}

/** pay → RESPONSE_CODE 00, status 1; cancel → 01, status 2 [inf]. False when already final. */
export function settleOrder(ctx: VnptpayPeerContext, o: VnptpayOrder, action: VnptpayAction): boolean {
  const now = ctx.clock.now();
  expireIfDue(o, now);
  if (o.status !== 'pending') return false;
  o.payDate = formatGmt7Stamp(now) as string;
  o.transactionId = String(ctx.store.nextTxn++);
  if (action === 'pay')
    Object.assign(o, { status: 'paid', responseCode: '00', transactionStatus: VNPTPAY_TRANSACTION_STATUS.paid });
  else Object.assign(o, { status: 'failed', responseCode: '01', transactionStatus: VNPTPAY_TRANSACTION_STATUS.failed });
  return true;
}

/** The 10 IPN fields of an order [VP3][VP4], signed in their order (ADDITIONAL_INFO empty). */
export function ipnFields(m: VnptpayPeerMerchant, o: VnptpayOrder): Record<string, string> {
  const f: Record<string, string> = {
    ACTION: 'PAYMENT',
    RESPONSE_CODE: o.responseCode ?? '01',
    MERCHANT_SERVICE_ID: m.merchantServiceId,
    MERCHANT_ORDER_ID: o.orderId,
    AMOUNT: String(o.amount),
    CURRENCY_CODE: 'VND',
    VNPTPAY_TRANSACTION_ID: o.transactionId ?? '',
    PAYMENT_METHOD: 'VNPTPAY',
    PAY_DATE: o.payDate ?? '',
    ADDITIONAL_INFO: '',
  };
  return { ...f, SECURE_CODE: computeSecureCode('ipn', f, m.secretKey) };
}

/** The QUERY answer: the order's fields, signed "all fields in order, then the secret" [VP3][inf]. */
export function queryAnswer(m: VnptpayPeerMerchant, o: VnptpayOrder | undefined, orderId: string): Record<string, string> {
  const f: Record<string, string> = o
    ? {
        RESPONSE_CODE: '00',
        DESCRIPTION: 'Success',
        MERCHANT_SERVICE_ID: m.merchantServiceId,
        MERCHANT_ORDER_ID: o.orderId,
        VNPTPAY_TRANSACTION_ID: o.transactionId ?? '',
        AMOUNT: String(o.amount),
        LOCALE: 'vi-VN',
        CURRENCY_CODE: 'VND',
        PAYMENT_METHOD: 'VNPTPAY',
        PAY_DATE: o.payDate ?? '',
        TRANSACTION_STATUS: o.transactionStatus,
        ADDITIONAL_INFO: '',
      }
    : {
        RESPONSE_CODE: '05',
        DESCRIPTION: 'Transaction not found',
        MERCHANT_SERVICE_ID: m.merchantServiceId,
        MERCHANT_ORDER_ID: orderId,
      };
  return { ...f, SECURE_CODE: computeResponseSecureCode(f, m.secretKey) };
}

function replyCode(a: NotificationAnswer): unknown {
  let b = a.body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>).RESPONSE_CODE : undefined;
}

/**
 * The IPN: POST to the merchant's ipnUrl, as JSON [VP4] or as a form whose field `data` holds the JSON
 * [VP3] (per merchant). A reply with RESPONSE_CODE 00 or 02 ends it; anything else is retried [inf].
 * Tampering multiplies AMOUNT by ten after signing.
 */
export function ipnPlan(
  m: VnptpayPeerMerchant,
  o: VnptpayOrder,
  s: { maxAttempts: number; intervalMs: number; timeoutMs: number },
): DeliveryPlan {
  const encode = (fields: Record<string, string>) =>
    m.ipnTransport === 'form' ? new URLSearchParams({ data: JSON.stringify(fields) }) : fields;
  return {
    key: `${m.merchantServiceId}:${o.orderId}`,
    build: () => ({ method: 'POST', url: m.ipnUrl, body: encode(ipnFields(m, o)), timeoutMs: s.timeoutMs }),
    tamper: (n) => ({ ...n, body: encode({ ...ipnFields(m, o), AMOUNT: String(o.amount * 10) }) }),
    isFinal: (a) => a.status === 200 && (replyCode(a) === '00' || replyCode(a) === '02'),
    maxAttempts: s.maxAttempts,
    intervalMs: s.intervalMs,
  };
}

export function finishOrder(
  ctx: VnptpayPeerContext,
  o: VnptpayOrder,
  action: VnptpayAction,
): { settled: boolean; returnUrl?: string } {
  const m = ctx.merchants.get(o.merchantServiceId)!;
  const settled = settleOrder(ctx, o, action);
  if (settled && o.status !== 'expired') {
    ctx.deliverer.deliver(
      ipnPlan(m, o, {
        maxAttempts: ctx.settings.ipnMaxAttempts,
        intervalMs: ctx.settings.ipnRetryIntervalMs,
        timeoutMs: ctx.settings.notifyTimeoutMs,
      }),
    );
  }
  if (!m.returnUrl) return { settled };
  const q = new URLSearchParams({ MERCHANT_ORDER_ID: o.orderId, RESPONSE_CODE: o.responseCode ?? '' });
  return { settled, returnUrl: `${m.returnUrl}${m.returnUrl.includes('?') ? '&' : '?'}${q.toString()}` };
}
