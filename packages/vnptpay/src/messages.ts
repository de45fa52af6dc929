import { formatGmt7Stamp, hexSignatureEquals, isHttpUrl, secretProblem } from '@lienthong/protocol-kit';
import { computeResponseSecureCode, computeSecureCode } from './secure-code.js';
import { VNPTPAY_IPN_REPLY_CODES, VNPTPAY_TRANSACTION_STATUS, type VnptpayIpnReplyKind } from './codes.js';
import { VnptpayError, type VnptpayRejection } from './errors.js';

/** One VNPT Pay merchant service (per agency, from the merchants file). */
export interface VnptpayMerchant {
  /** MERCHANT_SERVICE_ID, e.g. `470` [VP1–VP4]. */
  merchantServiceId: string;
  /** SECRET_KEY: only hashes [VP1]. */
  secretKey: string;
  /** API_KEY sent as `Authorization: Bearer` [VP1][VP4]. */
  apiKey: string;
}

export interface VnptpayInitRequest {
  orderId: string;
  /** Whole VND (no ×100) [VP1]. */
  amount: number;
  description: string;
  createdAt: Date;
  clientIp: string;
  locale?: 'vi-VN' | 'en-US';
}

export type VnptpayMessage = Readonly<Record<string, string>>;

const ORDER_ID = /^[A-Za-z0-9_-]{1,50}$/;
const IPV = /^[0-9A-Fa-f:.]{3,45}$/;

