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
import { eventSigningConfigProperties } from '@lienthong/events';

/** Every environment variable the notifications service reads (conventions §3). */
export const notificationsConfigSchema = {
  type: 'object',
  required: [
    'DATABASE_URL',
    'API_CLIENTS_FILE',
    'WEBHOOKS_SECRET_KEY',
    'NOTIFICATIONS_TEMPLATES_FILE',
    'NOTIFICATIONS_PROVIDERS_FILE',
    'NOTIFICATIONS_DATA_KEY',
  ],
  properties: {
    ...logConfigProperties,
    ...databaseConfigProperties,
    ...apiClientsConfigProperties,
    ...kafkaConfigProperties,
    ...listenConfigProperties('NOTIFICATIONS', 8086),
    ...webhooksConfigProperties,
    ...eventSigningConfigProperties,
    NOTIFICATIONS_GROUP_ID: { type: 'string', minLength: 1, default: 'notifications', description: 'Kafka consumer group' },
    NOTIFICATIONS_TEMPLATES_FILE: {
      type: 'string',
      minLength: 1,
      description: 'JSON templates file: agency → event kind → channel templates with {placeholders} (validated at start)',
    },
    NOTIFICATIONS_PROVIDERS_FILE: {
      type: 'string',
      minLength: 1,
      description: 'JSON file of Zalo OA and SMS brandname accounts (holds secrets; the templates file names accounts from it)',
    },
    NOTIFICATIONS_DATA_KEY: {
      type: 'string',
      minLength: 32,
      secret: true,
      description:
        '32-byte key (hex or base64): seals phones/names until sent, Zalo tokens, and keys the phone hash of the ledger',
    },
    NOTIFICATIONS_ZALO_API_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/zalo',
      pattern: '^https?://',
      description: 'ZNS API base (https://business.openapi.zalo.me in production)',
    },
    NOTIFICATIONS_ZALO_OAUTH_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/zalo/oauth',
      pattern: '^https?://',
      description: 'Zalo OAuth base (https://oauth.zaloapp.com in production)',
    },
    NOTIFICATIONS_ZALO_MODE: {
      type: 'string',
      default: '',
      enum: ['', 'development'],
      description: 'ZNS `mode`: "development" sends only to OA admins, uncharged',
    },
    NOTIFICATIONS_QUIET_HOURS: {
      type: 'string',
      default: '21:00-07:00',
      pattern: '^(off|([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-3]):[0-5]\\d)$',
      description: 'no message leaves in this window, Asia/Ho_Chi_Minh time (HH:MM-HH:MM, or off); messages wait until its end',
    },
    NOTIFICATIONS_PROVIDER_TIMEOUT_MS: {
      type: 'integer',
      default: 10_000,
      minimum: 100,
      maximum: 60_000,
      description: 'timeout of a call to Zalo or an SMS gateway',
    },
    NOTIFICATIONS_RECEIPTS_FILE: {
      type: 'string',
      minLength: 1,
      description:
        'JSON receipts file (holds secrets): per agency the e-receipt provider account, pattern, serial and tax code; unset = no receipts',
    },
    NOTIFICATIONS_RECEIPT_RECHECK_MS: {
      type: 'integer',
      default: 90_000,
      minimum: 100,
      maximum: 3_600_000,
      description:
        'after a receipt call whose outcome is unknown, wait this long before looking the key up (Viettel asks ≥ 90 s)',
    },
    NOTIFICATIONS_SEND_LEASE_MS: {
      type: 'integer',
      default: 60_000,
      minimum: 1_000,
      maximum: 600_000,
      description:
        'how long a message being sent is reserved; after a crash another pass resends it (same idempotency key) once this has passed. Keep it above the provider timeout',
    },
    NOTIFICATIONS_ZALO_STATUS_POLL_MS: {
      type: 'integer',
      default: 600_000,
      minimum: 100,
      maximum: 86_400_000,
      description:
        'a Zalo message without a delivery webhook this long after sending is polled (GET /message/status), then again every this long, for a day',
    },
    NOTIFICATIONS_ZALO_WEBHOOK_WINDOW_MS: {
      type: 'integer',
      default: 900_000,
      minimum: 1_000,
      maximum: 86_400_000,
      description:
        'a Zalo delivery webhook whose signed timestamp is further than this from now (past or future) is refused; Zalo documents no window [inf]',
    },
    NOTIFICATIONS_SEND_POLL_MS: {
      type: 'integer',
      default: 500,
      minimum: 10,
      maximum: 60_000,
      description: 'how often the outbox sender looks for due messages',
    },
    NOTIFICATIONS_RETRY_MAX_HOURS: {
      type: 'integer',
      default: 24,
      minimum: 1,
      maximum: 168,
      description: 'a message not sent after this long is marked failed',
    },
  },
} as const satisfies ConfigSchema;

export type NotificationsConfig = ConfigOf<typeof notificationsConfigSchema>;
