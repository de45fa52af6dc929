import type { FastifyPluginAsync } from 'fastify';
import { createMomoSigner } from '@lienthong/momo';
import { registerPaymentPeer } from '../payment-peer-kit/index.js';
import { readMomoPeerSettings } from './config.js';
import { createMomoStore, resetMomoStore } from './store.js';
import { registerCreateRoute } from './create-route.js';
import { registerQueryRoute } from './query-route.js';
import { registerRefundRoute } from './refund-route.js';
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
 * - `POST /v2/gateway/api/query` — the order's current resultCode and its refunds (`refundTrans[]`).
 * - `POST /v2/gateway/api/refund` — partial or full refunds of a paid order (refund-route.ts).
 * - `POST /_admin/pay`; `/_admin/faults|transactions|notifications|requests|reset`.
 * State is in memory: this is a simulator.
 */
const momoPeer: FastifyPluginAsync<MomoPeerOptions> = async (app, opts) => {
  const settings = readMomoPeerSettings(opts);
  const store = createMomoStore();
  registerPaymentPeer(app, opts, {
    settings,
    store: { transactions: () => [...store.byKey.values()], reset: () => resetMomoStore(store) },
    context: (base): MomoPeerContext => ({
      ...base,
      settings,
      signers: new Map(settings.merchants.map((m) => [m.partnerCode, createMomoSigner(m)])),
      store,
      prefix: app.prefix,
    }),
    routes: [registerCreateRoute, registerQueryRoute, registerRefundRoute, registerPayRoutes],
  });
};

export default momoPeer;
