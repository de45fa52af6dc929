import type { FastifyInstance } from 'fastify';
import type { Clock, Pool } from '@lienthong/platform';
import type { WorkingCalendar } from './calendar/calendar.js';
import type { OperationsCore } from './core.js';
import { registerIndicatorRoutes } from './routes/indicator-routes.js';
import { registerDossierRoutes } from './routes/dossier-routes.js';
import { registerApologyRoutes } from './apology/apology-routes.js';
import { registerAgencyRoutes } from './registry/agency-routes.js';

export interface OperationsAppDeps {
  /** The platform's HTTP server (auth, errors, health, metrics, OpenAPI): ctx.httpServer, or createHttpServer in tests. */
  server: FastifyInstance;
  core: OperationsCore;
  pool: Pool;
  schema: string;
  calendar: WorkingCalendar;
  clock: Clock;
  /** Extra routes (catalogue, ratings) registered by their modules. */
  extraRoutes?: ((app: FastifyInstance) => void)[];
  /** The due-soon horizon in working hours (OPERATIONS_DUE_SOON_WORKING_HOURS), for GET /v1/due-soon. */
  dueSoonWorkingHours?: number;
}

/** The operations HTTP API on the platform server (conventions §1); tests use app.inject(). */
export async function buildApp(deps: OperationsAppDeps): Promise<FastifyInstance> {
  const app = deps.server;
  registerIndicatorRoutes(app, { indicators: deps.core.indicators, clock: deps.clock });
  registerDossierRoutes(app, {
    pool: deps.pool,
    schema: deps.schema,
    clock: deps.clock,
    dueSoon: { calendar: deps.calendar, workingHours: deps.dueSoonWorkingHours ?? 8 },
  });
  registerApologyRoutes(app, {
    pool: deps.pool,
    schema: deps.schema,
    clock: deps.clock,
    calendar: deps.calendar,
    onQueued: () => deps.core.outbox.kick(),
  });
  registerAgencyRoutes(app, { pool: deps.pool, registry: deps.core.registry });
  for (const r of deps.extraRoutes ?? []) r(app);
  await app.ready();
  return app;
}
