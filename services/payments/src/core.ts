import type { Clock, Logger, Pool, Registry } from '@lienthong/platform';
import type { EventProducer } from '@lienthong/events';
import type { PaymentsConfig } from './config.js';
import type { MerchantRegistry } from './merchants.js';
import { createPaymentMetrics, type PaymentMetrics } from './metrics.js';
import { createPaymentStore, type PaymentStore } from './ledger/payment-store.js';
import { createSettlement, type Settlement } from './settlement.js';
import { createSettledOrders } from './ledger/settled-orders.js';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay.js';
import { createReconciler, type Reconciler } from './reconciler.js';
import { createPaymentCreator, type PaymentCreator } from './payment-creator.js';
import { createVnpayAdapter, type VnpayAdapter } from './providers/vnpay-adapter.js';
import { createMomoAdapter, type MomoAdapter } from './providers/momo-adapter.js';
import { createPaygovAdapter, type PaygovAdapter } from './providers/paygov-adapter.js';
import { createIdempotencyStore, type IdempotencyStore } from './idempotency-store.js';
import { createVnptpayAdapter, type VnptpayAdapter } from './providers/vnptpay-adapter.js';
import { createVietqrAdapter } from './providers/vietqr-adapter.js';
import { createTransferMatcher, type TransferMatcher } from './bank-transfers.js';
import { createRefunds, type Refunds } from './refunds.js';
import { createMomoRefundApi } from './providers/momo-refund.js';
import { createVnpayRefundApi } from './providers/vnpay-refund.js';

export interface PaymentsCoreDeps {
  config: Readonly<PaymentsConfig>;
  pool: Pool;
  producer: EventProducer;
  /** payment.events.v1 under the namespace. */
  topic: string;
  merchants: MerchantRegistry;
  logger: Logger;
  registry: Registry;
  clock: Clock;
}

/** Everything buildApp and main need, wired once; tests build the same thing with their own config. */
export interface PaymentsCore {
  store: PaymentStore;
  settlement: Settlement;
  outbox: OutboxRelay;
  reconciler: Reconciler;
  creator: PaymentCreator;
  vnpay: VnpayAdapter;
  momo: MomoAdapter;
  paygov: PaygovAdapter;
  vnptpay: VnptpayAdapter;
  transfers: TransferMatcher;
  refunds: Refunds;
  merchants: MerchantRegistry;
  metrics: PaymentMetrics;
  idempotency: IdempotencyStore;
}

