import {
  apiClientsConfigProperties,
  databaseConfigProperties,
  kafkaConfigProperties,
  listenConfigProperties,
  logConfigProperties,
  type ConfigOf,
  type ConfigSchema,
} from '@lienthong/platform';

/** Every environment variable the postal service reads (conventions §3). */
export const postalConfigSchema = {
  type: 'object',
  required: ['DATABASE_URL', 'API_CLIENTS_FILE', 'POSTAL_AGENCIES_FILE'],
  properties: {
    ...listenConfigProperties('POSTAL', 8087),
    ...logConfigProperties,
    ...databaseConfigProperties,
    ...kafkaConfigProperties,
    ...apiClientsConfigProperties,
    POSTAL_GROUP_ID: {
      type: 'string',
      minLength: 1,
      default: 'postal',
      description: 'Kafka consumer group of dossier.events.v1',
    },
    POSTAL_AGENCIES_FILE: {
      type: 'string',
      minLength: 1,
      description: 'per-agency postal settings (route, sender block, service code): JSON, see docs/postal.md',
    },
    POSTAL_ADDRESS_MAP_FILE: {
      type: 'string',
      minLength: 1,
      description: 'administrative commune code → VNPost codes (JSON); VNPost’s catalogue fills the rest by name',
    },
    POSTAL_WORK_INTERVAL_MS: {
      type: 'integer',
      minimum: 50,
      maximum: 60_000,
      default: 1_000,
      description: 'how often pending orders are created and the outbox published',
    },
    POSTAL_POLL_CRON: {
      type: 'string',
      minLength: 1,
      default: '*/2 * * * *',
      description: 'node-cron schedule of status polling (webhooks may be lost)',
    },
    POSTAL_CATALOGUE_CRON: {
      type: 'string',
      minLength: 1,
      default: '30 2 * * *',
      description: 'node-cron schedule of the VNPost catalogue refresh',
    },
    POSTAL_CLAIM_LEASE_SECONDS: {
      type: 'integer',
      minimum: 2,
      maximum: 3600,
      default: 60,
      description: 'how long a claimed order is hidden from other workers (must outlast one VNPost call: > VNPOST_TIMEOUT_MS)',
    },
    VNPOST_TIMEOUT_MS: {
      type: 'integer',
      minimum: 100,
      maximum: 120_000,
      default: 8_000,
      description: 'timeout of one VNPost call',
    },
    MYVNPOST_BASE_URL: {
      type: 'string',
      pattern: '^https?://',
      description: 'MyVNPost API base URL (production https://connect-my.vnpost.vn)',
    },
    MYVNPOST_OPERATION_PREFIX: {
      type: 'string',
      default: '/customer-partner',
      pattern: '^(/[A-Za-z0-9_-]+)*$',
      description: 'path before each operation name',
    },
    MYVNPOST_USERNAME: { type: 'string', minLength: 1, description: 'MyVNPost account' },
    MYVNPOST_PASSWORD: { type: 'string', minLength: 1, secret: true, description: 'MyVNPost password' },
    MYVNPOST_CUSTOMER_CODE: { type: 'string', minLength: 1, description: 'CMS customer code' },
    MYVNPOST_WEBHOOK_PUBLIC_KEY_FILE: {
      type: 'string',
      minLength: 1,
      description: 'PEM public key that verifies MyVNPost status webhooks',
    },
    VNPOST_HCC_TOKEN_URL: { type: 'string', pattern: '^https?://', description: 'NGSP/LGSP token URL of the HCC route' },
    VNPOST_HCC_ORDER_URL: { type: 'string', pattern: '^https?://', description: 'HCC order URL' },
    VNPOST_HCC_TRACKING_URL: { type: 'string', pattern: '^https?://', description: 'HCC tracking URL' },
    VNPOST_HCC_KEY: { type: 'string', minLength: 1, description: 'HCC consumer key' },
    VNPOST_HCC_SECRET: { type: 'string', minLength: 1, secret: true, description: 'HCC consumer secret' },
    VNPOST_HCC_CUSTOMER_CODE: { type: 'string', minLength: 1, description: 'CustomerCode of the HCC orders' },
  },
} as const satisfies ConfigSchema;

export type PostalConfig = ConfigOf<typeof postalConfigSchema>;
