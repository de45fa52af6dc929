import { hexSignatureEquals } from '@lienthong/protocol-kit';
import type { MomoRejectionCode } from './errors.js';
import { momoHmac, momoRawString } from './raw-signature.js';
import { readMomoBody } from './body-reader.js';
import { momoResult, type MomoResultInfo } from './result-codes.js';

type Partner = { partnerCode: string; accessKey: string; secretKey: string };

/** A verified IPN (or redirect) [M1][M2] (§2.3). */
export interface MomoIpn {
  partnerCode: string;
  orderId: string;
  requestId: string;
  amountVnd: number;
  orderInfo: string;
  orderType: string;
  /** MoMo's transaction id, part of the idempotency key (§0). A string, so a Long never loses digits downstream. */
  transId: string;
  resultCode: number;
  result: MomoResultInfo;
  message: string;
  payType: string;
  /** Milliseconds since the epoch. */
  responseTime: number;
  extraData: string;
  /** Paid iff resultCode is 0. `9000` (authorized) is not paid: it needs a capture (autoCapture=false only) [M1]. */
  paid: boolean;
}

export type MomoIpnResult = { ok: true; ipn: MomoIpn } | { ok: false; code: MomoRejectionCode; message: string };

/** Fields of the IPN signature that must be present; the others are signed as `k=` when absent [M1]. */
const REQUIRED = {
  partnerCode: 'string',
  orderId: 'string',
  requestId: 'string',
  amount: 'integer',
  transId: 'integer',
  resultCode: 'integer',
  responseTime: 'integer',
  signature: 'string',
} as const;
const OPTIONAL = { orderInfo: 'string', orderType: 'string', message: 'string', payType: 'string', extraData: 'string' } as const;

/**
 * Verifies an IPN body (already parsed JSON) for one partner. Never throws. The caller then matches
 * partnerCode/orderId/amount against its ledger [M2] and answers HTTP 204 with an empty body (MOMO_IPN_ACK_STATUS).
 */
export function verifyMomoIpn(partner: Partner, body: unknown): MomoIpnResult {
  const sig = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).signature : undefined;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && (sig === undefined || sig === '')) {
    return { ok: false, code: 'LT_MOMO_SIGNATURE_MISSING', message: 'signature is missing' };
  }
  const r = readMomoBody(body, REQUIRED, OPTIONAL);
  if (!r.ok) return { ok: false, code: 'LT_MOMO_MALFORMED', message: r.reason };
  const v = r.values;
  if (v.partnerCode !== partner.partnerCode)
    return { ok: false, code: 'LT_MOMO_PARTNER_MISMATCH', message: 'IPN is for another partner' };
  const expected = momoHmac(partner.secretKey, momoRawString('ipn', { ...v, accessKey: partner.accessKey }));
  if (!hexSignatureEquals(expected, v.signature))
    return { ok: false, code: 'LT_MOMO_SIGNATURE_MISMATCH', message: 'signature does not match' };
  const amount = v.amount as number;
  if (amount < 0) return { ok: false, code: 'LT_MOMO_MALFORMED', message: 'amount is negative' };
  const resultCode = v.resultCode as number;
  return {
    ok: true,
    ipn: {
      partnerCode: v.partnerCode as string,
      orderId: v.orderId as string,
      requestId: v.requestId as string,
      amountVnd: amount,
      orderInfo: (v.orderInfo as string | undefined) ?? '',
      orderType: (v.orderType as string | undefined) ?? '',
      transId: String(v.transId),
      resultCode,
      result: momoResult(resultCode),
      message: (v.message as string | undefined) ?? '',
      payType: (v.payType as string | undefined) ?? '',
      responseTime: v.responseTime as number,
      extraData: (v.extraData as string | undefined) ?? '',
      paid: resultCode === 0,
    },
  };
}

/**
 * Reads `partnerCode` from an untrusted IPN body without trusting anything else, so a multi-tenant endpoint
 * can pick the partner's keys before verifying.
 */
export function readMomoPartnerCode(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const v = (body as Record<string, unknown>).partnerCode;
  return typeof v === 'string' && /^[A-Za-z0-9_-]{1,50}$/.test(v) ? v : undefined;
}
