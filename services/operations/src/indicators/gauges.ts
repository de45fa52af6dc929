import { Gauge, type Clock, type Logger, type Pool, type Registry } from '@lienthong/platform';
import { parsePeriod, type IndicatorService } from './compute.js';
import { checkSchemaName } from '../read-model/schema.js';
import type { WorkingCalendar } from '../calendar/calendar.js';
import type { DeadlineMetrics } from '../deadline/metrics.js';

/**
 * Prometheus gauges of the live period (the current month, Vietnamese time) for the configured agencies
 * (or every current province-level unit: level 2 in the registry, or a province root seen in dossiers): rate, numerator and denominator per indicator. Refreshed on a
 * timer rather than at scrape time, so a scrape never waits for the database.
 */
export function createIndicatorGauges(deps: {
  registry: Registry;
  pool: Pool;
  schema: string;
  indicators: IndicatorService;
  clock: Clock;
  logger: Logger;
  agencies: string[];
  /** With these, `deadline_dossiers{kind}` counts overdue and due-soon dossiers across the read model. */
  deadlines?: { metrics: DeadlineMetrics; calendar: WorkingCalendar; dueSoonWorkingHours: number };
}) {
  const labels = ['indicator', 'agency'];
  const rate = new Gauge({
    name: 'indicator_rate_percent',
    help: 'Decision 766 indicator rate of the current month (percent; 2.2 in its unit)',
    labelNames: labels,
    registers: [deps.registry],
  });
  const num = new Gauge({
    name: 'indicator_numerator',
    help: 'numerator of the indicator, current month',
    labelNames: labels,
    registers: [deps.registry],
  });
  const den = new Gauge({
    name: 'indicator_denominator',
    help: 'denominator of the indicator, current month',
    labelNames: labels,
    registers: [deps.registry],
  });
  const overdue = new Gauge({
    name: 'overdue_dossiers',
    help: 'dossiers overdue now (deadline passed, not ended), per agency rolled up',
    labelNames: ['agency'],
    registers: [deps.registry],
  });
  let timer: NodeJS.Timeout | undefined;

  async function refresh(): Promise<void> {
    const agencies = deps.agencies.length
      ? deps.agencies
      : (
          (
            await deps.pool.query(
              `SELECT code FROM (SELECT code FROM ops_agency WHERE level = 2 AND successor IS NULL
             UNION SELECT DISTINCT ancestor FROM ops_agency_closure WHERE ancestor ~ '^000\\.00\\.00\\.[A-Z][0-9]{2}$') u
           WHERE NOT EXISTS (SELECT 1 FROM ops_agency a WHERE a.code = u.code AND a.successor IS NOT NULL) ORDER BY code LIMIT 50`,
            )
          ).rows as { code: string }[]
        ).map((r) => r.code);
    const now = deps.clock.now().getTime();
    if (deps.deadlines) {
      // The same conditions as the scan (deadline/monitor.ts) and GET /v1/overdue, /v1/due-soon: not ended,
      // not in an end status; overdue once the deadline has passed, due soon within the horizon.
      const bound = deps.deadlines.calendar.addWorkingMinutes(now, deps.deadlines.dueSoonWorkingHours * 60);
      const r = (
        await deps.pool.query(
          `SELECT count(*) FILTER (WHERE d.overdue_at < $1) AS overdue, count(*) FILTER (WHERE d.overdue_at >= $1 AND d.overdue_at <= $2) AS due_soon
             FROM ${checkSchemaName(deps.schema)}.dossier d
            WHERE d.end_at IS NULL AND (d.trang_thai IS NULL OR d.trang_thai NOT IN (3, 7, 8, 9, 10))`,
          [new Date(now), new Date(bound)],
        )
      ).rows[0] as { overdue: string; due_soon: string };
      deps.deadlines.metrics.dossiers.set({ kind: 'overdue' }, Number(r.overdue));
      deps.deadlines.metrics.dossiers.set({ kind: 'due-soon' }, Number(r.due_soon));
    }
    const period = parsePeriod(undefined, undefined, now);
    for (const agency of agencies) {
      const o = (
        await deps.pool.query(
          `SELECT count(*) AS n FROM ${checkSchemaName(deps.schema)}.dossier d WHERE d.agency_code IN (SELECT code FROM ops_agency_closure WHERE ancestor = $1)
           AND d.overdue_at < $2 AND d.end_at IS NULL AND (d.trang_thai IS NULL OR d.trang_thai NOT IN (3, 7, 8, 9, 10))`,
          [agency, new Date(now)],
        )
      ).rows[0] as { n: string };
      overdue.set({ agency }, Number(o.n));
      for (const f of await deps.indicators.compute({ agency, period, nowMs: now })) {
        if (f.rate !== null) rate.set({ indicator: f.id, agency }, f.rate);
        else rate.remove({ indicator: f.id, agency });
        if (f.numerator !== null) num.set({ indicator: f.id, agency }, f.numerator);
        if (f.denominator !== null) den.set({ indicator: f.id, agency }, f.denominator);
      }
    }
  }

  return {
    refresh,
    start(intervalMs: number) {
      const tick = () => {
        refresh()
          .catch((err) => deps.logger.warn({ err }, 'indicator gauges not refreshed'))
          .finally(() => {
            timer = setTimeout(tick, intervalMs);
            timer.unref();
          });
      };
      timer = setTimeout(tick, 1_000);
      timer.unref();
    },
    stop() {
      if (timer) clearTimeout(timer);
    },
  };
}
