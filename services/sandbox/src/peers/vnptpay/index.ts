import type { FastifyPluginAsync } from 'fastify';
import { registerPaymentPeer } from '../payment-peer-kit/index.js';
import { readVnptpayPeerSettings, type VnptpayPeerOptions } from './config.js';
import { createVnptpayStore, resetVnptpayStore, type VnptpayPeerContext } from './store.js';
import { registerVnptpayRoutes } from './routes.js';

export { configProperties } from './config.js';
export { VNPTPAY_SANDBOX_PATHS } from './routes.js';
export type { VnptpayPeerOptions, VnptpayPeerMerchant } from './config.js';

/**
 * Simulated VNPT Pay (VNPT Money) merchant gateway (vnptpay-vietqr.md §1), under `/vnptpay`:
 * - `POST /rest/payment/v1.0.5/init` (Bearer API key, SECURE_CODE over the INIT fields → REDIRECT_URL),
 *   `POST /rest/payment/v1.0.5/query_transaction` (signed answer with TRANSACTION_STATUS [inf]);
 * - `GET|POST /pay/:token`, the pay page; then the signed IPN to the merchant's ipnUrl, as JSON or as a
 *   form field `data` (per merchant), retried until 00/02;
 * - `POST /_admin/pay`; `/_admin/faults|transactions|notifications|requests|reset` (lost, delayed,
 *   duplicated, tampered IPNs; API errors and timeouts).
 */
const vnptpayPeer: FastifyPluginAsync<VnptpayPeerOptions> = async (app, opts) => {
  const settings = readVnptpayPeerSettings(opts);
  const store = createVnptpayStore();
  registerPaymentPeer(app, opts, {
    settings,
    store: { transactions: () => [...store.byKey.values()], reset: () => resetVnptpayStore(store) },
    context: (base): VnptpayPeerContext => ({
      ...base,
      settings,
      merchants: new Map(settings.merchants.map((m) => [m.merchantServiceId, m])),
      store,
      prefix: app.prefix,
    }),
    routes: [registerVnptpayRoutes],
  });
};

export default vnptpayPeer;
