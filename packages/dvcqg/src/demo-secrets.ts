import { refuseDemoSecrets } from '@lienthong/platform';

/**
 * The sandbox DVCQG peer's login password (services/sandbox/src/peers/dvcqg/config.ts, the default of
 * SANDBOX_DVCQG_PASSWORD): public in this repository, so never a real portal's password.
 */
export const SANDBOX_DVCQG_PASSWORD = 'lienthong-sandbox';

/**
 * The safety refusal of a live start (issue 17 §2) for every service that logs in to the portal: the sandbox
 * password is refused when NODE_ENV is production or when DVCQG_BASE_URL is not the sandbox's; the error names
 * DVCQG_PASSWORD and why. Call it from the service definition's `checkConfig`.
 */
export function refuseDvcqgDemoSecrets(
  config: { DVCQG_PASSWORD?: string | undefined; DVCQG_BASE_URL?: string | undefined },
  nodeEnv = process.env.NODE_ENV,
): void {
  refuseDemoSecrets({
    nodeEnv,
    demoSecrets:
      config.DVCQG_PASSWORD === SANDBOX_DVCQG_PASSWORD
        ? [{ setting: 'DVCQG_PASSWORD', what: 'the sandbox portal password' }]
        : [],
    peerUrls: config.DVCQG_BASE_URL ? [{ setting: 'DVCQG_BASE_URL', url: config.DVCQG_BASE_URL }] : [],
  });
}
