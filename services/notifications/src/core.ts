import { createHash } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import {
  createConsumerRunner,
  signingKeysForStart,
  topicNames,
  verifyRecordSignature,
  type ConsumerRunner,
  type EventProducer,
} from '@lienthong/events';
import { PAYMENT_SETTLED } from './intake/classify.js';
import type { Clock, Logger, Pool, Registry } from '@lienthong/platform';
import { createSecretBox, createWebhooks, parseSecretKey, type WebhookSender, type Webhooks } from '@lienthong/webhooks';
import type { NotificationsConfig } from './config.js';
import { loadProviders, type ProvidersFile } from './providers.js';
import { loadTemplates, type TemplatesFile } from './templates.js';
import { createIntakeHandler } from './intake/handler.js';
import { createZnsClient } from './zalo/zns-client.js';
import { createTokenStore, type TokenStore } from './zalo/token-store.js';
import { createSmsClient } from './sms/sms-client.js';
import { createOutboxSender, type OutboxSender } from './outbox/sender.js';
import { parseQuietHours } from './outbox/schedule.js';
import { loadReceipts } from './receipts/receipts-config.js';
import { createReceipts, type Receipts } from './receipts/receipts.js';

export type CoreConfig = { NOTIFICATIONS_RECEIPTS_FILE?: string | undefined; EVENT_SIGNING_KEYS?: string | undefined } & Pick<
  NotificationsConfig,
  | 'KAFKA_TOPIC_NAMESPACE'
  | 'NOTIFICATIONS_GROUP_ID'
  | 'NOTIFICATIONS_TEMPLATES_FILE'
  | 'NOTIFICATIONS_PROVIDERS_FILE'
  | 'NOTIFICATIONS_DATA_KEY'
  | 'NOTIFICATIONS_ZALO_API_URL'
  | 'NOTIFICATIONS_ZALO_OAUTH_URL'
  | 'NOTIFICATIONS_ZALO_MODE'
  | 'NOTIFICATIONS_QUIET_HOURS'
  | 'NOTIFICATIONS_PROVIDER_TIMEOUT_MS'
  | 'NOTIFICATIONS_SEND_POLL_MS'
  | 'NOTIFICATIONS_ZALO_STATUS_POLL_MS'
  | 'NOTIFICATIONS_SEND_LEASE_MS'
  | 'NOTIFICATIONS_RECEIPT_RECHECK_MS'
  | 'NOTIFICATIONS_RETRY_MAX_HOURS'
  | 'WEBHOOKS_SECRET_KEY'
  | 'WEBHOOKS_ALLOW_HTTP'
  | 'WEBHOOKS_ALLOWED_NETWORKS'
  | 'WEBHOOKS_TIMEOUT_MS'
  | 'WEBHOOKS_RETRY_HOURS'
  | 'WEBHOOKS_SECRET_OVERLAP_HOURS'
>;

