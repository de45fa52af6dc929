import type { FastifyPluginAsync } from 'fastify';
import { systemClock } from '@lienthong/platform';
import { createPaygovSigner } from '@lienthong/paygov';
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
import { readPaygovPeerSettings } from './config.js';
import { createPaygovStore, resetPaygovStore } from './store.js';
import { registerApiRoutes } from './api-routes.js';
import { registerPayRoutes } from './pay-routes.js';
import type { PaygovPeerContext } from './context.js';
import type { PaygovPeerOptions } from './options.js';

export { configProperties } from './config.js';
export { PAYGOV_SANDBOX_PATHS } from './api-routes.js';
export { PAYGOV_SANDBOX_INIT_ERRORS, PAYGOV_SANDBOX_QUERY_ERRORS } from './api-codes.js';
export type { PaygovPeerOptions, PaygovPeerMerchant } from './options.js';

/**
 * Simulated DVCQG payment platform ("PayGov", national-standard.md §8), under its own prefix (`/paygov`):
 * - `POST /init` (INIT → `{error_code:"0", message:"{UrlThanhToan…}"}`), `POST /query` (confirm shape +
 *   TrangThaiGD, signed), `POST /get-bill` (receipt PDF) — paths and error codes invented (no public spec).
 * - `GET|POST /pay/:token` — the pay page; then the confirm callback POSTed to the partner's confirmUrl.
 * - `POST /_admin/pay`; `/_admin/faults|transactions|notifications|requests|reset`.
 * State is in memory: this is a simulator.
 */
const paygovPeer: FastifyPluginAsync<PaygovPeerOptions> = async (app, opts) => {
  const settings = readPaygovPeerSettings(opts);
  const logger = opts.logger ?? app.log;
  const faults = createFaultSwitches(opts.faults, settings.seed);
  const notifications = createJournal<NotificationRecord>(settings.logSize);
  const requests = createJournal<RequestRecord>(settings.logSize);
  const newDeliverer = () => createDeliverer({ notifier: opts.notify ?? createHttpNotifier(), faults, journal: notifications, logger });
  let deliverer = newDeliverer();
  let closed = false;
  const ctx: PaygovPeerContext = {
    settings,
    merchants: new Map(settings.merchants.map((m) => [m.maDoiTac, { merchant: m, signer: createPaygovSigner({ maDoiTac: m.maDoiTac, secret: m.secret }) }])),
    store: createPaygovStore(),
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
  registerApiRoutes(app, ctx);
  registerPayRoutes(app, ctx);
  registerAdminRoutes(app, {
    faults,
    transactions: () => [...ctx.store.byKey.values()],
    notifications,
    requests,
    reset() {
      deliverer.close();
      deliverer = newDeliverer();
      resetPaygovStore(ctx.store);
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

export default paygovPeer;
