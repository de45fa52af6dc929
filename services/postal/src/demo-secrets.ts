import { refuseDemoSecrets } from '@lienthong/platform';
import type { PostalConfig } from './config.js';

/**
 * The VNPost simulator's credentials (services/sandbox/src/peers/vnpost/config.ts, the defaults of
 * SANDBOX_VNPOST_PASSWORD and SANDBOX_VNPOST_HCC_SECRET, and what `npm start` gives postal): public in
 * this repository, so never a real VNPost account's.
 */
export const SANDBOX_MYVNPOST_PASSWORD = 'lienthong-sandbox';
export const SANDBOX_VNPOST_HCC_SECRET = 'lienthong-hcc-sandbox';

/**
 * The safety refusal of a live start (issue 17 §2): a sandbox VNPost credential is refused when NODE_ENV is
 * production or when a VNPost URL postal would send it to is not the sandbox's; the error names the setting.
 */
export function refusePostalDemoSecrets(
  config: Pick<
    PostalConfig,
    | 'MYVNPOST_PASSWORD'
    | 'VNPOST_HCC_SECRET'
    | 'MYVNPOST_BASE_URL'
    | 'VNPOST_HCC_TOKEN_URL'
    | 'VNPOST_HCC_ORDER_URL'
    | 'VNPOST_HCC_TRACKING_URL'
  >,
  nodeEnv = process.env.NODE_ENV,
): void {
  const demoSecrets = [
    ...(config.MYVNPOST_PASSWORD === SANDBOX_MYVNPOST_PASSWORD
      ? [{ setting: 'MYVNPOST_PASSWORD', what: 'the VNPost simulator password' }]
      : []),
    ...(config.VNPOST_HCC_SECRET === SANDBOX_VNPOST_HCC_SECRET
      ? [{ setting: 'VNPOST_HCC_SECRET', what: 'the VNPost simulator HCC secret' }]
      : []),
  ];
  const urls = ['MYVNPOST_BASE_URL', 'VNPOST_HCC_TOKEN_URL', 'VNPOST_HCC_ORDER_URL', 'VNPOST_HCC_TRACKING_URL'] as const;
  refuseDemoSecrets({
    nodeEnv,
    demoSecrets,
    peerUrls: urls.flatMap((setting) => (config[setting] ? [{ setting, url: config[setting] }] : [])),
  });
}