export function createPaymentsCore(d: PaymentsCoreDeps): PaymentsCore {
  const c = d.config;
  const metrics = createPaymentMetrics(d.registry);
  const store = createPaymentStore(d.pool);
  const outbox = createOutboxRelay({
    pool: d.pool,
    producer: d.producer,
    topic: d.topic,
    logger: d.logger,
    metrics,
    clock: d.clock,
    intervalMs: c.PAYMENTS_OUTBOX_INTERVAL_MS,
  });
  const settlement = createSettlement({
    pool: d.pool,
    settledOrders: createSettledOrders({ maxEntries: c.PAYMENTS_SETTLED_CACHE_SIZE }),
    clock: d.clock,
    logger: d.logger,
    metrics,
    onEventWritten: () => outbox.kick(),
  });
  const vnpay = createVnpayAdapter({
    merchants: d.merchants,
    paymentUrl: c.VNPAY_PAYMENT_URL,
    apiUrl: c.VNPAY_API_URL,
    serverIp: c.PAYMENTS_SERVER_IP,
    queryTimeoutMs: c.PAYMENTS_QUERY_TIMEOUT_MS,
    clock: d.clock,
    logger: d.logger,
  });
  const momo = createMomoAdapter({
    merchants: d.merchants,
    baseUrl: c.MOMO_API_URL,
    createTimeoutMs: c.PAYMENTS_CREATE_TIMEOUT_MS,
    queryTimeoutMs: c.PAYMENTS_QUERY_TIMEOUT_MS,
    logger: d.logger,
  });
  const paygov = createPaygovAdapter({
    merchants: d.merchants,
    initUrl: c.PAYGOV_INIT_URL,
    queryUrl: c.PAYGOV_QUERY_URL,
    serverIp: c.PAYMENTS_SERVER_IP,
    createTimeoutMs: c.PAYMENTS_CREATE_TIMEOUT_MS,
    queryTimeoutMs: c.PAYMENTS_QUERY_TIMEOUT_MS,
    logger: d.logger,
  });
  const vnptpay = createVnptpayAdapter({
    merchants: d.merchants,
    initUrl: c.VNPTPAY_INIT_URL,
    queryUrl: c.VNPTPAY_QUERY_URL,
    createTimeoutMs: c.PAYMENTS_CREATE_TIMEOUT_MS,
    queryTimeoutMs: c.PAYMENTS_QUERY_TIMEOUT_MS,
    logger: d.logger,
  });
  const adapters = { vnpay, momo, paygov, vnptpay, vietqr: createVietqrAdapter() };
  const transfers = createTransferMatcher({ pool: d.pool, settlement, merchants: d.merchants, clock: d.clock, logger: d.logger });
  const refunds = createRefunds({
    pool: d.pool,
    clock: d.clock,
    logger: d.logger,
    merchants: d.merchants,
    // Refund APIs where the provider has one (docs/payments.md §9); VNPT Pay, PayGov and bank transfers: manual.
    apis: {
      momo: createMomoRefundApi({ baseUrl: c.MOMO_API_URL, timeoutMs: c.PAYMENTS_CREATE_TIMEOUT_MS, logger: d.logger }),
      vnpay: createVnpayRefundApi({
        apiUrl: c.VNPAY_API_URL,
        serverIp: c.PAYMENTS_SERVER_IP,
        timeoutMs: c.PAYMENTS_CREATE_TIMEOUT_MS,
        clock: d.clock,
        logger: d.logger,
      }),
    },
    onEventWritten: () => outbox.kick(),
    checkIntervalSeconds: c.PAYMENTS_RECONCILE_INTERVAL_SECONDS,
  });
  const reconciler = createReconciler({
    reconcileRefunds: (o) => refunds.reconcile(o),
    pool: d.pool,
    store,
    settlement,
    adapters,
    merchants: d.merchants,
    clock: d.clock,
    logger: d.logger,
    metrics,
    intervalSeconds: c.PAYMENTS_RECONCILE_INTERVAL_SECONDS,
    maxBackoffSeconds: c.PAYMENTS_RECONCILE_MAX_BACKOFF_SECONDS,
    expiryGraceSeconds: c.PAYMENTS_EXPIRY_GRACE_SECONDS,
    batch: c.PAYMENTS_RECONCILE_BATCH,
    concurrency: c.PAYMENTS_RECONCILE_CONCURRENCY,
    giveUpHours: c.PAYMENTS_RECONCILE_GIVE_UP_HOURS,
  });
  const creator = createPaymentCreator({
    store,
    adapters,
    merchants: d.merchants,
    clock: d.clock,
    logger: d.logger,
    metrics,
    publicUrl: c.PAYMENTS_PUBLIC_URL,
    ttlMinutes: c.PAYMENTS_TTL_MINUTES,
    firstCheckSeconds: c.PAYMENTS_RECONCILE_FIRST_CHECK_SECONDS,
  });
  const idempotency = createIdempotencyStore(d.pool, { ttlHours: c.PAYMENTS_IDEMPOTENCY_TTL_HOURS });
  return {
    store,
    settlement,
    outbox,
    reconciler,
    creator,
    vnpay,
    momo,
    paygov,
    vnptpay,
    transfers,
    refunds,
    merchants: d.merchants,
    metrics,
    idempotency,
  };
}
