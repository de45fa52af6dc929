import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasRole, requireClient, type ApiClient } from '@lienthong/platform';
import type pg from 'pg';
import { webhookErrors } from './errors.js';
import { AGENCY_PATTERN, EVENT_TYPE_PATTERN, scopeCovers } from './matching.js';
import type { Subscription, SubscriptionStore } from './store.js';
import type { TargetGuard } from './ssrf.js';
import { getDelivery, listDeliveries, type WebhookDispatcher } from './dispatcher.js';

export interface WebhookRoutesOptions {
  store: SubscriptionStore;
  guard: TargetGuard;
  dispatcher: Pick<WebhookDispatcher, 'redeliver'>;
  pool: pg.Pool;
  /** How long a rotated-out secret keeps signing. */
  secretOverlapMs: number;
  /** Event types a subscriber may ask for (the service's catalogue); patterns outside it are refused. */
  eventTypes?: readonly string[];
}

const MANAGE = { access: { roles: ['submitter', 'operator'] as const } };
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const subscriptionBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    url: { type: 'string', minLength: 8, maxLength: 2048 },
    eventTypes: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
      items: { type: 'string', maxLength: 120, pattern: EVENT_TYPE_PATTERN },
    },
    agencies: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      uniqueItems: true,
      items: { type: 'string', maxLength: 60, pattern: AGENCY_PATTERN },
    },
    description: { type: 'string', maxLength: 500 },
    active: { type: 'boolean' },
  },
} as const;

type Body = { url?: string; eventTypes?: string[]; agencies?: string[]; description?: string; active?: boolean };

/**
 * Subscription management (design.md flow 6): a submitter (a provincial one-stop system) manages its own
 * subscriptions, for agencies within its scope; an operator sees and manages all. The signing secret is
 * returned once, on create and on rotation.
 */
export async function webhookRoutes(app: FastifyInstance, opts: WebhookRoutesOptions): Promise<void> {
  const owned = async (req: FastifyRequest, id: string): Promise<{ client: ApiClient; sub: Subscription }> => {
    const client = requireClient(req);
    const sub = await opts.store.get(id);
    // Another client's subscription answers 404 like a missing one: its existence is not disclosed.
    if (!sub || (sub.clientId !== client.id && !hasRole(client, 'operator'))) throw webhookErrors.subscriptionNotFound();
    return { client, sub };
  };
  const checkScope = (client: ApiClient, agencies: string[]) => {
    agencies.forEach((a, i) => {
      if (!scopeCovers(client.agencies, a)) throw webhookErrors.agencyForbidden(a, `/agencies/${i}`);
    });
  };
  const checkTypes = (types: string[]) => {
    if (!opts.eventTypes) return;
    const known = opts.eventTypes;
    const unknown = types
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => !known.some((k) => k === t || t === '*' || (t.endsWith('.*') && k.startsWith(t.slice(0, -1)))));
    if (unknown.length) {
      throw webhookErrors.invalid(
        unknown.map(({ t, i }) => ({
          path: `/eventTypes/${i}`,
          code: 'LT_WEBHOOK_UNKNOWN_EVENT_TYPE',
          message: `Loại sự kiện không có: ${t}`,
          message_en: `unknown event type ${t}`,
        })),
      );
    }
  };

  app.post<{ Body: Body }>(
    '/v1/webhooks/subscriptions',
    { config: MANAGE, schema: { body: { ...subscriptionBody, required: ['url', 'eventTypes'] } } },
    async (req, reply) => {
      const client = requireClient(req);
      const b = req.body;
      checkTypes(b.eventTypes!);
      const agencies = b.agencies ?? client.agencies;
      checkScope(client, agencies);
      await opts.guard.checkTarget(b.url!);
      const { subscription, secret } = await opts.store.create({
        clientId: client.id,
        url: b.url!,
        eventTypes: b.eventTypes!,
        agencies,
        description: b.description,
      });
      return reply.status(201).send({ ...subscription, secret });
    },
  );

  app.get('/v1/webhooks/subscriptions', { config: MANAGE }, async (req) => {
    const client = requireClient(req);
    return { subscriptions: await opts.store.list(hasRole(client, 'operator') ? {} : { clientId: client.id }) };
  });

  app.get<{ Params: { id: string } }>(
    '/v1/webhooks/subscriptions/:id',
    { config: MANAGE, schema: { params: idParams } },
    async (req) => (await owned(req, req.params.id)).sub,
  );

  app.patch<{ Params: { id: string }; Body: Body }>(
    '/v1/webhooks/subscriptions/:id',
    { config: MANAGE, schema: { params: idParams, body: { ...subscriptionBody, minProperties: 1 } } },
    async (req) => {
      const { client, sub } = await owned(req, req.params.id);
      const b = req.body;
      if (b.eventTypes) checkTypes(b.eventTypes);
      // An operator editing another client's subscription is bounded by the owner's scope at creation; a
      // submitter only by its own.
      if (b.agencies && sub.clientId === client.id) checkScope(client, b.agencies);
      if (b.url) await opts.guard.checkTarget(b.url);
      return (await opts.store.update(sub.id, b))!;
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/webhooks/subscriptions/:id',
    { config: MANAGE, schema: { params: idParams } },
    async (req, reply) => {
      const { sub } = await owned(req, req.params.id);
      await opts.store.remove(sub.id);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/webhooks/subscriptions/:id/rotate-secret',
    { config: MANAGE, schema: { params: idParams } },
    async (req) => {
      const { sub } = await owned(req, req.params.id);
      const r = (await opts.store.rotateSecret(sub.id, opts.secretOverlapMs))!;
      return { ...r.subscription, secret: r.secret };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { status?: string; limit?: number } }>(
    '/v1/webhooks/subscriptions/:id/deliveries',
    {
      config: MANAGE,
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { enum: ['pending', 'delivered', 'failed'] },
            limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
          },
        },
      },
    },
    async (req) => {
      const { sub } = await owned(req, req.params.id);
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100)));
      return { deliveries: await listDeliveries(opts.pool, { subscriptionId: sub.id, status: req.query.status, limit }) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/webhooks/deliveries/:id',
    { config: MANAGE, schema: { params: idParams } },
    async (req) => {
      const d = await getDelivery(opts.pool, req.params.id);
      if (!d) throw webhookErrors.deliveryNotFound();
      await owned(req, d.subscriptionId).catch(() => {
        throw webhookErrors.deliveryNotFound();
      });
      return d;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/webhooks/deliveries/:id/redeliver',
    { config: MANAGE, schema: { params: idParams } },
    async (req, reply) => {
      const d = await getDelivery(opts.pool, req.params.id);
      if (!d) throw webhookErrors.deliveryNotFound();
      await owned(req, d.subscriptionId).catch(() => {
        throw webhookErrors.deliveryNotFound();
      });
      return reply.status(202).send(await opts.dispatcher.redeliver(d.id));
    },
  );
}
