import { hexSignatureEquals } from '@lienthong/protocol-kit';
import { MomoError, type MomoRejectionCode } from './errors.js';
import { assertMomoAmountFor } from './amount.js';
import { isHttpUrl } from './config.js';
import { isMomoRequestType, type MomoRequestType } from './request-types.js';
import { momoHmac, momoRawString } from './raw-signature.js';
import { readMomoBody } from './body-reader.js';
import { momoResult, type MomoResultInfo } from './result-codes.js';

type Partner = { partnerCode: string; accessKey: string; secretKey: string };

/** A one-time payment to create at MoMo [M1] (§2.1). */
export interface MomoCreateRequest {
  /** `^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$`, ≤ 200, unique per partner [M1]. */
  orderId: string;
  /** Unique per request, ≤ 50; MoMo's idempotency key [M1]. */
  requestId: string;
  amountVnd: number;
  /** ≤ 255 characters. */
  orderInfo: string;
  /** Browser redirect (display only, §0). */
  redirectUrl: string;
  /** Server-to-server notification URL, taken per request [M1]. */
  ipnUrl: string;
  /** Default `captureWallet`. */
  requestType?: MomoRequestType;
  /** Base64 of JSON, ≤ 1000; "" when none [M1]. */
  extraData?: string;
  lang?: 'vi' | 'en';
  /** Default true at MoMo; false → 9000 then confirm/cancel [M1]. */
  autoCapture?: boolean;
  /** ≤ 200, e.g. the dossier code (MaHoSo) [M1]. */
  referenceId?: string;
}

/** The JSON body POSTed to `/v2/gateway/api/create`. */
export interface MomoCreateBody {
  readonly partnerCode: string;
  readonly requestId: string;
  readonly amount: number;
  readonly orderId: string;
  readonly orderInfo: string;
  readonly redirectUrl: string;
  readonly ipnUrl: string;
  readonly requestType: MomoRequestType;
  readonly extraData: string;
  readonly lang: 'vi' | 'en';
  readonly autoCapture?: boolean;
  readonly referenceId?: string;
  readonly signature: string;
}

export const MOMO_ORDER_ID_PATTERN = /^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$/;
const REQUEST_ID = /^[0-9a-zA-Z_.-]{1,50}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bad(field: string, reason: string): never {
  throw new MomoError('LT_MOMO_INVALID_INPUT', `invalid ${field}: ${reason}`, [{ field, reason }]);
}

/** Builds and signs a create request [M1]. Pure. Throws MomoError on bad input. */
export function buildMomoCreate(partner: Partner, req: MomoCreateRequest): MomoCreateBody {
  if (req === null || typeof req !== 'object') bad('request', 'must be an object');
  const requestType = req.requestType ?? 'captureWallet';
  if (!isMomoRequestType(requestType)) bad('requestType', 'unsupported');
  assertMomoAmountFor(requestType, req.amountVnd);
  if (typeof req.orderId !== 'string' || req.orderId.length > 200 || !MOMO_ORDER_ID_PATTERN.test(req.orderId)) {
    bad('orderId', 'must match ^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$ and be at most 200 characters');
  }
  if (typeof req.requestId !== 'string' || !REQUEST_ID.test(req.requestId)) bad('requestId', 'must be 1-50 of 0-9 a-z A-Z _ . -');
  if (typeof req.orderInfo !== 'string' || req.orderInfo.trim() === '' || req.orderInfo.length > 255)
    bad('orderInfo', 'must be 1-255 characters');
  if (!isHttpUrl(req.redirectUrl)) bad('redirectUrl', 'must be an http(s) URL');
  if (!isHttpUrl(req.ipnUrl)) bad('ipnUrl', 'must be an http(s) URL');
  const extraData = req.extraData ?? '';
  if (typeof extraData !== 'string' || extraData.length > 1000 || !BASE64.test(extraData))
    bad('extraData', 'must be base64, at most 1000 characters');
  const lang = req.lang ?? 'vi';
  if (lang !== 'vi' && lang !== 'en') bad('lang', "must be 'vi' or 'en'");
  if (req.referenceId !== undefined && (typeof req.referenceId !== 'string' || req.referenceId.length > 200))
    bad('referenceId', 'at most 200 characters');
  if (req.autoCapture !== undefined && typeof req.autoCapture !== 'boolean') bad('autoCapture', 'must be a boolean');
  const fields = {
    partnerCode: partner.partnerCode,
    requestId: req.requestId,
    amount: req.amountVnd,
    orderId: req.orderId,
    orderInfo: req.orderInfo,
    redirectUrl: req.redirectUrl,
    ipnUrl: req.ipnUrl,
    requestType,
    extraData,
    lang,
  };
  const signature = momoHmac(partner.secretKey, momoRawString('create', { ...fields, accessKey: partner.accessKey }));
  return Object.freeze({
    ...fields,
    ...(req.autoCapture === undefined ? {} : { autoCapture: req.autoCapture }),
    ...(req.referenceId === undefined ? {} : { referenceId: req.referenceId }),
    signature,
  });
}

