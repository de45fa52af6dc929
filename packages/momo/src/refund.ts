import { momoHmac, momoRawString } from './raw-signature.js';
import { momoResult } from './result-codes.js';

type Partner = { partnerCode: string; accessKey: string; secretKey: string };

/**
 * MoMo refund `POST /v2/gateway/api/refund` [M3] (payments.md §2.5): a NEW orderId per refund, the
 * payment's transId, amount (partial or full, 1,000–50,000,000), description; signature over
 * `accessKey,amount,description,orderId,partnerCode,requestId,transId`. No time window was found (§5).
 */
export interface MomoRefundRequest {
  /** A new order id for this refund (never the payment's). */
  orderId: string;
  requestId: string;
  amountVnd: number;
  /** MoMo's transId of the payment being refunded. */
  transId: string;
  description: string;
}

export function buildMomoRefund(partner: Partner, r: MomoRefundRequest): Record<string, string | number> {
  if (!/^[A-Za-z0-9_.:-]{1,50}$/.test(r.orderId) || !/^[A-Za-z0-9_.:-]{1,50}$/.test(r.requestId))
    throw new RangeError('orderId/requestId: 1-50 of [A-Za-z0-9_.:-]');
  if (!Number.isSafeInteger(r.amountVnd) || r.amountVnd < 1_000 || r.amountVnd > 50_000_000)
    throw new RangeError('MoMo refunds 1,000 to 50,000,000 VND');
  if (!/^[0-9]{1,20}$/.test(r.transId)) throw new RangeError('transId must be digits');
  const description = r.description.replace(/[^\x20-\x7e]/g, ' ').slice(0, 255);
  const values = {
    partnerCode: partner.partnerCode,
    orderId: r.orderId,
    requestId: r.requestId,
    amount: r.amountVnd,
    transId: Number(r.transId),
    description,
  };
  return {
    ...values,
    lang: 'vi',
    signature: momoHmac(partner.secretKey, momoRawString('refund', { ...values, accessKey: partner.accessKey })),
  };
}

export type MomoRefundOutcome =
  | { kind: 'succeeded'; transId: string; resultCode: number }
  | { kind: 'failed'; resultCode: number; message: string }
  | { kind: 'no_answer'; message: string };

/**
 * Reads a refund answer bound to its request. resultCode 0 = refunded; 1080/1081/1088 and request errors
 * = not refunded; anything else says nothing (no signature is documented on refund answers, §7, so like
 * the query the answer rests on TLS to MoMo's host and the echo of our ids).
 */
export function readMomoRefundResponse(
  partner: Partner,
  body: unknown,
  expect: { orderId: string; requestId: string },
): MomoRefundOutcome {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { kind: 'no_answer', message: 'not a JSON object' };
  const b = body as Record<string, unknown>;
  if (b.partnerCode !== partner.partnerCode || b.orderId !== expect.orderId || b.requestId !== expect.requestId)
    return { kind: 'no_answer', message: 'answer does not echo our partnerCode/orderId/requestId' };
  if (typeof b.resultCode !== 'number') return { kind: 'no_answer', message: 'resultCode missing' };
  const info = momoResult(b.resultCode);
  if (b.resultCode === 0) {
    if (b.transId === undefined || b.transId === null) return { kind: 'no_answer', message: 'success without transId' };
    return { kind: 'succeeded', transId: String(b.transId), resultCode: 0 };
  }
  if (info.category === 'refund_error' || info.category === 'request_error')
    return { kind: 'failed', resultCode: b.resultCode, message: String(b.message ?? info.description) };
  return { kind: 'no_answer', message: `resultCode ${b.resultCode}` };
}

/**
 * The refund named by `refundOrderId` in a query answer's `refundTrans[]` [M4]: how a refund whose answer
 * was lost (timeout) is recovered. `absent` = MoMo lists no such refund on the payment (what that means is
 * the caller's inference). `failed` only for the codes that say a refund was refused (refund and request
 * errors, as readMomoRefundResponse); any other code (e.g. 7000 processing) is `in_progress`.
 */
export function findMomoRefund(
  queryAnswer: unknown,
  refundOrderId: string,
):
  | { kind: 'succeeded'; transId: string }
  | { kind: 'failed'; resultCode: number }
  | { kind: 'in_progress'; resultCode: number }
  | { kind: 'absent' }
  | { kind: 'unreadable' } {
  const list = (queryAnswer as { refundTrans?: unknown } | null)?.refundTrans;
  if (!Array.isArray(list)) return { kind: 'unreadable' };
  const t = list.find((x) => (x as { orderId?: unknown } | null)?.orderId === refundOrderId) as
    { resultCode?: unknown; transId?: unknown } | undefined;
  if (!t) return { kind: 'absent' };
  if (t.resultCode === 0 && t.transId !== undefined) return { kind: 'succeeded', transId: String(t.transId) };
  if (typeof t.resultCode !== 'number') return { kind: 'unreadable' };
  const category = momoResult(t.resultCode).category;
  return category === 'refund_error' || category === 'request_error'
    ? { kind: 'failed', resultCode: t.resultCode }
    : { kind: 'in_progress', resultCode: t.resultCode };
}
