import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuseDemoSecrets } from '@lienthong/platform';
import type { PaymentsConfig } from './config.js';

/**
 * The sandbox's merchants file shipped with the repository (simulator credentials, never real). For tests and
 * tools only: detection below never reads it, because the production image does not have it (Dockerfile).
 */
export const DEMO_MERCHANTS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'demo',
  'merchants.sandbox.json',
);

/**
 * SHA-256 (hex) of every credential and merchant code of the sandbox's demo merchants: those of
 * demo/merchants.sandbox.json, which are also the sandbox peers' defaults (services/sandbox/src/peers/<peer>/config.ts)
 * and what infra/docker-compose.yml's sandbox profile gives them. They are public in this repository, so never
 * real; kept as hashes so the production image carries no secret-looking strings. demo-secrets.test.ts checks the
 * list against the demo file, so a new demo secret cannot be left out.
 */
const SANDBOX_MERCHANT_VALUE_SHA256: ReadonlySet<string> = new Set([
  '1990d0662ac9b29bd979c76d2c2f3f2eb736bd6efc086ececb951553ebc1fcfc', // VNPAY tmnCode
  '0991195fdffcf5b47abd2285c618b13693f907e4ee400a2365312df2416c7f82', // VNPAY hashSecret
  '53834c6adfcd8c8b7f98fea98b541f0c780a28cb90fad47d7443ddf7e830aea7', // MoMo partnerCode
  '93840a822c4a125cca7b356b0e126ff10f514c4744699e2253dc8f3d529a9487', // MoMo accessKey
  'bcaced3980be2c2ed0d7fbe8b4d2bb2094aaff9955c133548800ea240b7db79d', // MoMo secretKey
  'bfb2d608be4a4593b55ca04306b39ae87346785f5b40e160dfca8383a7366ddc', // PayGov secretKey
  '027d59335aa7304618d7f1511c1064d0ce93a63b5c60450a215a05306ae0c746', // VNPT Pay secretKey
  '54a30ce5327468f5c956441816bac5f7a07f5cdfbf1bc5211b2c660c3e5c58c3', // VNPT Pay apiKey
  '20401be8846ea5eae3adfe1e0d1d482589adee9d57f91f21ec46998eae3ef4a1', // payOS checksumKey
  '740a3e5c85759e438e19cc0adf06e96726858b819ceb45e3e02b35a9150408dc', // SePay apiKey
]);

/** Whether `value` is one of the sandbox demo merchants' credentials or codes. */
export function isSandboxMerchantValue(value: string): boolean {
  return SANDBOX_MERCHANT_VALUE_SHA256.has(createHash('sha256').update(value, 'utf8').digest('hex'));
}

/** Every string of a parsed JSON document, keys excluded, at any depth. */
function* stringsOf(json: unknown): Generator<string> {
  const stack: unknown[] = [json];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') yield v;
    else if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') stack.push(...Object.values(v));
  }
}

/**
 * Whether the merchants file at `file` holds any sandbox demo credential or merchant code, under any key: by
 * CONTENT, so the demo file is recognised wherever it is mounted and whatever it is called (compose mounts every
 * merchants file at /run/config/merchants.json), as is a real file that reuses one demo value, and whether or not
 * the demo folder exists beside the code. An unreadable or non-JSON file is not judged here: loadMerchants
 * refuses it with its own error.
 */
export function usesDemoMerchants(file: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  for (const s of stringsOf(json)) if (isSandboxMerchantValue(s)) return true;
  return false;
}

type DemoRelevantConfig = Pick<
  PaymentsConfig,
  'PAYMENTS_MERCHANTS_FILE' | 'VNPAY_PAYMENT_URL' | 'VNPAY_API_URL' | 'MOMO_API_URL' | 'PAYGOV_INIT_URL' | 'PAYGOV_QUERY_URL'
> &
  Partial<Record<string, unknown>>;

/**
 * Refuses the sandbox merchants (any file holding their credentials) when NODE_ENV=production or when any
 * provider URL is not the sandbox's (issue 17 §2). Throws LT_CONFIG_DEMO_SECRETS naming PAYMENTS_MERCHANTS_FILE
 * and the reason. Run as the service's checkConfig, before anything connects.
 */
export function refuseDemoMerchants(config: DemoRelevantConfig, nodeEnv: string | undefined): void {
  const demo = usesDemoMerchants(config.PAYMENTS_MERCHANTS_FILE);
  const peerUrls = Object.entries(config)
    .filter(([k, v]) => /_URL$/.test(k) && k !== 'PAYMENTS_PUBLIC_URL' && k !== 'DATABASE_URL' && typeof v === 'string')
    .map(([setting, url]) => ({ setting, url: url as string }));
  refuseDemoSecrets({
    nodeEnv,
    demoSecrets: demo ? [{ setting: 'PAYMENTS_MERCHANTS_FILE', what: 'credentials of the sandbox demo merchants' }] : [],
    peerUrls,
  });
}
