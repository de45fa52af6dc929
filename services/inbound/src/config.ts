import {
  apiClientsConfigProperties,
  databaseConfigProperties,
  kafkaConfigProperties,
  listenConfigProperties,
  logConfigProperties,
  type ConfigOf,
  type ConfigSchema,
} from '@lienthong/platform';
import { webhooksConfigProperties } from '@lienthong/webhooks';

/** Every environment variable the inbound service reads (conventions §3). */
export const inboundConfigSchema = {
  type: 'object',
  required: ['DATABASE_URL', 'API_CLIENTS_FILE', 'WEBHOOKS_SECRET_KEY'],
  properties: {
    ...listenConfigProperties('INBOUND', 8088),
    ...logConfigProperties,
    ...databaseConfigProperties,
    ...kafkaConfigProperties,
    ...apiClientsConfigProperties,
    ...webhooksConfigProperties,
    INBOUND_PORTAL_TOKEN: {
      type: 'string',
      minLength: 16,
      secret: true,
      description:
        'shared token the national portal sends (Authorization: Bearer <token>, or the header INBOUND_PORTAL_TOKEN_HEADER names) [inf: the portal’s scheme is not public]',
    },
    INBOUND_PORTAL_TOKEN_HEADER: {
      type: 'string',
      default: 'authorization',
      pattern: '^[a-z0-9-]{1,64}$',
      description: 'header carrying the portal token (lower case); `authorization` expects "Bearer <token>"',
    },
    INBOUND_ALLOWED_NETWORKS: {
      type: 'string',
      default: '',
      description: 'comma-separated CIDRs the portal calls from; empty = any (then the token is required)',
    },
    INBOUND_BODY_LIMIT_BYTES: {
      type: 'integer',
      minimum: 1024,
      maximum: 200 * 1024 * 1024,
      default: 40 * 1024 * 1024,
      description: 'largest inbound call (Base64 attachments included); 413 above',
    },
    INBOUND_MAX_ATTACHMENT_BYTES: {
      type: 'integer',
      minimum: 1024,
      maximum: 100 * 1024 * 1024,
      default: 10 * 1024 * 1024,
      description: 'largest decoded attachment; the call is refused above it',
    },
    INBOUND_ROUTING_FILE: {
      type: 'string',
      minLength: 1,
      description:
        'which agency a packet belongs to when its MaHoSo carries none (by MaTTHC, by province code, default): JSON, see docs/inbound.md',
    },
    INBOUND_QA_POLL_CRON: {
      type: 'string',
      minLength: 1,
      default: '*/5 * * * *',
      description: 'node-cron schedule of LayDanhSachHoiDapGuiTuDVCQG (citizens’ questions)',
    },
    DVCQG_BASE_URL: {
      type: 'string',
      pattern: '^https?://',
      description:
        'portal (or LGSP) base URL for the question poll (LayDanhSachHoiDapGuiTuDVCQG); unset = questions not polled (answers are pushed by national-sync)',
    },
    DVCQG_USERNAME: { type: 'string', minLength: 1, description: 'portal login' },
    DVCQG_PASSWORD: { type: 'string', minLength: 1, secret: true, description: 'portal password' },
    DVCQG_MADONVI: { type: 'string', minLength: 1, description: 'the province’s unit code in every envelope' },
    DVCQG_TIMEOUT_MS: {
      type: 'integer',
      minimum: 100,
      maximum: 120_000,
      default: 6_000,
      description: 'timeout of one portal call',
    },
    INBOUND_GROUP_ID: {
      type: 'string',
      minLength: 1,
      default: 'inbound-router',
      description: 'Kafka consumer group that routes national.inbound.v1 to subscribers',
    },
  },
} as const satisfies ConfigSchema;

export type InboundConfig = ConfigOf<typeof inboundConfigSchema>;
