import type { FastifyInstance } from 'fastify';
import { createHttpServer, type ApiClientRegistry, type Logger, type Pool, type Registry } from '@lienthong/platform';
import type { CloudEvent, EventProducer } from '@lienthong/events';
import { webhookRoutes, type Webhooks } from '@lienthong/webhooks';
import { createPortalAuth, type PortalAuthOptions } from './portal-auth.js';
import { createReceiver, inboundKinds } from './receive.js';
import { createRouter } from './routing.js';
import { createInboundRouter } from './router.js';
import { registerInboundRoutes } from './routes.js';
import type { DvcqgClient } from '@lienthong/dvcqg';
import { createQa, QUESTION_EVENT_TYPE } from './qa.js';

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
  /** The portal client for the Q&A services; without it, questions are not polled and answers not taken. */
  dvcqg?: DvcqgClient;
}

export interface InboundService {
  app: FastifyInstance;
  /** Handler of national.inbound.v1 for the consumer runner: queues deliveries to subscribers. */
  routeEvent: (event: CloudEvent) => Promise<number>;
  /** Q&A work (when a portal client is configured): one poll of the portal's questions, one push pass of answers. */
  qa?: {
    poll: () => Promise<{ seen: number; published: number }>;
    pushDue: () => Promise<number>;
    onKick: (fn: () => void) => void;
  };
}

/** Event types a provincial system may subscribe to here. */
export const inboundEventTypes = [...Object.values(inboundKinds).map((k) => k.type), QUESTION_EVENT_TYPE];

/** The inbound service from its dependencies (conventions §1): main wires real ones, tests theirs. */
export async function buildApp(deps: InboundDeps): Promise<InboundService> {
  const app = await createHttpServer({
    name: 'inbound',
    description:
      'Calls from the national portal to the province (promotion dossiers, amendments, tax notices), answered once durable on Kafka and delivered to the subscribed provincial system.',
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
    receive: createReceiver({
      pool: deps.pool,
      producer: deps.producer,
      topic: deps.topic,
      route: createRouter(deps.routing),
      maxAttachmentBytes: deps.maxAttachmentBytes,
      logger: deps.logger,
    }),
    checkPortal: createPortalAuth(deps.portal),
    router,
  });
  await app.register(webhookRoutes, deps.webhooks.routeOptions(inboundEventTypes));
  let qa: InboundService['qa'];
  if (deps.dvcqg) {
    const q = createQa({ pool: deps.pool, producer: deps.producer, topic: deps.topic, dvcqg: deps.dvcqg, logger: deps.logger });
    let kick: () => void = () => {};
    q.registerRoutes(app, () => kick());
    qa = { poll: q.poll, pushDue: q.pushDue, onKick: (fn) => (kick = fn) };
  }
  return { app, routeEvent: router.route, ...(qa ? { qa } : {}) };
}
