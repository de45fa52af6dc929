import {
  apiClientsConfigProperties,
  databaseConfigProperties,
  kafkaConfigProperties,
  listenConfigProperties,
  logConfigProperties,
  type ConfigOf,
  type ConfigSchema,
} from '@lienthong/platform';

/**
 * citizen-data's environment, one schema checked at start (conventions §3). Keys and peer secrets have no
 * defaults; `npm start` generates the two HMAC keys once into .data/ and passes the sandbox's simulator
 * credentials.
 */
export const citizenDataConfigSchema = {
  type: 'object',
  properties: {
    ...logConfigProperties,
    ...databaseConfigProperties,
    ...apiClientsConfigProperties,
    ...kafkaConfigProperties,
    ...listenConfigProperties('CITIZEN_DATA', 8083),
    CITIZEN_DATA_LICENCES_FILE: {
      type: 'string',
      minLength: 1,
      description: 'JSON file: which MaTTHC may use which operation, per-agency quotas, national-database codes (data, not code)',
    },
    CITIZEN_DATA_SUBJECT_HASH_KEY: {
      type: 'string',
      minLength: 32,
      secret: true,
      description: 'HMAC key of the subject IDs stored in the audit log (never stored in clear)',
    },
    CITIZEN_DATA_AUDIT_CHAIN_KEY: {
      type: 'string',
      minLength: 32,
      secret: true,
      description:
        'HMAC key of the audit hash chain (kept out of the database, so a database superuser cannot re-forge the chain)',
    },
    CITIZEN_DATA_RATE_PER_MINUTE: {
      type: 'integer',
      minimum: 1,
      default: 600,
      description: 'look-ups per agency per minute, unless the licences file says otherwise',
    },
    CITIZEN_DATA_DAILY_QUOTA: {
      type: 'integer',
      minimum: 1,
      default: 50_000,
      description: 'look-ups per agency per day (Asia/Ho_Chi_Minh), unless the licences file says otherwise',
    },
    CITIZEN_DATA_PEER_TIMEOUT_MS: {
      type: 'integer',
      minimum: 100,
      maximum: 60_000,
      default: 8_000,
      description: 'whole-call timeout of a population-DB or registry call',
    },
    CITIZEN_DATA_MAX_REPLY_BYTES: {
      type: 'integer',
      minimum: 1_024,
      maximum: 50 * 1024 * 1024,
      default: 2 * 1024 * 1024,
      description: 'largest peer reply accepted (enforced while it streams)',
    },
    CITIZEN_DATA_BREAKER_FAILURES: {
      type: 'integer',
      minimum: 1,
      default: 5,
      description: 'consecutive peer failures that open its circuit',
    },
    CITIZEN_DATA_BREAKER_OPEN_MS: {
      type: 'integer',
      minimum: 100,
      default: 15_000,
      description: 'how long an open circuit refuses before one trial call',
    },
    CITIZEN_DATA_OUTBOX_INTERVAL_MS: {
      type: 'integer',
      minimum: 50,
      default: 1_000,
      description: 'how often audit rows are published to citizen.audit.v1',
    },
    CSDL_TOKEN_URL: { type: 'string', pattern: '^https?://', description: 'population DB: LGSP token endpoint' },
    CSDL_SERVICE_URL: { type: 'string', pattern: '^https?://', description: 'population DB: SOAP service endpoint' },
    CSDL_ACCESS_KEY: { type: 'string', minLength: 1, description: 'population DB: LGSP AccessKey' },
    CSDL_SECRET_KEY: { type: 'string', minLength: 1, secret: true, description: 'population DB: LGSP SecretKey' },
    CSDL_APP_NAME: { type: 'string', minLength: 1, default: 'lienthong', description: 'population DB: LGSP AppName' },
    CSDL_PARTNER_CODE: {
      type: 'string',
      minLength: 1,
      description: 'population DB: LGSP PartnerCode (the province’s agency code)',
    },
    CSDL_PARTNER_CODE_CUS: {
      type: 'string',
      default: '',
      description: 'population DB: LGSP PartnerCodeCus (default: PartnerCode)',
    },
    DKKD_ROUTE: {
      type: 'string',
      enum: ['ngsp', 'hcm-esb', 'thanh-hoa'],
      default: 'ngsp',
      description: 'business registry route: NGSP (national), TP.HCM ESB or Thanh Hóa’s proxy',
    },
    DKKD_TOKEN_URL: { type: 'string', pattern: '^https?://', description: 'business registry (NGSP): token endpoint' },
    DKKD_ADAPTER_URL: { type: 'string', pattern: '^https?://', description: 'business registry (NGSP): consumer adapter URL' },
    DKKD_CONSUMER_KEY: { type: 'string', minLength: 1, description: 'business registry (NGSP): consumer key' },
    DKKD_CONSUMER_SECRET: {
      type: 'string',
      minLength: 1,
      secret: true,
      description: 'business registry (NGSP): consumer secret',
    },
    DKKD_ESB_URL: {
      type: 'string',
      pattern: '^https?://',
      description: 'business registry (TP.HCM ESB): TraCuuThongTinDoanhNghiep URL',
    },
    DKKD_ESB_ACCESS_KEY: { type: 'string', minLength: 1, description: 'business registry (TP.HCM ESB): AccessKey' },
    DKKD_ESB_SECRET_KEY: { type: 'string', minLength: 1, secret: true, description: 'business registry (TP.HCM ESB): SecretKey' },
    DKKD_THANHHOA_URL: {
      type: 'string',
      pattern: '^https?://',
      description: 'business registry (Thanh Hóa proxy): …/apiDKKD/DoanhNghiep/chiTietDoanhNghiep URL',
    },
  },
  required: [
    'DATABASE_URL',
    'API_CLIENTS_FILE',
    'CITIZEN_DATA_LICENCES_FILE',
    'CITIZEN_DATA_SUBJECT_HASH_KEY',
    'CITIZEN_DATA_AUDIT_CHAIN_KEY',
    'CSDL_TOKEN_URL',
    'CSDL_SERVICE_URL',
    'CSDL_ACCESS_KEY',
    'CSDL_SECRET_KEY',
    'CSDL_PARTNER_CODE',
  ],
} as const satisfies ConfigSchema;

export type CitizenDataConfig = ConfigOf<typeof citizenDataConfigSchema>;