/** What a create answer means. Only a signed `resultCode` 0 carries a usable payUrl. */
export type MomoCreateOutcome =
  | { ok: true; payUrl: string; deeplink: string | undefined; qrCodeUrl: string | undefined; responseTime: number }
  | { ok: false; code: 'LT_MOMO_REJECTED'; result: MomoResultInfo; message: string }
  | { ok: false; code: Exclude<MomoRejectionCode, 'LT_MOMO_REJECTED'>; message: string };

/**
 * Verifies a create answer against what we sent (`expect`). A refusal (resultCode ≠ 0) is reported with its
 * table entry whether or not it is signed: it gives the customer no payUrl, so trusting it cannot mark
 * anything paid. A success must be signed over the create-response string [M1] and echo our request.
 */
export function verifyMomoCreateResponse(
  partner: Partner,
  body: unknown,
  expect: { orderId: string; requestId: string; amountVnd: number },
): MomoCreateOutcome {
  const head = readMomoBody(body, { resultCode: 'integer' }, { message: 'string' });
  if (!head.ok) return { ok: false, code: 'LT_MOMO_MALFORMED', message: head.reason };
  const resultCode = head.values.resultCode as number;
  if (resultCode !== 0) {
    return { ok: false, code: 'LT_MOMO_REJECTED', result: momoResult(resultCode), message: String(head.values.message ?? '') };
  }
  const r = readMomoBody(
    body,
    {
      partnerCode: 'string',
      requestId: 'string',
      orderId: 'string',
      amount: 'integer',
      responseTime: 'integer',
      resultCode: 'integer',
      payUrl: 'string',
    },
    { signature: 'string', deeplink: 'string', qrCodeUrl: 'string' },
  );
  if (!r.ok) return { ok: false, code: 'LT_MOMO_MALFORMED', message: r.reason };
  const v = r.values;
  if (!v.signature) return { ok: false, code: 'LT_MOMO_SIGNATURE_MISSING', message: 'create answer is not signed' };
  const expected = momoHmac(partner.secretKey, momoRawString('createResponse', { ...v, accessKey: partner.accessKey }));
  if (!hexSignatureEquals(expected, v.signature))
    return { ok: false, code: 'LT_MOMO_SIGNATURE_MISMATCH', message: 'create answer signature does not match' };
  if (v.partnerCode !== partner.partnerCode)
    return { ok: false, code: 'LT_MOMO_PARTNER_MISMATCH', message: 'answer is for another partner' };
  if (v.orderId !== expect.orderId || v.requestId !== expect.requestId || v.amount !== expect.amountVnd) {
    return { ok: false, code: 'LT_MOMO_ECHO_MISMATCH', message: 'answer does not echo our orderId/requestId/amount' };
  }
  if (!isHttpUrl(v.payUrl)) return { ok: false, code: 'LT_MOMO_MALFORMED', message: 'payUrl is not an http(s) URL' };
  return {
    ok: true,
    payUrl: v.payUrl as string,
    deeplink: (v.deeplink as string | undefined) || undefined,
    qrCodeUrl: (v.qrCodeUrl as string | undefined) || undefined,
    responseTime: v.responseTime as number,
  };
}
