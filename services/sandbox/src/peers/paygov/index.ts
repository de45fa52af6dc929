import type { FastifyPluginAsync } from 'fastify';
import { createPaygovSigner } from '@lienthong/paygov';
import { registerPaymentPeer } from '../payment-peer-kit/index.js';
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
  const store = createPaygovStore();
  registerPaymentPeer(app, opts, {
    settings,
    store: { transactions: () => [...store.byKey.values()], reset: () => resetPaygovStore(store) },
    context: (base): PaygovPeerContext => ({
      ...base,
      settings,
      merchants: new Map(
        settings.merchants.map((m) => [
          m.maDoiTac,
          { merchant: m, signer: createPaygovSigner({ maDoiTac: m.maDoiTac, secret: m.secret }) },
        ]),
      ),
      store,
      prefix: app.prefix,
    }),
    routes: [registerApiRoutes, registerPayRoutes],
  });
};

export default paygovPeer;