export interface NotificationsCore {
  providers: ProvidersFile;
  templates: TemplatesFile;
  tokens: TokenStore;
  sender: OutboxSender;
  webhooks: Webhooks;
  consumer: ConsumerRunner;
  /** Electronic fee receipts, when NOTIFICATIONS_RECEIPTS_FILE is set. */
  receipts: Receipts | undefined;
  pool: Pool;
  /** Starts the loops (after the token seed); stop() stops them in reverse order. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires the service from its config (conventions §2: factories, dependencies passed in). Templates and providers
 * are read and validated here, so a bad file stops the start with every problem listed.
 */
export function createNotificationsCore(deps: {
  config: CoreConfig;
  pool: Pool;
  kafka: Kafka;
  producer: EventProducer;
  logger: Logger;
  clock: Clock;
  metrics?: Registry;
  /** Test seam for the webhook HTTP sender. */
  webhookSend?: WebhookSender;
}): NotificationsCore {
  const cfg = deps.config;
  const providers = loadProviders(cfg.NOTIFICATIONS_PROVIDERS_FILE);
  const templates = loadTemplates(cfg.NOTIFICATIONS_TEMPLATES_FILE, {
    zalo: new Set(Object.keys(providers.zalo)),
    sms: new Set(Object.keys(providers.sms)),
  });
  const dataKey = parseSecretKey(cfg.NOTIFICATIONS_DATA_KEY);
  const box = createSecretBox(cfg.NOTIFICATIONS_DATA_KEY);
  // A separate key for the phone hash, derived so that the sealing key itself never keys a published value.
  const phoneKey = createHash('sha256').update('lienthong-notifications-phone-hash\u0000').update(dataKey).digest();
  const webhooks = createWebhooks({
    pool: deps.pool,
    logger: deps.logger,
    clock: deps.clock,
    origin: 'notifications',
    secretKey: cfg.WEBHOOKS_SECRET_KEY,
    allowHttp: cfg.WEBHOOKS_ALLOW_HTTP,
    allowedNetworks: cfg.WEBHOOKS_ALLOWED_NETWORKS,
    timeoutMs: cfg.WEBHOOKS_TIMEOUT_MS,
    retryHours: cfg.WEBHOOKS_RETRY_HOURS,
    secretOverlapHours: cfg.WEBHOOKS_SECRET_OVERLAP_HOURS,
    ...(deps.webhookSend ? { send: deps.webhookSend } : {}),
  });
  const zns = createZnsClient({
    apiUrl: cfg.NOTIFICATIONS_ZALO_API_URL,
    oauthUrl: cfg.NOTIFICATIONS_ZALO_OAUTH_URL,
    timeoutMs: cfg.NOTIFICATIONS_PROVIDER_TIMEOUT_MS,
  });
  const tokens = createTokenStore({
    pool: deps.pool,
    box,
    zns,
    accounts: providers.zalo,
    clock: deps.clock,
    logger: deps.logger,
  });
  const sender = createOutboxSender({
    pool: deps.pool,
    box,
    templates: () => templates,
    providers,
    zns,
    tokens,
    sms: createSmsClient({ timeoutMs: cfg.NOTIFICATIONS_PROVIDER_TIMEOUT_MS }),
    clock: deps.clock,
    logger: deps.logger,
    quiet: parseQuietHours(cfg.NOTIFICATIONS_QUIET_HOURS),
    ...(cfg.NOTIFICATIONS_ZALO_MODE ? { znsMode: cfg.NOTIFICATIONS_ZALO_MODE } : {}),
    giveUpAfterMs: cfg.NOTIFICATIONS_RETRY_MAX_HOURS * 3_600_000,
    leaseMs: Math.max(cfg.NOTIFICATIONS_SEND_LEASE_MS, cfg.NOTIFICATIONS_PROVIDER_TIMEOUT_MS + 1_000),
    pollMs: cfg.NOTIFICATIONS_SEND_POLL_MS,
    statusPollAfterMs: cfg.NOTIFICATIONS_ZALO_STATUS_POLL_MS,
    statusPollEveryMs: cfg.NOTIFICATIONS_ZALO_STATUS_POLL_MS,
  });
  const receipts = cfg.NOTIFICATIONS_RECEIPTS_FILE
    ? createReceipts({
        pool: deps.pool,
        box,
        clock: deps.clock,
        logger: deps.logger,
        file: loadReceipts(cfg.NOTIFICATIONS_RECEIPTS_FILE),
        timeoutMs: cfg.NOTIFICATIONS_PROVIDER_TIMEOUT_MS,
        recheckMs: cfg.NOTIFICATIONS_RECEIPT_RECHECK_MS,
        pollMs: Math.max(200, cfg.NOTIFICATIONS_SEND_POLL_MS),
        leaseMs: Math.max(cfg.NOTIFICATIONS_SEND_LEASE_MS, cfg.NOTIFICATIONS_PROVIDER_TIMEOUT_MS + 1_000),
        producer: deps.producer,
        topic: (topicNames(cfg.KAFKA_TOPIC_NAMESPACE) as Record<string, string>).paymentEvents!,
        webhooks,
      })
    : undefined;
  const names = topicNames(cfg.KAFKA_TOPIC_NAMESPACE) as Record<string, string>;
  // dossier.deadline.v1 is in the catalogue once operations publishes it; its name is the design's either way.
  const deadlineTopic = names.dossierDeadline ?? `${cfg.KAFKA_TOPIC_NAMESPACE}dossier.deadline.v1`;
  // A settlement makes a receipt and tells the citizen "paid": only the payments service may say so. Settlements are
  // accepted only with payments' record signature when EVENT_SIGNING_KEYS is set (as national-sync does); a forged or
  // unsigned one is dead-lettered (LT_EVENT_SIGNATURE_INVALID, not retriable).
  // Unset: warned outside production, refused in production (packages/events signingKeysForStart).
  const signingKeys = signingKeysForStart({
    spec: cfg.EVENT_SIGNING_KEYS,
    nodeEnv: process.env.NODE_ENV,
    logger: deps.logger,
    consequence:
      'payment settlements are accepted WITHOUT a producer signature: set EVENT_SIGNING_KEYS (the same keys as payments)',
  });
  const intake = createIntakeHandler({
    pool: deps.pool,
    box,
    phoneKey,
    templates: () => templates,
    webhooks,
    clock: deps.clock,
    logger: deps.logger,
    onQueued: () => sender.wake(),
    ...(receipts ? { receipts } : {}),
  });
  const consumer = createConsumerRunner({
    kafka: deps.kafka,
    logger: deps.logger,
    groupId: cfg.NOTIFICATIONS_GROUP_ID,
    topics: [names.dossierEvents!, deadlineTopic, names.paymentEvents!, names.syncOutcomes!],
    producer: deps.producer,
    handle: async (event, ctx) => {
      if (signingKeys && event.type === PAYMENT_SETTLED)
        verifyRecordSignature({ value: ctx.value, headers: ctx.headers }, signingKeys);
      await intake(event, ctx);
    },
    // Infrastructure failures (Postgres down) pause the partition and never dead-letter (packages/events
    // failure-class.ts); the partition resumes once the database answers.
    retry: { maxAttempts: Number.MAX_SAFE_INTEGER, minDelayMs: 200, maxDelayMs: 10_000, factor: 2, jitter: 0.3 },
    probe: async () => {
      await deps.pool.query('SELECT 1');
    },
    // One transaction per event, in order per MaHoSo: every partition of dossier.events.v1 at once.
    partitionsConsumedConcurrently: 6,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  return {
    providers,
    templates,
    tokens,
    sender,
    webhooks,
    consumer,
    receipts,
    pool: deps.pool,
    async start() {
      await tokens.seed();
      sender.start();
      webhooks.dispatcher.start();
      receipts?.start();
      // Not awaited: joining the group can take a session timeout after a crash (the dead member is evicted
      // first), and the HTTP routes (Zalo's delivery webhooks) must answer meanwhile. The runner retries by itself.
      consumer.start().catch((err) => deps.logger.error({ err }, 'the event consumer could not start'));
    },
    async stop() {
      await consumer.stop();
      await webhooks.dispatcher.stop();
      await receipts?.stop();
      await sender.stop();
    },
  };
}
