import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { systemClock, type Clock } from '@lienthong/platform';
import { createFaultSwitches, type FaultSwitches, type PaymentPeerFaults } from './faults.js';
import { createJournal, type Journal, type NotificationRecord, type RequestRecord } from './journal.js';
import { createHttpNotifier, type Notifier } from './notifier.js';
import { createDeliverer, type Deliverer } from './deliverer.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerFormBodyParser } from './form-body.js';

/** What the routes of every payment peer share; each peer's context extends it with its settings and store. */
export interface PaymentPeerBase {
  faults: FaultSwitches;
  /** Always the current deliverer: `/_admin/reset` replaces the one behind it. */
  deliverer: Deliverer;
  notifications: Journal<NotificationRecord>;
  requests: Journal<RequestRecord>;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** True once the app is closing, so a simulated hang ends at once. */
  isClosed(): boolean;
}

/** Plugin options every payment peer takes, beside its own settings (tests pass them; the app does not). */
export interface PaymentPeerCommonOptions {
  /** Fault switches at start (changeable at run time through `/_admin/faults`). */
  faults?: Partial<PaymentPeerFaults>;
  /** Replaces the HTTP notifier (tests). */
  notify?: Notifier;
  clock?: Clock;
}

/** The settings every payment peer reads (from its options, else the sandbox config); each peer adds its own. */
export interface PaymentPeerSettings<M> {
  merchants: readonly M[];
  /** Timeout of one notification call to the merchant. */
  notifyTimeoutMs: number;
  /** How long a simulated API timeout holds the request before answering 504. */
  timeoutHangMs: number;
  /** Seed of the fault draws. */
  seed: number;
  /** Records kept for /_admin/notifications and /_admin/requests. */
  logSize: number;
}

export interface PaymentPeerSpec<C extends PaymentPeerBase> {
  settings: Pick<PaymentPeerSettings<unknown>, 'seed' | 'logSize'>;
  /** The peer's transactions as `/_admin/transactions` lists them, and how `/_admin/reset` forgets them. */
  store: { transactions(): readonly unknown[]; reset(): void };
  /** The peer's own context: the shared part plus its settings, store and signers. */
  context(base: PaymentPeerBase): C;
  /** The peer's protocol routes and pay page, registered before the admin API. */
  routes: ReadonlyArray<(app: FastifyInstance, ctx: C) => void>;
}

/**
 * Sets up a payment peer inside its plugin: fault switches, journals and the notification deliverer, the
 * form-body parser of the pay page, the peer's routes, the `/_admin` API whose reset starts a fresh
 * deliverer, and an onClose hook so scheduled notification retries never outlive the app (tests, shutdown).
 */
export function registerPaymentPeer<C extends PaymentPeerBase>(
  app: FastifyInstance,
  opts: PaymentPeerCommonOptions & { logger?: FastifyBaseLogger },
  spec: PaymentPeerSpec<C>,
): void {
  const logger = opts.logger ?? app.log;
  const faults = createFaultSwitches(opts.faults, spec.settings.seed);
  const notifications = createJournal<NotificationRecord>(spec.settings.logSize);
  const requests = createJournal<RequestRecord>(spec.settings.logSize);
  const newDeliverer = () =>
    createDeliverer({ notifier: opts.notify ?? createHttpNotifier(), faults, journal: notifications, logger });
  let current = newDeliverer();
  let closed = false;
  const deliverer: Deliverer = {
    deliver: (plan) => current.deliver(plan),
    idle: () => current.idle(),
    close: () => current.close(),
  };
  const ctx = spec.context({
    faults,
    deliverer,
    notifications,
    requests,
    clock: opts.clock ?? systemClock,
    logger,
    isClosed: () => closed,
  });

  registerFormBodyParser(app);
  for (const register of spec.routes) register(app, ctx);
  registerAdminRoutes(app, {
    faults,
    transactions: () => spec.store.transactions(),
    notifications,
    requests,
    reset() {
      current.close();
      current = newDeliverer();
      spec.store.reset();
      notifications.clear();
      requests.clear();
      faults.reset();
    },
  });
  app.addHook('onClose', async () => {
    closed = true;
    current.close();
  });
}
