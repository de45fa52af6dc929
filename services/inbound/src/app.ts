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
import { createQuestionPoller, QUESTION_EVENT_TYPE } from './qa.js';
import { registerAnswerRoutes } from './answers.js';
import { createOutboundPublisher } from './outbound.js';
import { registerPromotionStatusRoute } from './promotion-status.js';

export interface InboundDeps {
  logger: Logger;
  metrics: Registry;
  clients: ApiClientRegistry;
  pool: Pool;
  producer: EventProducer;
  /** national.inbound.v1 under the namespace. */
  topic: string;
  /** national.outbound.v1 under the namespace: answers and promotion statuses for national-sync to push. */
  outboundTopic: string;
  webhooks: Webhooks;
  portal: PortalAuthOptions;
  /** The routing table (validated here). */
  routing: unknown;
  maxAttachmentBytes: number;
  bodyLimitBytes: number;
  readiness?: Record<string, () => Promise<void>>;
  /** The portal client for LayDanhSachHoiDapGuiTuDVCQG; without it, questions are not polled. */
  dvcqg?: DvcqgClient;
}

export interface InboundService {
  app: FastifyInstance;
  /** Handler of national.inbound.v1 for the consumer runner: queues deliveries to subscribers. */
  routeEvent: (event: CloudEvent) => Promise<number>;
  /** One poll of the portal's questions (when a portal client is configured). */
  qa?: { poll: () => Promise<{ seen: number; published: number }> };
  /** Publishes the answers carried over unpublished from inbound's old answer ledger (run once at start). */
  publishCarriedOver: () => Promise<number>;
}

/** Event types a provincial system may subscribe to here. */
export const inboundEventTypes = [...Object.values(inboundKinds).map((k) => k.type), QUESTION_EVENT_TYPE];

/** The inbound service from its dependencies (conventions §1): main wires real ones, tests theirs. */
export async function buildApp(deps: InboundDeps): Promise<InboundService> {
  const app = await createHttpServer({
    name: 'inbound',
    description:
      'Calls from the national portal to the province (promotion dossiers, amendments, tax notices, citizens’ questions), answered once durable on Kafka and delivered to the subscribed provincial system; the province’s answers and promotion-dossier statuses taken for national-sync to push.',
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
  // The province's answers and promotion statuses: published once to national.outbound.v1, pushed by national-sync.
  const publisher = createOutboundPublisher({
    pool: deps.pool,
    producer: deps.producer,
    topic: deps.outboundTopic,
    logger: deps.logger,
  });
  registerAnswerRoutes(app, { pool: deps.pool, publisher });
  registerPromotionStatusRoute(app, { pool: deps.pool, publisher });
  const qa = deps.dvcqg
    ? createQuestionPoller({
        pool: deps.pool,
        producer: deps.producer,
        topic: deps.topic,
        dvcqg: deps.dvcqg,
        logger: deps.logger,
      })
    : undefined;
  return { app, routeEvent: router.route, publishCarriedOver: publisher.publishCarriedOver, ...(qa ? { qa } : {}) };
}
