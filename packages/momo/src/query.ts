import { MomoError, type MomoRejectionCode } from './errors.js';
import { momoHmac, momoRawString } from './raw-signature.js';
import { readMomoBody } from './body-reader.js';
import { momoResult, type MomoResultInfo } from './result-codes.js';
import { MOMO_ORDER_ID_PATTERN } from './create.js';

type Partner = { partnerCode: string; accessKey: string; secretKey: string };

/** A transaction status query [M4] (§2.5). */
export interface MomoQueryRequest {
  orderId: string;
  /** A new requestId per query call. */
  requestId: string;
  lang?: 'vi' | 'en';
}

export interface MomoQueryBody {
  readonly partnerCode: string;
  readonly requestId: string;
  readonly orderId: string;
  readonly lang: 'vi' | 'en';
  readonly signature: string;
}

/** Builds and signs a query (`accessKey, orderId, partnerCode, requestId`) [M1][M4]. Pure. */
export function buildMomoQuery(partner: Partner, req: MomoQueryRequest): MomoQueryBody {
  const bad = (field: string, reason: string): never => {
    throw new MomoError('LT_MOMO_INVALID_INPUT', `invalid ${field}: ${reason}`, [{ field, reason }]);
  };
  if (req === null || typeof req !== 'object') bad('request', 'must be an object');
  if (typeof req.orderId !== 'string' || req.orderId.length > 200 || !MOMO_ORDER_ID_PATTERN.test(req.orderId))
    bad('orderId', 'invalid format');
  if (typeof req.requestId !== 'string' || !/^[0-9a-zA-Z_.-]{1,50}$/.test(req.requestId))
    bad('requestId', 'must be 1-50 of 0-9 a-z A-Z _ . -');
  const lang = req.lang ?? 'vi';
  if (lang !== 'vi' && lang !== 'en') bad('lang', "must be 'vi' or 'en'");
  const fields = { partnerCode: partner.partnerCode, requestId: req.requestId, orderId: req.orderId, lang };
  const signature = momoHmac(partner.secretKey, momoRawString('query', { ...fields, accessKey: partner.accessKey }));
  return Object.freeze({ ...fields, signature });
}

/**
 * What a query answer says about the payment. MoMo documents no signature on query answers (§2.5, §7), so
 * their authenticity rests on TLS to MoMo's host, which we called; we still bind the answer to our
 * request (partnerCode, orderId, requestId) and never read a malformed answer as "unpaid".
 */
export type MomoQueryOutcome =
  | { kind: 'paid'; amountVnd: number; transId: string; payType: string; result: MomoResultInfo }
  | { kind: 'pending'; result: MomoResultInfo }
  | { kind: 'failed'; result: MomoResultInfo }
  /** Needs a capture (autoCapture=false) or an operator. */
  | { kind: 'needs_review'; result: MomoResultInfo }
  | { kind: 'no_answer'; code: MomoRejectionCode; message: string; result?: MomoResultInfo };

/** Interprets a query answer [M1][M4]. Never throws. */
export function readMomoQueryResponse(
  partner: Partner,
  body: unknown,
  expect: { orderId: string; requestId: string },
): MomoQueryOutcome {
  const r = readMomoBody(
    body,
    { partnerCode: 'string', orderId: 'string', requestId: 'string', resultCode: 'integer' },
    { amount: 'integer', transId: 'integer', payType: 'string', message: 'string', responseTime: 'integer', extraData: 'string' },
  );
  if (!r.ok) return { kind: 'no_answer', code: 'LT_MOMO_MALFORMED', message: r.reason };
  const v = r.values;
  if (v.partnerCode !== partner.partnerCode)
    return { kind: 'no_answer', code: 'LT_MOMO_PARTNER_MISMATCH', message: 'answer is for another partner' };
  if (v.orderId !== expect.orderId || v.requestId !== expect.requestId) {
    return { kind: 'no_answer', code: 'LT_MOMO_ECHO_MISMATCH', message: 'answer does not echo our orderId/requestId' };
  }
  const result = momoResult(v.resultCode as number);
  switch (result.category) {
    case 'success':
      if (typeof v.amount !== 'number' || v.amount <= 0 || v.transId === undefined) {
        return { kind: 'no_answer', code: 'LT_MOMO_MALFORMED', message: 'paid answer without amount or transId', result };
      }
      return { kind: 'paid', amountVnd: v.amount, transId: String(v.transId), payType: String(v.payType ?? ''), result };
    case 'pending':
      return { kind: 'pending', result };
    case 'payment_failed':
      return { kind: 'failed', result };
    case 'authorized':
    case 'refund_error':
    case 'unknown':
      return { kind: 'needs_review', result };
    default:
      // request_error / system_error: the query itself failed; it says nothing about the payment.
      return { kind: 'no_answer', code: 'LT_MOMO_REJECTED', message: `query refused with resultCode ${result.code}`, result };
  }
}
