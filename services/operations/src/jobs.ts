import cron, { type ScheduledTask } from 'node-cron';
import type { FastifyInstance } from 'fastify';
import { runExclusive, type Clock, type Pool, type ServiceContext } from '@lienthong/platform';
import { createDvcqgClient } from '@lienthong/dvcqg';
import type { WorkingCalendar } from './calendar/calendar.js';
import type { OperationsConfig } from './config.js';
import type { OperationsCore } from './core.js';
import { createCatalogueSync } from './catalogue/catalogue-sync.js';
import { registerCatalogueRoutes } from './catalogue/catalogue-routes.js';
import { createMonthlyRatings, registerRatingRoutes } from './ratings/ratings.js';
import { createIndicatorGauges } from './indicators/gauges.js';
import { checkSchemaName } from './read-model/schema.js';

/**
 * The service's scheduled work (design: "node-cron jobs run once per cluster"): the deadline scan (leader =
 * the holder of its advisory lock, see deadline/monitor.ts), the nightly catalogue sync (session lock),
 * the monthly ratings (advisory lock around each tick) and the indicator gauges; plus the routes of the
 * catalogue and ratings modules.
 */
export function createJobs(d: {
  ctx: ServiceContext<OperationsConfig>;
  core: OperationsCore;
  pool: Pool;
  calendar: WorkingCalendar;
  clock: Clock;
}) {
  const c = d.ctx.config;
  const log = d.ctx.logger;
  const client = c.DVCQG_PASSWORD
    ? createDvcqgClient({
        baseUrl: c.DVCQG_BASE_URL,
        username: c.DVCQG_USERNAME,
        password: c.DVCQG_PASSWORD,
        madonvi: c.DVCQG_MADONVI,
        timeoutMs: c.DVCQG_TIMEOUT_MS,
        logger: log,
      })
    : undefined;
  if (!client) log.warn('DVCQG_PASSWORD not set: catalogue sync and monthly ratings are off');
  const sync = client
    ? createCatalogueSync({ pool: d.pool, client, registry: d.core.registry, store: d.core.store, logger: log, clock: d.clock })
    : undefined;
  const ratings = createMonthlyRatings({ pool: d.pool, client, clock: d.clock, logger: log });
  const gauges = createIndicatorGauges({
    registry: d.ctx.metrics,
    pool: d.pool,
    schema: checkSchemaName(c.OPERATIONS_READ_SCHEMA),
    indicators: d.core.indicators,
    clock: d.clock,
    logger: log,
    agencies: c.OPERATIONS_GAUGE_AGENCIES.split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    ...(d.core.deadlineMetrics
      ? {
          deadlines: {
            metrics: d.core.deadlineMetrics,
            calendar: d.calendar,
            dueSoonWorkingHours: c.OPERATIONS_DUE_SOON_WORKING_HOURS,
          },
        }
      : {}),
  });
  const tasks: ScheduledTask[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const schedule = (name: string, expr: string, fn: () => Promise<unknown>) => {
    if (!cron.validate(expr)) throw new Error(`${name}: invalid cron expression "${expr}"`);
    tasks.push(
      cron.schedule(
        expr,
        async () => {
          const p = fn().catch((err) => log.error({ err, job: name }, 'job failed'));
          inFlight.add(p);
          await p;
          inFlight.delete(p);
        },
        { name, noOverlap: true },
      ),
    );
  };

  return {
    routes: [
      (app: FastifyInstance) =>
        registerCatalogueRoutes(app, {
          pool: d.pool,
          sync,
          refuseAgencies: c.OPERATIONS_CATALOGUE_REFUSE_AGENCIES.split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        }),
      (app: FastifyInstance) => registerRatingRoutes(app, { pool: d.pool, clock: d.clock }),
    ],
    start() {
      d.core.monitor.schedule(c.OPERATIONS_DEADLINE_CRON);
      if (sync) {
        schedule('operations-catalogue', c.OPERATIONS_CATALOGUE_CRON, () => sync.runOnce('nightly'));
        // An empty catalogue (a fresh install) is filled now rather than at the first nightly run.
        const first = d.pool
          .query('SELECT 1 FROM ops_procedure LIMIT 1')
          .then((r) => (r.rowCount ? undefined : sync.runOnce('start')))
          .catch((err) => log.warn({ err }, 'first catalogue sync failed; the nightly run will retry'));
        inFlight.add(first);
        void first.finally(() => inFlight.delete(first));
      }
      if (client) {
        schedule('operations-ratings', c.OPERATIONS_RATINGS_CRON, async () => {
          await runExclusive(d.pool, 'lienthong-operations-ratings', () => ratings.tick());
        });
      }
      gauges.start(c.OPERATIONS_GAUGE_INTERVAL_MS);
    },
    async stop() {
      gauges.stop();
      await d.core.monitor.stop();
      for (const t of tasks) {
        await t.stop();
        await t.destroy();
      }
      await Promise.all(inFlight);
    },
  };
}
