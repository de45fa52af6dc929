import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { paymentPeerFaultsBodySchema, type FaultSwitches, type PaymentPeerFaultsPatch } from './faults.js';
import type { Journal, NotificationRecord, RequestRecord } from './journal.js';

export interface AdminState {
  faults: FaultSwitches;
  transactions(): readonly unknown[];
  notifications: Journal<NotificationRecord>;
  requests: Journal<RequestRecord>;
  /** Forgets transactions and journals, cancels scheduled notifications, resets faults. */
  reset(): void;
}

/**
 * The inspection and fault API under `<prefix>/_admin` (sandbox only; a real provider has nothing like it):
 * - `GET /_admin/faults`; `POST` merges, `PUT` replaces (from the defaults), `DELETE` resets.
 * - `GET /_admin/transactions`: what the peer received and where each payment stands.
 * - `GET /_admin/notifications`: every IPN/confirm the peer sent (or lost), with the merchant's answer.
 * - `GET /_admin/requests`: every protocol call received, with the answer.
 * - `POST /_admin/reset`: forget everything.
 */
export function registerAdminRoutes(app: FastifyInstance, state: AdminState): void {
  const known = new Set(Object.keys(paymentPeerFaultsBodySchema.properties));
  const faultsRoute = {
    schema: { body: paymentPeerFaultsBodySchema },
    // Unknown switches are refused whatever the host app's ajv does with additionalProperties (fastify's
    // default removes them silently; a typo in a fault name must not pass as "no fault").
    preValidation: async (req: FastifyRequest, reply: FastifyReply) => {
      const body = req.body;
      const unknown =
        body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).filter((k) => !known.has(k)) : [];
      if (unknown.length)
        return reply
          .status(400)
          .send({ error: 'LT_SANDBOX_UNKNOWN_FAULT', message: `unknown fault switch(es): ${unknown.join(', ')}`, details: [] });
    },
  };
  app.get('/_admin/faults', async () => state.faults.get());
  app.post('/_admin/faults', faultsRoute, async (req) => state.faults.set(req.body as PaymentPeerFaultsPatch, 'merge'));
  app.put('/_admin/faults', faultsRoute, async (req) => state.faults.set(req.body as PaymentPeerFaultsPatch, 'replace'));
  app.delete('/_admin/faults', async () => {
    state.faults.reset();
    return state.faults.get();
  });
  app.get('/_admin/transactions', async () => ({ transactions: state.transactions() }));
  app.get('/_admin/notifications', async () => ({ notifications: state.notifications.list() }));
  app.get('/_admin/requests', async () => ({ requests: state.requests.list() }));
  app.post('/_admin/reset', async () => {
    state.reset();
    return { reset: true };
  });
}
