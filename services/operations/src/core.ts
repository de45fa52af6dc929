import type { Clock, Logger, Pool, Registry } from '@lienthong/platform';
import type { EventProducer, SigningKey } from '@lienthong/events';
import type { WorkingCalendar } from './calendar/calendar.js';
import { createAgencyRegistry, type AgencyEntry, type AgencyRegistry } from './registry/agency-registry.js';
import { createReadModelStore, type ReadModelStore } from './read-model/store.js';
import { createReadModelHandler } from './read-model/handler.js';
import { createIndicatorService, type IndicatorService } from './indicators/compute.js';
import { createDeadlineMonitor, type DeadlineMonitor } from './deadline/monitor.js';
import { createOutboxRelay, type OutboxRelay } from './outbox.js';
import { createDeadlineMetrics, type DeadlineMetrics } from './deadline/metrics.js';

export interface OperationsCoreDeps {
  pool: Pool;
  /** Postgres schema of the read model. */
  schema: string;
  calendar: WorkingCalendar;
  clock: Clock;
  logger: Logger;
  metrics?: Registry;
  producer: EventProducer;
  /** dossier.deadline.v1 under the namespace. */
  deadlineTopic: string;
  agencyOverrides: AgencyEntry[];
  populationCodes: string[];
  dueSoonWorkingHours: number;
  outboxIntervalMs: number;
  /** EVENT_SIGNING_KEYS: settlements count only when payments signed them (handler.ts). */
  signingKeys?: readonly SigningKey[];
}

/** Everything buildApp and the service's start need, wired once; tests build the same with their own deps. */
export interface OperationsCore {
  registry: AgencyRegistry;
  store: ReadModelStore;
  handle: ReturnType<typeof createReadModelHandler>;
  indicators: IndicatorService;
  monitor: DeadlineMonitor;
  outbox: OutboxRelay;
  /** The deadline flow's counters and gauges, when a metrics registry was given. */
  deadlineMetrics?: DeadlineMetrics;
}

export function createOperationsCore(d: OperationsCoreDeps): OperationsCore {
  const registry = createAgencyRegistry({ pool: d.pool, logger: d.logger, overrides: d.agencyOverrides });
  const store = createReadModelStore({
    pool: d.pool,
    schema: d.schema,
    calendar: d.calendar,
    onNewAgency: (c) => registry.ensureCode(c),
  });
  const deadlineMetrics = d.metrics ? createDeadlineMetrics(d.metrics) : undefined;
  const outbox = createOutboxRelay({
    ...(deadlineMetrics ? { metrics: deadlineMetrics } : {}),
    pool: d.pool,
    producer: d.producer,
    topic: d.deadlineTopic,
    logger: d.logger,
    clock: d.clock,
    intervalMs: d.outboxIntervalMs,
  });
  const monitor = createDeadlineMonitor({
    ...(deadlineMetrics ? { metrics: deadlineMetrics } : {}),
    pool: d.pool,
    schema: d.schema,
    calendar: d.calendar,
    clock: d.clock,
    logger: d.logger,
    dueSoonWorkingHours: d.dueSoonWorkingHours,
    onQueued: () => outbox.kick(),
  });
  return {
    registry,
    store,
    handle: createReadModelHandler({
      store,
      ...(d.metrics ? { metrics: d.metrics } : {}),
      ...(d.signingKeys ? { signingKeys: d.signingKeys } : {}),
    }),
    indicators: createIndicatorService({ pool: d.pool, schema: d.schema, populationCodes: d.populationCodes }),
    monitor,
    outbox,
    ...(deadlineMetrics ? { deadlineMetrics } : {}),
  };
}
