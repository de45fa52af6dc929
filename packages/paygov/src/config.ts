import { PaygovError, type PaygovErrorDetail } from './errors.js';

/** One partner account at the payment platform; the hub has one per agency, routed by `MaDoiTac`. */
export interface PaygovSignerConfig {
  /** `MaDoiTac`, ≤ 50 [T6]; OpenCPS uses the agency code, e.g. `000.00.01.H22` [S5]. */
  maDoiTac: string;
  /** The partner secret appended to every MaXacThuc chain. Never logged; the signer does not expose it. */
  secret: string;
}

const MA_DOI_TAC = /^[A-Za-z0-9._-]{1,50}$/;

/** Checks a partner configuration, listing every problem; throws LT_PAYGOV_INVALID_CONFIG. */
export function validatePaygovConfig(input: unknown): PaygovSignerConfig {
  const problems: PaygovErrorDetail[] = [];
  if (input === null || typeof input !== 'object') problems.push({ field: '(root)', reason: 'config must be an object' });
  const cfg = (input ?? {}) as Record<string, unknown>;
  if (typeof cfg.maDoiTac !== 'string' || !MA_DOI_TAC.test(cfg.maDoiTac)) {
    problems.push({ field: 'maDoiTac', reason: 'must be 1-50 letters, digits, . _ or -' });
  }
  const s = cfg.secret;
  if (typeof s !== 'string' || s.length < 8 || s.length > 256) problems.push({ field: 'secret', reason: 'must be a string of 8-256 characters' });
  else if (s.trim() !== s) problems.push({ field: 'secret', reason: 'has leading or trailing whitespace' });
  else if (s.includes('|')) problems.push({ field: 'secret', reason: "must not contain '|', the chain separator" });
  if (problems.length) {
    throw new PaygovError('LT_PAYGOV_INVALID_CONFIG', `invalid PayGov partner config: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`, problems);
  }
  return { maDoiTac: cfg.maDoiTac as string, secret: s as string };
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
