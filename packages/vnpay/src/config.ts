import { isHttpUrl, secretProblem } from '@lienthong/protocol-kit';
import { VnpayError, type VnpayErrorDetail } from './errors.js';
import { VNPAY_SANDBOX_ENDPOINTS } from './endpoints.js';

/** One VNPAY terminal (a merchant account); the hub has one per agency, routed by `vnp_TmnCode` [V1][V4]. */
export interface VnpaySignerConfig {
  /** `vnp_TmnCode`, Alphanumeric[8] [V1]. */
  tmnCode: string;
  /** `vnp_HashSecret`, the HMAC-SHA512 key. Never logged; the signer does not expose it. */
  hashSecret: string;
  /** Payment page URL; defaults to the sandbox [V1]. Production must set it. */
  paymentUrl?: string;
}

export interface ValidVnpayConfig {
  tmnCode: string;
  hashSecret: string;
  paymentUrl: string;
}

const TMN_CODE = /^[A-Za-z0-9]{8}$/;

/** Checks a terminal configuration, listing every problem at once; throws LT_VNPAY_INVALID_CONFIG. */
export function validateVnpayConfig(input: unknown): ValidVnpayConfig {
  const problems: VnpayErrorDetail[] = [];
  const cfg = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  if (input === null || typeof input !== 'object') problems.push({ field: '', reason: 'config must be an object' });
  const { tmnCode, hashSecret } = cfg;
  const paymentUrl = cfg.paymentUrl ?? VNPAY_SANDBOX_ENDPOINTS.paymentUrl;
  if (typeof tmnCode !== 'string' || !TMN_CODE.test(tmnCode)) {
    problems.push({ field: 'tmnCode', reason: 'must be 8 letters or digits (Alphanumeric[8])' });
  }
  const secret = secretProblem(hashSecret);
  if (secret) problems.push({ field: 'hashSecret', reason: secret });
  if (!isHttpUrl(paymentUrl)) problems.push({ field: 'paymentUrl', reason: 'must be an http(s) URL' });
  if (problems.length) {
    throw new VnpayError(
      'LT_VNPAY_INVALID_CONFIG',
      `invalid VNPAY terminal config: ${problems.map((p) => `${p.field || '(root)'} ${p.reason}`).join('; ')}`,
      problems,
    );
  }
  return { tmnCode: tmnCode as string, hashSecret: hashSecret as string, paymentUrl: paymentUrl as string };
}

/** Re-exported: the package's users (and its own modules) check URLs with it. */
export { isHttpUrl };
