import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuseDemoSecrets } from '@lienthong/platform';
import type { PaymentsConfig } from './config.js';

/** The sandbox's merchants file shipped with the repository (simulator credentials, never real). */
export const DEMO_MERCHANTS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'demo',
  'merchants.sandbox.json',
);

/** Every secret-looking string of a merchants file (any key named like a secret), for comparison only. */
function secretsOf(json: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(json)) for (const v of json) secretsOf(v, out);
  else if (json && typeof json === 'object') {
    for (const [k, v] of Object.entries(json)) {
      if (typeof v === 'string' && /secret|key|password/i.test(k)) out.add(v);
      else secretsOf(v, out);
    }
  }
  return out;
}

/**
 * Whether the merchants file at `file` is (or copies a secret of) the sandbox's demo file: the same file,
 * or any of its secrets reused, so a renamed copy is caught too.
 */
export function usesDemoMerchants(file: string, demoFile = DEMO_MERCHANTS_FILE): boolean {
  let demo: Set<string>;
  try {
    if (realpathSync(file) === realpathSync(demoFile)) return true;
    demo = secretsOf(JSON.parse(readFileSync(demoFile, 'utf8')));
  } catch {
    // No demo file beside the code (a production image without it): only the name can tell.
    return path.basename(file) === path.basename(demoFile);
  }
  try {
    for (const s of secretsOf(JSON.parse(readFileSync(file, 'utf8')))) if (demo.has(s)) return true;
  } catch {
    // Unreadable or not JSON: loadMerchants reports it with its own error.
  }
  return false;
}

type DemoRelevantConfig = Pick<
  PaymentsConfig,
  'PAYMENTS_MERCHANTS_FILE' | 'VNPAY_PAYMENT_URL' | 'VNPAY_API_URL' | 'MOMO_API_URL' | 'PAYGOV_INIT_URL' | 'PAYGOV_QUERY_URL'
> &
  Partial<Record<string, unknown>>;

/**
 * Refuses the sandbox merchants file when NODE_ENV=production or when any provider URL is not the
 * sandbox's (issue 17 §2). Throws LT_CONFIG_DEMO_SECRETS naming PAYMENTS_MERCHANTS_FILE and the reason.
 */
export function refuseDemoMerchants(config: DemoRelevantConfig, nodeEnv: string | undefined, demoFile?: string): void {
  const demo = usesDemoMerchants(config.PAYMENTS_MERCHANTS_FILE, demoFile);
  const peerUrls = Object.entries(config)
    .filter(([k, v]) => /_URL$/.test(k) && k !== 'PAYMENTS_PUBLIC_URL' && k !== 'DATABASE_URL' && typeof v === 'string')
    .map(([setting, url]) => ({ setting, url: url as string }));
  refuseDemoSecrets({
    nodeEnv,
    demoSecrets: demo ? [{ setting: 'PAYMENTS_MERCHANTS_FILE', what: 'the sandbox merchants file' }] : [],
    peerUrls,
  });
}
