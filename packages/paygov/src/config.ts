import { isHttpUrl, secretProblem } from '@lienthong/protocol-kit';
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
  const secret = secretProblem(s);
  if (secret) problems.push({ field: 'secret', reason: secret });
  else if ((s as string).includes('|')) problems.push({ field: 'secret', reason: "must not contain '|', the chain separator" });
  if (problems.length) {
    throw new PaygovError(
      'LT_PAYGOV_INVALID_CONFIG',
      `invalid PayGov partner config: ${problems.map((p) => `${p.field} ${p.reason}`).join('; ')}`,
      problems,
    );
  }
  return { maDoiTac: cfg.maDoiTac as string, secret: s as string };
}

/** Re-exported: the package's users (and its own modules) check URLs with it. */
export { isHttpUrl };
