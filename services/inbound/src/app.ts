import type { FastifyInstance } from 'fastify';
import { createHttpServer, type ApiClientRegistry, type Logger, type Pool, type Registry } from '@lienthong/platform';
import type { CloudEvent, EventProducer } from '@lienthong/events';
import { webhookRoutes, type Webhooks } from '@lienthong/webhooks';
import { createPortalAuth, type PortalAuthOptions } from './portal-auth.js';
import { createReceiver, inboundKinds } from './receive.js';
import { createRouter } from './routing.js';
import { createInboundRouter } from './router.js';
import { registerInboundRoutes } from './routes.js';

export interface InboundDeps {
  logger: Logger;
  metrics: Registry;
  clients: ApiClientRegistry;
  pool: Pool;
  producer: EventProducer;
  /** national.inbound.v1 under the namespace. */
  topic: string;
  webhooks: Webhooks;
  portal: PortalAuthOptions;
  /** The routing table (validated here). */
  routing: unknown;
  maxAttachmentBytes: number;
  bodyLimitBytes: number;
  readiness?: Record<string, () => Promise<void>>;
}

export interface InboundService {
  app: FastifyInstance;
  /** Handler of national.inbound.v1 for the consumer runner: queues deliveries to subscribers. */
  routeEvent: (event: CloudEvent) => Promise<number>;
}

/** Event types a provincial system may subscribe to here. */
export const inboundEventTypes = Object.values(inboundKinds).map((k) => k.type);

/** The inbound service from its dependencies (conventions §1): main wires real ones, tests theirs. */
export async function buildApp(deps: InboundDeps): Promise<InboundService> {
  const app = await createHttpServer({
    name: 'inbound',
    description: 'Calls from the national portal to the province (promotion dossiers, amendments, tax notices), answered once durable on Kafka and delivered to the subscribed provincial system.',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: { clients: deps.clients },
    bodyLimit: deps.bodyLimitBytes,
    // Attachments travel as Base64 strings inside the JSON: the body limit bounds them, and the attachment
    // check (which names the field) refuses those over INBOUND_MAX_ATTACHMENT_BYTES.
    jsonLimits: { maxDepth: 32, maxStringLength: deps.bodyLimitBytes },
    readiness: deps.readiness ?? {},
  });
  const router = createInboundRouter({ pool: deps.pool, webhooks: deps.webhooks, logger: deps.logger });
  registerInboundRoutes(app, {
    pool: deps.pool,
    receive: createReceiver({ pool: deps.pool, producer: deps.producer, topic: deps.topic, route: createRouter(deps.routing), maxAttachmentBytes: deps.maxAttachmentBytes, logger: deps.logger }),
    checkPortal: createPortalAuth(deps.portal),
    router,
  });
  await app.register(webhookRoutes, deps.webhooks.routeOptions(inboundEventTypes));
  return { app, routeEvent: router.route };
}