/** ASCII-only, no pipe (the hash chain's separator), ≤ 255 characters: VNPT Pay DESCRIPTION [VP4]. */
export function vnptpayDescription(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|\|/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

export function validateVnptpayMerchant(m: VnptpayMerchant): VnptpayMerchant {
  const details: { field: string; reason: string }[] = [];
  if (typeof m.merchantServiceId !== 'string' || !/^[0-9A-Za-z_-]{1,30}$/.test(m.merchantServiceId))
    details.push({ field: 'merchantServiceId', reason: 'must be 1-30 letters or digits' });
  const s = secretProblem(m.secretKey);
  if (s) details.push({ field: 'secretKey', reason: s });
  if (typeof m.secretKey === 'string' && m.secretKey.includes('|'))
    details.push({ field: 'secretKey', reason: "must not contain '|'" });
  const a = typeof m.apiKey === 'string' && m.apiKey.length >= 8 && m.apiKey.length <= 4096 && !/\s/.test(m.apiKey);
  if (!a) details.push({ field: 'apiKey', reason: 'must be 8-4096 characters without whitespace' });
  if (details.length) throw new VnptpayError('LT_VNPTPAY_INVALID_CONFIG', 'invalid VNPT Pay merchant', details);
  return m;
}

/** INIT v1.0.5, fields in the order of [VP1][VP2], SECURE_CODE last. Throws VnptpayError on bad input. */
export function buildVnptpayInit(m: VnptpayMerchant, r: VnptpayInitRequest): VnptpayMessage {
  const details: { field: string; reason: string }[] = [];
  if (!ORDER_ID.test(r.orderId)) details.push({ field: 'orderId', reason: 'must be 1-50 of [A-Za-z0-9_-]' });
  if (!Number.isSafeInteger(r.amount) || r.amount < 1)
    details.push({ field: 'amount', reason: 'must be a positive integer (VND)' });
  if (!IPV.test(r.clientIp)) details.push({ field: 'clientIp', reason: 'must be an IP address' });
  const createDate = formatGmt7Stamp(r.createdAt);
  if (!createDate) details.push({ field: 'createdAt', reason: 'invalid date' });
  if (details.length) throw new VnptpayError('LT_VNPTPAY_INVALID_INPUT', 'invalid VNPT Pay INIT request', details);
  const values: Record<string, string> = {
    ACTION: 'INIT',
    VERSION: '1.0.5',
    MERCHANT_SERVICE_ID: m.merchantServiceId,
    MERCHANT_ORDER_ID: r.orderId,
    AMOUNT: String(r.amount),
    AMOUNT_DETAIL: String(r.amount),
    SERVICE_ID: '1',
    DEVICE: '1',
    LOCALE: r.locale ?? 'vi-VN',
    CURRENCY_CODE: 'VND',
    PAYMENT_METHOD: 'VNPTPAY',
    DESCRIPTION: vnptpayDescription(r.description),
    CREATE_DATE: createDate as string,
    CLIENT_IP: r.clientIp,
  };
  return Object.freeze({ ...values, SECURE_CODE: computeSecureCode('init-1.0.5', values, m.secretKey) });
}

/** QUERY: `CREATE_DATE` is the ORIGINAL create date of the order [VP1][VP4]. */
export function buildVnptpayQuery(
  m: VnptpayMerchant,
  r: { orderId: string; createDate: string; version?: '1.0.5' | '1.0.6' },
): VnptpayMessage {
  if (!ORDER_ID.test(r.orderId) || !/^\d{14}$/.test(r.createDate))
    throw new VnptpayError('LT_VNPTPAY_INVALID_INPUT', 'invalid VNPT Pay QUERY request', [
      { field: 'orderId/createDate', reason: 'bad format' },
    ]);
  const values = {
    ACTION: 'QUERY',
    VERSION: r.version ?? '1.0.5',
    MERCHANT_SERVICE_ID: m.merchantServiceId,
    MERCHANT_ORDER_ID: r.orderId,
    CREATE_DATE: r.createDate,
  };
  return Object.freeze({ ...values, SECURE_CODE: computeSecureCode('query', values, m.secretKey) });
}

export type VnptpayInitOutcome =
  { ok: true; redirectUrl: string; signatureVerified: boolean } | { ok: false; code: string; description: string };

/**
 * Reads the INIT answer. The response hash rule is inferred from one integration (§1.3) [inf], so a
 * mismatch is reported (`signatureVerified: false`, the adapter warns) rather than refused; the redirect
 * URL must still be an http(s) URL.
 */
export function readVnptpayInitReply(m: VnptpayMerchant, body: unknown): VnptpayInitOutcome {
  if (!isRecord(body)) return { ok: false, code: 'MALFORMED', description: 'not a JSON object' };
  const code = str(body.RESPONSE_CODE);
  if (code !== '00') return { ok: false, code: code || 'MISSING', description: str(body.DESCRIPTION).slice(0, 200) };
  const url = body.REDIRECT_URL;
  if (!isHttpUrl(url)) return { ok: false, code: 'MALFORMED', description: 'REDIRECT_URL missing or not a URL' };
  return {
    ok: true,
    redirectUrl: url,
    signatureVerified: hexSignatureEquals(computeResponseSecureCode(body, m.secretKey), body.SECURE_CODE),
  };
}

/** A verified verdict about one order, provider-neutral enough for the payments adapter. */
export type VnptpayVerdict =
  | { kind: 'paid'; amount: number; transactionId: string; code: string; payDate?: string }
  | { kind: 'failed'; code: string; amount?: number; transactionId?: string }
  | { kind: 'pending'; code: string }
  | { kind: 'not_found'; code: string }
  | { kind: 'unknown'; code: string };

export type VnptpayIpnCheck =
  | { ok: true; merchantServiceId: string; orderId: string; verdict: VnptpayVerdict; fields: Readonly<Record<string, string>> }
  | { ok: false; reason: VnptpayRejection; message: string; merchantServiceId?: string; orderId?: string };

/**
 * The IPN body in either transport seen in practice [VP3][VP4] (§1.5): a form whose field `data` holds the
 * JSON (the caller passes the decoded form object), or the JSON itself. Returns the flat field record.
 */
export function vnptpayIpnFields(body: unknown): Record<string, string> | undefined {
  let obj: unknown = body;
  if (isRecord(body) && typeof body.data === 'string' && Object.keys(body).length === 1) {
    if (body.data.length > 16_384) return undefined;
    try {
      obj = JSON.parse(body.data);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(obj)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (!/^[A-Z_]{1,40}$/.test(k)) return undefined;
    if (typeof v === 'string' && v.length <= 1000) out[k] = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) out[k] = String(v);
    else if (v !== null && v !== undefined) return undefined;
  }
  return out;
}

/**
 * Verifies an IPN (signature over the 10 fields, constant-time). `secretOf` finds the merchant service's
 * secret (undefined → unknown merchant). Paid iff RESPONSE_CODE = `00` [VP3][VP4]. Never throws.
 */
export function verifyVnptpayIpn(body: unknown, secretOf: (merchantServiceId: string) => string | undefined): VnptpayIpnCheck {
  const f = vnptpayIpnFields(body);
  if (!f) return { ok: false, reason: 'malformed', message: 'not a VNPT Pay notification (JSON or form field data)' };
  const msid = f.MERCHANT_SERVICE_ID;
  const orderId = f.MERCHANT_ORDER_ID;
  if (!msid || !orderId || !f.RESPONSE_CODE)
    return { ok: false, reason: 'malformed', message: 'MERCHANT_SERVICE_ID, MERCHANT_ORDER_ID and RESPONSE_CODE are required' };
  const secret = secretOf(msid);
  if (!secret)
    return { ok: false, reason: 'unknown_merchant', message: 'unknown MERCHANT_SERVICE_ID', merchantServiceId: msid, orderId };
  if (!f.SECURE_CODE || !hexSignatureEquals(computeSecureCode('ipn', f, secret), f.SECURE_CODE))
    return { ok: false, reason: 'bad_signature', message: 'SECURE_CODE does not match', merchantServiceId: msid, orderId };
  const amount = /^[0-9]{1,15}$/.test(f.AMOUNT ?? '') ? Number(f.AMOUNT) : undefined;
  let verdict: VnptpayVerdict;
  if (f.RESPONSE_CODE === '00') {
    if (amount === undefined || !f.VNPTPAY_TRANSACTION_ID)
      return {
        ok: false,
        reason: 'malformed',
        message: 'a paid IPN needs AMOUNT and VNPTPAY_TRANSACTION_ID',
        merchantServiceId: msid,
        orderId,
      };
    verdict = {
      kind: 'paid',
      amount,
      transactionId: f.VNPTPAY_TRANSACTION_ID,
      code: '00',
      ...(f.PAY_DATE ? { payDate: f.PAY_DATE } : {}),
    };
  } else {
    verdict = {
      kind: 'failed',
      code: f.RESPONSE_CODE,
      ...(amount !== undefined ? { amount } : {}),
      ...(f.VNPTPAY_TRANSACTION_ID ? { transactionId: f.VNPTPAY_TRANSACTION_ID } : {}),
    };
  }
  return { ok: true, merchantServiceId: msid, orderId, verdict, fields: f };
}

/** The signed IPN reply [VP4]: RESPONSE_CODE, DESCRIPTION, MERCHANT_SERVICE_ID, MERCHANT_ORDER_ID, CREATE_DATE (now), SECURE_CODE. */
export function buildVnptpayIpnReply(
  kind: VnptpayIpnReplyKind,
  about: { merchantServiceId?: string; orderId?: string },
  secret: string | undefined,
  now: Date,
): VnptpayMessage {
  const r = VNPTPAY_IPN_REPLY_CODES[kind];
  const values = {
    RESPONSE_CODE: r.code,
    DESCRIPTION: r.description,
    MERCHANT_SERVICE_ID: about.merchantServiceId ?? '',
    MERCHANT_ORDER_ID: about.orderId ?? '',
    CREATE_DATE: formatGmt7Stamp(now) as string,
  };
  // Without a known merchant there is no secret to sign with: the reply goes unsigned (VNPT Pay cannot
  // verify it either way, and we never sign with another merchant's secret).
  return Object.freeze(secret ? { ...values, SECURE_CODE: computeSecureCode('ipn-reply', values, secret) } : values);
}

export type VnptpayQueryOutcome =
  { kind: 'answer'; verdict: VnptpayVerdict } | { kind: 'no_answer'; reason: string; code?: string };

/**
 * Reads a QUERY answer. Only a verified answer may change a payment: the response hash (all fields in
 * received order, then the secret [VP3][inf]) must match, else `no_answer`. `05` = not found [VP3].
 */
export function readVnptpayQueryResponse(m: VnptpayMerchant, body: unknown, expect: { orderId: string }): VnptpayQueryOutcome {
  if (!isRecord(body)) return { kind: 'no_answer', reason: 'not a JSON object' };
  const code = str(body.RESPONSE_CODE);
  if (!hexSignatureEquals(computeResponseSecureCode(body, m.secretKey), body.SECURE_CODE))
    return { kind: 'no_answer', reason: 'SECURE_CODE of the answer does not match', code };
  if (str(body.MERCHANT_ORDER_ID) && str(body.MERCHANT_ORDER_ID) !== expect.orderId)
    return { kind: 'no_answer', reason: 'answer is about another order', code };
  if (code === '05') return { kind: 'answer', verdict: { kind: 'not_found', code } };
  if (code !== '00') return { kind: 'no_answer', reason: `RESPONSE_CODE ${code || 'missing'}`, code };
  const status = str(body.TRANSACTION_STATUS);
  const amount = /^[0-9]{1,15}$/.test(str(body.AMOUNT)) ? Number(body.AMOUNT) : undefined;
  const txn = str(body.VNPTPAY_TRANSACTION_ID);
  if (status === VNPTPAY_TRANSACTION_STATUS.paid && amount !== undefined && txn)
    return { kind: 'answer', verdict: { kind: 'paid', amount, transactionId: txn, code: status } };
  if (status === VNPTPAY_TRANSACTION_STATUS.failed) return { kind: 'answer', verdict: { kind: 'failed', code: status } };
  if (status === VNPTPAY_TRANSACTION_STATUS.pending) return { kind: 'answer', verdict: { kind: 'pending', code: status } };
  return { kind: 'answer', verdict: { kind: 'unknown', code: status || 'missing' } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
