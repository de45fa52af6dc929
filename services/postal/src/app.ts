import type { FastifyInstance } from 'fastify';
import type { KeyObject } from 'node:crypto';
import { createHttpServer, type ApiClientRegistry, type Logger, type Pool, type Registry } from '@lienthong/platform';
import type { EventProducer } from '@lienthong/events';
import type { AddressMapper, HccClient, MyVnpostClient } from '@lienthong/vnpost';
import type { AgencyPostalDirectory } from './agencies.js';
import { createDossierIntake, wantOrder } from './intake.js';
import { createOrderCreator } from './creator.js';
import { createStatusUpdater } from './status-updates.js';
import { createOutboxRelay } from './outbox-relay.js';
import { registerPostalRoutes } from './routes.js';

export interface PostalDeps {
  logger: Logger;
  metrics: Registry;
  clients: ApiClientRegistry;
  pool: Pool;
  producer: EventProducer;
  /** postal.events.v1 under the namespace. */
  topic: string;
  agencies: AgencyPostalDirectory;
  mapper: AddressMapper;
  myvnpost?: MyVnpostClient;
  hcc?: HccClient;
  webhookPublicKey?: KeyObject;
  readiness?: Record<string, () => Promise<void>>;
  /** POSTAL_CLAIM_LEASE_SECONDS (default 60). */
  leaseSeconds?: number;
}

export interface PostalService {
  app: FastifyInstance;
  /** Handler of dossier.events.v1 for the consumer runner. */
  handleDossierEvent: ReturnType<typeof createDossierIntake>;
  /** One pass of order creation; resolves with how many orders were handled. */
  createDue: () => Promise<number>;
  pollStatuses: () => Promise<{ orders: number; reports: number }>;
  publishOutbox: () => Promise<number>;
  /** Asks the work loop to run soon. */
  kick: () => void;
  onKick: (fn: () => void) => void;
}

/** The postal service from its dependencies (conventions §1): main.ts wires real ones, tests theirs. */
export async function buildApp(deps: PostalDeps): Promise<PostalService> {
  const app = await createHttpServer({
    name: 'postal',
    description: 'Results returned by post through VNPost (MyVNPost and the HCC/LGSP route): orders, tracking, postal.events.v1.',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: { clients: deps.clients },
    readiness: deps.readiness ?? {},
  });
  const handleDossierEvent = createDossierIntake({ pool: deps.pool, agencies: deps.agencies });
  const creator = createOrderCreator({
    ...(deps.leaseSeconds ? { leaseSeconds: deps.leaseSeconds } : {}),
    pool: deps.pool,
    agencies: deps.agencies,
    mapper: deps.mapper,
    logger: deps.logger,
    ...(deps.myvnpost ? { myvnpost: deps.myvnpost } : {}),
    ...(deps.hcc ? { hcc: deps.hcc } : {}),
  });
  const updater = createStatusUpdater({
    pool: deps.pool,
    logger: deps.logger,
    ...(deps.myvnpost ? { myvnpost: deps.myvnpost } : {}),
    ...(deps.hcc ? { hcc: deps.hcc } : {}),
  });
  const publishOutbox = createOutboxRelay({ pool: deps.pool, producer: deps.producer, topic: deps.topic, logger: deps.logger });
  let kicked: () => void = () => {};
  const want = (maHoSo: string, agency: string) => wantOrder(deps.pool, deps.agencies, maHoSo, agency);
  registerPostalRoutes(app, {
    pool: deps.pool,
    mapper: deps.mapper,
    updater,
    want,
    kick: () => kicked(),
    ...(deps.myvnpost ? { myvnpost: deps.myvnpost } : {}),
    ...(deps.webhookPublicKey ? { webhookPublicKey: deps.webhookPublicKey } : {}),
  });
  return {
    app,
    handleDossierEvent,
    createDue: () => creator.runOnce(),
    pollStatuses: () => updater.pollOnce(),
    publishOutbox: () => publishOutbox(),
    kick: () => kicked(),
    onKick: (fn) => {
      kicked = fn;
    },
  };
}
