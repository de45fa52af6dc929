/**
 * The deadline flow's figures on /metrics (deadline/metrics.ts), the ones the console's overview shows:
 * transitions counted when the scan records them, dossiers overdue and due soon now, and failures that do
 * happen — a scan whose read model is missing, a batch of deadline events Kafka refuses — against real
 * Postgres and Kafka.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@lienthong/platform';
import { quietLogger } from '../../../tests/helpers/index.js';
import { at, calendar, createHarness, d14, feed, putProcedure, snapshotEvent, type Harness } from './harness.js';
import { createOperationsCore } from '../src/core.js';
import { createIndicatorGauges } from '../src/indicators/gauges.js';
import { createIndicatorService } from '../src/indicators/compute.js';
import { loadAgencyOverrides } from '../src/registry/agency-registry.js';
import { defaultAgencyOverridesFile } from '../src/paths.js';

const agency = '000.00.01.H97';
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: '2025-03-12T03:00:00Z' }); // Wednesday 10:00 in Vietnam
  await putProcedure(h.pool, { ma: '1.100001', legalDays: 5, fee: 0, paper: false, agencies: [agency] });
});
afterAll(async () => h?.close());

const coreWith = (registry: ReturnType<typeof createMetricsRegistry>, o: { schema?: string; deadlineTopic?: string } = {}) =>
  createOperationsCore({
    pool: h.pool,
    schema: o.schema ?? h.schema,
    calendar,
    clock: h.clock,
    logger: quietLogger('ops-metrics'),
    metrics: registry,
    producer: h.producer,
    deadlineTopic: o.deadlineTopic ?? h.topics.dossierDeadline,
    agencyOverrides: loadAgencyOverrides(defaultAgencyOverridesFile),
    populationCodes: [],
    dueSoonWorkingHours: 8,
    outboxIntervalMs: 100,
  });

/** The value of one sample of the registry's text exposition, or undefined when it is not exported. */
async function sample(
  registry: ReturnType<typeof createMetricsRegistry>,
  name: string,
  label: string,
): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('deadline metrics', () => {
  it('counts the transitions a scan records and the dossiers overdue and due soon now; failures start at 0', async () => {
    const registry = createMetricsRegistry('operations-test', { defaults: false });
    const core = coreWith(registry);
    expect(await sample(registry, 'deadline_transitions_total', 'kind="overdue"')).toBe(0);
    expect(await sample(registry, 'deadline_failures_total', 'stage="scan"')).toBe(0);
    const item = (n: string, received: string, due: string) => ({
      MaHoSo: `${agency}-250301-${n}`,
      MaTTHC: '1.100001',
      TrangThaiHoSo: '2',
      NgayTiepNhan: d14(received),
      NgayHenTra: d14(due),
    });
    await feed(core, [
      snapshotEvent(item('0001', '2025-03-03T08:00', '2025-03-10T17:00'), new Date(at('2025-03-03T08:00')).toISOString()),
      snapshotEvent(item('0002', '2025-03-04T08:00', '2025-03-11T17:00'), new Date(at('2025-03-04T08:00')).toISOString()),
      snapshotEvent(item('0003', '2025-03-10T08:00', '2025-03-12T15:00'), new Date(at('2025-03-10T08:00')).toISOString()),
      snapshotEvent(item('0004', '2025-03-11T08:00', '2025-03-28T17:00'), new Date(at('2025-03-11T08:00')).toISOString()),
    ]);
    expect(await core.monitor.scanOnce()).toMatchObject({ overdue: 2, dueSoon: 1, leader: true });
    expect(await sample(registry, 'deadline_transitions_total', 'kind="overdue"')).toBe(2);
    expect(await sample(registry, 'deadline_transitions_total', 'kind="due-soon"')).toBe(1);
    // A second scan finds nothing new: the counter does not move.
    await core.monitor.scanOnce();
    expect(await sample(registry, 'deadline_transitions_total', 'kind="overdue"')).toBe(2);

    const gauges = createIndicatorGauges({
      registry,
      pool: h.pool,
      schema: h.schema,
      indicators: createIndicatorService({ pool: h.pool, schema: h.schema, populationCodes: [] }),
      clock: h.clock,
      logger: quietLogger('gauges'),
      agencies: [agency],
      deadlines: { metrics: core.deadlineMetrics!, calendar, dueSoonWorkingHours: 8 },
    });
    await gauges.refresh();
    expect(await sample(registry, 'deadline_dossiers', 'kind="overdue"')).toBe(2);
    expect(await sample(registry, 'deadline_dossiers', 'kind="due-soon"')).toBe(1);
    await core.outbox.drain();
  });

  it('counts a scan that fails and a batch of deadline events Kafka refuses', async () => {
    const registry = createMetricsRegistry('operations-test', { defaults: false });
    // No read model in this schema: the scan's query fails.
    const broken = coreWith(registry, { schema: 'ops_not_there' });
    await expect(broken.monitor.scanOnce()).rejects.toThrow();
    expect(await sample(registry, 'deadline_failures_total', 'stage="scan"')).toBe(1);

    // A topic name Kafka refuses: the queued events stay in the outbox and the failure is counted.
    const registry2 = createMetricsRegistry('operations-test', { defaults: false });
    const refused = coreWith(registry2, { deadlineTopic: 'not a valid topic!' });
    const m = `${agency}-250302-0009`;
    await feed(refused, [
      snapshotEvent(
        {
          MaHoSo: m,
          MaTTHC: '1.100001',
          TrangThaiHoSo: '2',
          NgayTiepNhan: d14('2025-03-03T08:00'),
          NgayHenTra: d14('2025-03-05T17:00'),
        },
        new Date(at('2025-03-03T08:00')).toISOString(),
      ),
    ]);
    expect((await refused.monitor.scanOnce()).overdue).toBe(1);
    await expect(refused.outbox.drain()).rejects.toThrow();
    expect(await sample(registry2, 'deadline_failures_total', 'stage="publish"')).toBe(1);
    const waiting = (
      await h.pool.query(`SELECT count(*)::int AS n FROM ops_outbox WHERE published_at IS NULL AND event->>'subject' = $1`, [m])
    ).rows[0].n;
    expect(waiting).toBe(1);
    // Leave the outbox clean for nothing else: mark it published (this test's relay can never send it).
    await h.pool.query(`UPDATE ops_outbox SET published_at = now() WHERE event->>'subject' = $1`, [m]);
  });
});
