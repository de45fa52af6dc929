import {
  apiClientsConfigProperties,
  databaseConfigProperties,
  kafkaConfigProperties,
  listenConfigProperties,
  loadConfig,
  logConfigProperties,
  tlsConfigProperties,
  type ConfigOf,
  type ConfigSchema,
} from '@lienthong/platform';
import { eventSigningConfigProperties } from '@lienthong/events';

/**
 * Every environment variable the payments service reads (conventions §3). Merchant credentials are not
 * variables: they live in the file named by PAYMENTS_MERCHANTS_FILE (one entry per agency, see
 * merchants.ts) so that adding an agency is a data change, never a code or env change.
 */
export const paymentsConfigSchema = {
  type: 'object',
  required: ['DATABASE_URL', 'API_CLIENTS_FILE', 'PAYMENTS_MERCHANTS_FILE'],
  properties: {
    ...listenConfigProperties('PAYMENTS', 8082),
    PAYMENTS_PUBLIC_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8082',
      pattern: '^https?://[^\\s?#]+[^/\\s?#]$',
      description:
        'base URL the providers reach this service at: IPN URLs and browser return URLs are built from it (no trailing slash)',
    },
    ...kafkaConfigProperties,
    // Keys that sign payment.events.v1 records (the first signs); national-sync verifies with the same list.
    // Optional so a development hub starts without it (service.ts warns); production sets it (issue 17 §2).
    ...eventSigningConfigProperties,
    ...databaseConfigProperties,
    ...apiClientsConfigProperties,
    // HTTPS and client certificates of provincial systems from PEM files (issue 11 §5; unset = plain HTTP).
    ...tlsConfigProperties,
    PAYMENTS_MERCHANTS_FILE: {
      type: 'string',
      minLength: 1,
      description:
        'per-agency merchant credentials JSON file (VNPAY, MoMo, PayGov, VNPT Pay, the VietQR account and its webhook keys); holds secrets',
    },
    VNPAY_PAYMENT_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/vnpay/paymentv2/vpcpay.html',
      description: 'VNPAY payment page (the sandbox by default)',
    },
    VNPAY_API_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/vnpay/merchant_webapi/api/transaction',
      description: 'VNPAY transaction API (querydr)',
    },
    MOMO_API_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/momo',
      description: 'MoMo AIO v2 host; /v2/gateway/api/... is appended',
    },
    PAYGOV_INIT_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/paygov/init',
      description: 'PayGov (DVCQG payment platform) INIT endpoint; given by the operator at onboarding (§4)',
    },
    PAYGOV_QUERY_URL: { type: 'string', default: 'http://127.0.0.1:8090/paygov/query', description: 'PayGov QUERY endpoint' },
    VNPTPAY_INIT_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/vnptpay/rest/payment/v1.0.5/init',
      description: 'VNPT Pay INIT endpoint (sandbox.vnptpay.vn / api.vnptpay.vn …/rest/payment/v1.0.5/init in reality)',
    },
    VNPTPAY_QUERY_URL: {
      type: 'string',
      default: 'http://127.0.0.1:8090/vnptpay/rest/payment/v1.0.5/query_transaction',
      description: 'VNPT Pay QUERY endpoint (…/rest/payment/v1.0.5/query_transaction)',
    },
    PAYMENTS_SERVER_IP: {
      type: 'string',
      default: '127.0.0.1',
      description: "this server's IP as sent in provider API calls (vnp_IpAddr of querydr, PayGov Ip)",
    },
    PAYMENTS_CREATE_TIMEOUT_MS: {
      type: 'integer',
      default: 30_000,
      minimum: 100,
      maximum: 120_000,
      description: 'timeout of a create call at a provider (MoMo asks clients to allow 30 s [M1])',
    },
    PAYMENTS_QUERY_TIMEOUT_MS: {
      type: 'integer',
      default: 10_000,
      minimum: 100,
      maximum: 120_000,
      description: 'timeout of a status query at a provider',
    },
    PAYMENTS_TTL_MINUTES: {
      type: 'integer',
      default: 15,
      minimum: 1,
      maximum: 1440,
      description: 'how long a payment URL is valid (VNPAY demos use 15 min [V1])',
    },
    PAYMENTS_EXPIRY_GRACE_SECONDS: {
      type: 'integer',
      default: 600,
      minimum: 0,
      description:
        'after expiry, how long reconciliation waits before declaring a payment expired (late notifications, clock skew)',
    },
    PAYMENTS_RECONCILE_CRON: {
      type: 'string',
      default: '*/30 * * * * *',
      description: 'node-cron expression of the reconciliation run (seconds field allowed)',
    },
    PAYMENTS_RECONCILE_ENABLED: { type: 'boolean', default: true, description: 'run the reconciliation job in this process' },
    PAYMENTS_RECONCILE_FIRST_CHECK_SECONDS: {
      type: 'integer',
      default: 60,
      minimum: 0,
      description: 'first status query this long after creation (a MoMo guide: no IPN within 30 s → query [M4])',
    },
    PAYMENTS_RECONCILE_INTERVAL_SECONDS: {
      type: 'integer',
      default: 60,
      minimum: 1,
      description: 'spacing of status queries of one pending payment',
    },
    PAYMENTS_RECONCILE_MAX_BACKOFF_SECONDS: {
      type: 'integer',
      default: 900,
      minimum: 1,
      description: 'cap of the spacing after unverifiable answers (VNPAY answers 94 for ~5 min after a query [V6a])',
    },
    PAYMENTS_RECONCILE_GIVE_UP_HOURS: {
      type: 'integer',
      default: 72,
      minimum: 1,
      description:
        'after expiry + this, a payment that never got a verifiable answer is no longer queried; it waits on the review list',
    },
    PAYMENTS_RECONCILE_BATCH: {
      type: 'integer',
      default: 200,
      minimum: 1,
      maximum: 10_000,
      description: 'most payments queried per run',
    },
    PAYMENTS_RECONCILE_CONCURRENCY: {
      type: 'integer',
      default: 8,
      minimum: 1,
      maximum: 100,
      description: 'status queries in flight at once',
    },
    PAYMENTS_SETTLED_CACHE_SIZE: {
      type: 'integer',
      default: 10_000,
      minimum: 0,
      maximum: 1_000_000,
      description:
        'how many paid orders one instance remembers to answer repeated notifications without a ledger read (0: none; ledger/settled-orders.ts)',
    },
    PAYMENTS_OUTBOX_INTERVAL_MS: {
      type: 'integer',
      default: 1_000,
      minimum: 50,
      description: 'how often the outbox relay looks for unpublished events',
    },
    PAYMENTS_BODY_LIMIT_BYTES: {
      type: 'integer',
      default: 64 * 1024,
      minimum: 1024,
      description: 'largest request body; 413 above',
    },
    PAYMENTS_TAX_PAID_STATUSES: {
      type: 'string',
      default: '1',
      pattern: '^-?\\d+(,-?\\d+)*$',
      description:
        'TrangThaiThanhToan values of a DVCQG tax notice that mean "paid" (comma-separated) [inf: the values are not public]',
    },
    PAYMENTS_INBOUND_GROUP_ID: {
      type: 'string',
      minLength: 1,
      default: 'payments-tax-notices',
      description: 'Kafka consumer group reading tax notices from national.inbound.v1 (prefixed with KAFKA_TOPIC_NAMESPACE)',
    },
    PAYMENTS_RATE_LIMIT_PER_MINUTE: {
      type: 'integer',
      default: 600,
      minimum: 1,
      description: 'POST /v1/payments per minute per API client unless its entry says otherwise',
    },
    PAYMENTS_IDEMPOTENCY_TTL_HOURS: {
      type: 'integer',
      default: 24,
      minimum: 1,
      maximum: 720,
      description: 'how long an Idempotency-Key of POST /v1/payments is remembered',
    },
    ...logConfigProperties,
  },
} as const satisfies ConfigSchema;

/** The validated, frozen configuration, typed from its schema. */
export type PaymentsConfig = ConfigOf<typeof paymentsConfigSchema>;

export const loadPaymentsConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(paymentsConfigSchema, env);
