import type { PeerConfigProperties } from '../../peer.js';
import { peerConfigReader } from '../peer-kit/index.js';

/** Environment of the Zalo ZNS simulator (notifications-receipts.md §1). Credentials are the simulator's own. */
export const configProperties: PeerConfigProperties = {
  SANDBOX_ZALO_APP_ID: {
    type: 'string',
    minLength: 1,
    default: '3105954820364872121',
    description: 'Zalo sandbox: the app id (webhook signatures, token refresh)',
  },
  SANDBOX_ZALO_APP_SECRET: {
    type: 'string',
    minLength: 1,
    default: 'zalo-app-secret-sandbox',
    description: 'Zalo sandbox: app secret expected in the secret_key header of token calls (simulator credential)',
  },
  SANDBOX_ZALO_OA_ID: {
    type: 'string',
    minLength: 1,
    default: '579745863508352884',
    description: 'Zalo sandbox: the OA id (sender.id of webhooks)',
  },
  SANDBOX_ZALO_OA_SECRET: {
    type: 'string',
    minLength: 1,
    default: 'zalo-oa-secret-sandbox',
    description: 'Zalo sandbox: OA secret key that signs webhooks (X-ZEvent-Signature)',
  },
  SANDBOX_ZALO_REFRESH_TOKEN: {
    type: 'string',
    minLength: 1,
    default: 'zalo-refresh-sandbox-0',
    description: 'Zalo sandbox: the first valid refresh token (single use, like the real one)',
  },
  SANDBOX_ZALO_TOKEN_TTL_S: {
    type: 'integer',
    minimum: 1,
    default: 90_000,
    description: 'Zalo sandbox: access token lifetime (expires_in; ~25 h at Zalo)',
  },
  SANDBOX_ZALO_DAILY_QUOTA: { type: 'integer', minimum: 0, default: 5_000, description: 'Zalo sandbox: ZNS messages per day' },
  SANDBOX_ZALO_DELIVERY_DELAY_MS: {
    type: 'integer',
    minimum: 0,
    default: 300,
    description: 'Zalo sandbox: delay before the user_received_message webhook',
  },
  SANDBOX_ZALO_WEBHOOK_URL: {
    type: 'string',
    pattern: '^https?://',
    description: 'Zalo sandbox: where delivery webhooks go (the hub’s /v1/zalo/webhook)',
  },
};

export interface ZaloPeerConfig {
  appId: string;
  appSecret: string;
  oaId: string;
  oaSecret: string;
  refreshToken: string;
  tokenTtlS: number;
  dailyQuota: number;
  deliveryDelayMs: number;
  webhookUrl: string | undefined;
}

export function readPeerConfig(config: Readonly<Record<string, unknown>> | undefined): ZaloPeerConfig {
  const { raw, number } = peerConfigReader(configProperties, config);
  return Object.freeze({
    appId: String(raw('SANDBOX_ZALO_APP_ID')),
    appSecret: String(raw('SANDBOX_ZALO_APP_SECRET')),
    oaId: String(raw('SANDBOX_ZALO_OA_ID')),
    oaSecret: String(raw('SANDBOX_ZALO_OA_SECRET')),
    refreshToken: String(raw('SANDBOX_ZALO_REFRESH_TOKEN')),
    tokenTtlS: number('SANDBOX_ZALO_TOKEN_TTL_S'),
    dailyQuota: number('SANDBOX_ZALO_DAILY_QUOTA'),
    deliveryDelayMs: number('SANDBOX_ZALO_DELIVERY_DELAY_MS'),
    webhookUrl: raw('SANDBOX_ZALO_WEBHOOK_URL') === undefined ? undefined : String(raw('SANDBOX_ZALO_WEBHOOK_URL')),
  });
}
