import type { FastifyPluginAsync } from 'fastify';
import { systemClock } from '@lienthong/platform';
import { createMomoSigner } from '@lienthong/momo';
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
import { readMomoPeerSettings } from './config.js';
import { createMomoStore, resetMomoStore } from './store.js';
import { registerCreateRoute } from './create-route.js';
import { registerQueryRoute } from './query-route.js';
import { registerPayRoutes } from './pay-routes.js';
import type { MomoPeerContext } from './context.js';
import type { MomoPeerOptions } from './options.js';

export { configProperties } from './config.js';
export type { MomoPeerOptions, MomoPeerMerchant } from './options.js';

/**
 * Simulated MoMo All-In-One v2, one-time payment (payments.md §2), under its own prefix (`/momo`):
 * - `POST /v2/gateway/api/create` → signed payUrl (documented resultCodes on bad input; 20 on a bad signature).
 * - `GET|POST /pay/:token` — the pay page with Pay and Cancel; then ONE IPN (POST JSON to the request's
 *   ipnUrl, answer expected 204) and a 302 to redirectUrl with the signed result.
 * - `POST /v2/gateway/api/query` — the order's current resultCode.
 * - `POST /_admin/pay`; `/_admin/faults|transactions|notifications|requests|reset`.
 * State is in memory: this is a simulator.
 */
const momoPeer: FastifyPluginAsync<MomoPeerOptions> = async (app, opts) => {
  const settings = readMomoPeerSettings(opts);
  const logger = opts.logger ?? app.log;
  const faults = createFaultSwitches(opts.faults, settings.seed);
  const notifications = createJournal<NotificationRecord>(settings.logSize);
  const requests = createJournal<RequestRecord>(settings.logSize);
  const newDeliverer = () => createDeliverer({ notifier: opts.notify ?? createHttpNotifier(), faults, journal: notifications, logger });
  let deliverer = newDeliverer();
  let closed = false;
  const ctx: MomoPeerContext = {
    settings,
    signers: new Map(settings.merchants.map((m) => [m.partnerCode, createMomoSigner(m)])),
    store: createMomoStore(),
    faults,
    get deliverer() {
      return deliverer;
    },
    notifications,
    requests,
    clock: opts.clock ?? systemClock,
    logger,
    prefix: app.prefix,
    isClosed: () => closed,
  };

  registerFormBodyParser(app);
  registerCreateRoute(app, ctx);
  registerQueryRoute(app, ctx);
  registerPayRoutes(app, ctx);
  registerAdminRoutes(app, {
    faults,
    transactions: () => [...ctx.store.byKey.values()],
    notifications,
    requests,
    reset() {
      deliverer.close();
      deliverer = newDeliverer();
      resetMomoStore(ctx.store);
      notifications.clear();
      requests.clear();
      faults.reset();
    },
  });
  app.addHook('onClose', async () => {
    closed = true;
    deliverer.close();
  });
};

export default momoPeer;
