import type { FastifyPluginAsync } from 'fastify';
import { registerPaymentPeer } from '../payment-peer-kit/index.js';
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
 * - `POST /merchant_webapi/api/transaction` — querydr and refund (99 unless SANDBOX_VNPAY_REFUND_ENABLED), with the documented codes.
 * - `POST /_admin/pay` — pay programmatically; `/_admin/faults|transactions|notifications|requests|reset`.
 * State is in memory: this is a simulator.
 */
const vnpayPeer: FastifyPluginAsync<VnpayPeerOptions> = async (app, opts) => {
  const settings = readVnpayPeerSettings(opts);
  const store = createVnpayStore();
  registerPaymentPeer(app, opts, {
    settings,
    store: { transactions: () => [...store.byKey.values()], reset: () => resetStore(store) },
    context: (base): VnpayPeerContext => ({
      ...base,
      settings,
      merchants: new Map(settings.merchants.map((m) => [m.tmnCode, m])),
      store,
    }),
    routes: [registerPaymentRoutes, registerQueryDrRoute, registerAdminPayRoute],
  });
};

export default vnpayPeer;
