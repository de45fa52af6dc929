import type { FastifyPluginAsync } from 'fastify';
import { systemClock } from '@lienthong/platform';
import {
  createDeliverer,
  createFaultSwitches,
  createHttpNotifier,
  createJournal,
  registerAdminRoutes,
  registerFormBodyParser,
  type NotificationRecord,
  type RequestRecord,
} from '../payment-peer-kit/index.js';
import { readVnpayPeerSettings } from './config.js';
import { createVnpayStore, resetStore } from './store.js';
import { registerPaymentRoutes } from './payment-routes.js';
import { registerQueryDrRoute } from './querydr-route.js';
import { registerAdminPayRoute } from './admin-pay-route.js';
import type { VnpayPeerContext } from './context.js';
import type { VnpayPeerOptions } from './options.js';

export { configProperties } from './config.js';
export type { VnpayPeerOptions, VnpayPeerMerchant } from './options.js';

/**
 * Simulated VNPAY PAY 2.1.0 (payments.md §1), registered under its own prefix (`/vnpay`):
 * - `GET  /paymentv2/vpcpay.html?vnp_…` — the pay page (checks the signature and §1.2 fields), with Pay and Cancel.
 * - `POST /paymentv2/complete/:id` — the buttons; then the IPN (GET, per-terminal URL, 10 tries 5 min apart,
 *   compressible) and a 302 to vnp_ReturnUrl with the signed result.
 * - `POST /merchant_webapi/api/transaction` — querydr (and refund → 99), with the documented codes.
 * - `POST /_admin/pay` — pay programmatically; `/_admin/faults|transactions|notifications|requests|reset`.
 * State is in memory: this is a simulator.
 */
const vnpayPeer: FastifyPluginAsync<VnpayPeerOptions> = async (app, opts) => {
  const settings = readVnpayPeerSettings(opts);
  const logger = opts.logger ?? app.log;
  const faults = createFaultSwitches(opts.faults, settings.seed);
  const notifications = createJournal<NotificationRecord>(settings.logSize);
  const requests = createJournal<RequestRecord>(settings.logSize);
  let closed = false;
  let deliverer = createDeliverer({ notifier: opts.notify ?? createHttpNotifier(), faults, journal: notifications, logger });
  const ctx: VnpayPeerContext = {
    settings,
    merchants: new Map(settings.merchants.map((m) => [m.tmnCode, m])),
    store: createVnpayStore(),
    faults,
    get deliverer() {
      return deliverer;
    },
    notifications,
    requests,
    clock: opts.clock ?? systemClock,
    logger,
    isClosed: () => closed,
  };

  registerFormBodyParser(app);
  registerPaymentRoutes(app, ctx);
  registerQueryDrRoute(app, ctx);
  registerAdminPayRoute(app, ctx);
  registerAdminRoutes(app, {
    faults,
    transactions: () => [...ctx.store.byKey.values()],
    notifications,
    requests,
    reset() {
      deliverer.close();
      deliverer = createDeliverer({ notifier: opts.notify ?? createHttpNotifier(), faults, journal: notifications, logger });
      resetStore(ctx.store);
      notifications.clear();
      requests.clear();
      faults.reset();
    },
  });
  // Scheduled IPN retries must not outlive the app (tests, shutdown).
  app.addHook('onClose', async () => {
    closed = true;
    deliverer.close();
  });
};

export default vnpayPeer;
