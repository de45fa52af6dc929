import { isHttpUrl, secretProblem } from '@lienthong/protocol-kit';
import { MomoError, type MomoErrorDetail } from './errors.js';

/** One MoMo partner account; the hub has one per agency, routed by `partnerCode`. */
export interface MomoSignerConfig {
  partnerCode: string;
  /** In the signed string, never in a body [M1]. */
  accessKey: string;
  /** The HMAC-SHA256 key. Never logged; the signer does not expose it. */
  secretKey: string;
}

const PARTNER = /^[A-Za-z0-9_-]{1,50}$/;

/** Checks a partner configuration, listing every problem; throws LT_MOMO_INVALID_CONFIG. */
export function validateMomoConfig(input: unknown): MomoSignerConfig {
  const problems: MomoErrorDetail[] = [];
  if (input === null || typeof input !== 'object') problems.push({ field: '(root)', reason: 'config must be an object' });
  const cfg = (input ?? {}) as Record<string, unknown>;
  if (typeof cfg.partnerCode !== 'string' || !PARTNER.test(cfg.partnerCode)) {
    problems.push({ field: 'partnerCode', reason: 'must be 1-50 letters, digits, _ or - (String(50))' });
  }
  for (const field of ['accessKey', 'secretKey'] as const) {
    const problem = secretProblem(cfg[field]);
    if (problem) problems.push({ field, reason: problem });
  }
  if (problems.length) {
    throw new MomoError(
      'LT_MOMO_INVALID_CONFIG',
      `invalid MoMo partner config: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
      problems,
    );
  }
  return { partnerCode: cfg.partnerCode as string, accessKey: cfg.accessKey as string, secretKey: cfg.secretKey as string };
}

/** Re-exported: the package's users (and its own modules) check URLs with it. */
export { isHttpUrl };
