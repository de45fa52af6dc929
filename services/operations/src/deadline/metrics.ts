import { Counter, Gauge, type Registry } from '@lienthong/platform';

/**
 * What the deadline flow does, for /metrics (and the console's overview row "Thời hạn"):
 * - `deadline_transitions_total{kind}`: overdue and due-soon transitions recorded by the scan (each one an
 *   ops_deadline_notice row and a queued dossier.deadline.v1 event). Counted by the instance that holds the
 *   scan's lock (monitor.ts), after its transaction committed.
 * - `deadline_failures_total{stage}`: a scan that failed (`scan`: the database refused or was away) and a
 *   batch of deadline events Kafka did not take (`publish`: they wait in the outbox and are retried).
 * - `deadline_dossiers{kind}`: dossiers overdue now and due soon now (within the due-soon horizon), across
 *   the read model, refreshed with the indicator gauges (indicators/gauges.ts).
 */
export interface DeadlineMetrics {
  transitions: Counter<'kind'>;
  failures: Counter<'stage'>;
  dossiers: Gauge<'kind'>;
}

export function createDeadlineMetrics(registry: Registry): DeadlineMetrics {
  const transitions = new Counter({
    name: 'deadline_transitions_total',
    help: 'overdue and due-soon transitions recorded (one per dossier, kind and deadline)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'deadline_failures_total',
    help: 'deadline scans that failed (stage=scan) and deadline event batches Kafka did not take (stage=publish)',
    labelNames: ['stage'],
    registers: [registry],
  });
  const dossiers = new Gauge({
    name: 'deadline_dossiers',
    help: 'dossiers overdue now (kind=overdue) and due within the due-soon horizon (kind=due-soon)',
    labelNames: ['kind'],
    registers: [registry],
  });
  // Present from the start at 0, so a scrape tells "none yet" from "not exported".
  for (const kind of ['overdue', 'due-soon']) transitions.inc({ kind }, 0);
  for (const stage of ['scan', 'publish']) failures.inc({ stage }, 0);
  return { transitions, failures, dossiers };
}
