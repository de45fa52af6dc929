import { refuseDemoSecrets } from '@lienthong/platform';
import type { CitizenDataConfig } from './config.js';

/**
 * The registry simulators' secrets (services/sandbox/src/peers/csdl-dancu/config.ts and dkkd/config.ts, the
 * defaults `npm start` gives citizen-data): public in this repository, so never a real LGSP/NGSP/ESB secret.
 */
export const SANDBOX_REGISTRY_SECRETS = {
  CSDL_SECRET_KEY: 'lienthong-lgsp-sandbox',
  DKKD_CONSUMER_SECRET: 'lienthong-ngsp-sandbox',
  DKKD_ESB_SECRET_KEY: 'lienthong-esb-sandbox',
} as const;

/**
 * The safety refusal of a live start (issue 17 §2): a simulator secret is refused when NODE_ENV is
 * production or when a registry URL citizen-data would send it to is not the sandbox's, naming the setting.
 */
export function refuseRegistryDemoSecrets(config: Partial<CitizenDataConfig>, nodeEnv = process.env.NODE_ENV): void {
  const demoSecrets = (Object.keys(SANDBOX_REGISTRY_SECRETS) as (keyof typeof SANDBOX_REGISTRY_SECRETS)[])
    .filter((k) => config[k] === SANDBOX_REGISTRY_SECRETS[k])
    .map((setting) => ({ setting, what: 'a registry simulator secret' }));
  const urls = [
    'CSDL_TOKEN_URL',
    'CSDL_SERVICE_URL',
    'DKKD_TOKEN_URL',
    'DKKD_ADAPTER_URL',
    'DKKD_ESB_URL',
    'DKKD_THANHHOA_URL',
  ] as const;
  refuseDemoSecrets({
    nodeEnv,
    demoSecrets,
    peerUrls: urls.flatMap((setting) => {
      const url = config[setting];
      return typeof url === 'string' && url ? [{ setting, url }] : [];
    }),
  });
}
