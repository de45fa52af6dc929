import { refuseDevelopmentSettings, type ConfigProperty } from '@lienthong/platform';

/** Config declarations of a service that delivers webhooks (spread into its schema; conventions §3). */
export const webhooksConfigProperties = {
  WEBHOOKS_SECRET_KEY: {
    type: 'string',
    minLength: 32,
    secret: true,
    description: '32-byte key (64 hex chars or base64) sealing the subscriptions’ signing secrets in Postgres (AES-256-GCM)',
  },
  WEBHOOKS_ALLOW_HTTP: {
    type: 'boolean',
    default: false,
    description: 'accept http:// subscription URLs (development and tests only: refused at start when NODE_ENV is production)',
  },
  WEBHOOKS_ALLOWED_NETWORKS: {
    type: 'string',
    default: '',
    description: 'comma-separated CIDRs allowed although private/loopback/link-local (e.g. 127.0.0.1/32 for the sandbox)',
  },
  WEBHOOKS_TIMEOUT_MS: {
    type: 'integer',
    default: 10_000,
    minimum: 100,
    maximum: 60_000,
    description: 'timeout of one delivery POST',
  },
  WEBHOOKS_RETRY_HOURS: {
    type: 'integer',
    default: 72,
    minimum: 24,
    maximum: 720,
    description: 'how long a delivery is retried before it is marked failed',
  },
  WEBHOOKS_SECRET_OVERLAP_HOURS: {
    type: 'integer',
    default: 24,
    minimum: 0,
    maximum: 720,
    description: 'after a secret rotation, how long the previous secret still signs (second v1 in the header)',
  },
} as const satisfies Record<string, ConfigProperty>;

export const parseNetworks = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The safety refusal of a service that delivers webhooks (platform production-safety.ts): WEBHOOKS_ALLOW_HTTP would
 * send signed events — and the subscription's secret-bearing signatures — over plain http, so a production start
 * with it on is refused, naming the setting. Run by createWebhooks (every service that delivers), and by a service's
 * checkConfig to exit before anything connects.
 */
export function refuseWebhooksDevelopmentSettings(
  config: { WEBHOOKS_ALLOW_HTTP?: boolean | undefined },
  nodeEnv: string | undefined = process.env.NODE_ENV,
): void {
  refuseDevelopmentSettings({
    nodeEnv,
    settings: config.WEBHOOKS_ALLOW_HTTP ? [{ setting: 'WEBHOOKS_ALLOW_HTTP', what: 'http:// subscription URLs' }] : [],
  });
}
