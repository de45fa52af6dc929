import { Counter, Gauge, Histogram, type Registry } from '@lienthong/platform';

/** The service's own Prometheus series (the HTTP histogram and process metrics come from the platform). */
export interface PaymentMetrics {
  /** Notifications received, by provider and how they were answered (settled, duplicate, bad_signature…). */
  notifications: Counter<'provider' | 'outcome'>;
  /** Settlement calls by outcome (applied_paid, duplicate, amount_mismatch…) and who called (ipn, reconciliation). */
  settlements: Counter<'provider' | 'outcome' | 'source'>;
  /** Reconciliation runs and the status queries they made. */
  reconciliationRuns: Counter<'result'>;
  reconciliationChecks: Counter<'provider' | 'outcome'>;
  reconciliationSeconds: Histogram;
  /** Payments created at a provider, by outcome (created, refused, timeout, error). */
  creations: Counter<'provider' | 'outcome'>;
  /** Outbox events published / waiting. */
  outboxPublished: Counter;
  outboxBacklog: Gauge;
}

export function createPaymentMetrics(registry: Registry): PaymentMetrics {
  const registers = [registry];
  return {
    notifications: new Counter({
      name: 'payments_notifications_total',
      help: 'provider notifications by outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    settlements: new Counter({
      name: 'payments_settlements_total',
      help: 'settlement attempts by outcome and source',
      labelNames: ['provider', 'outcome', 'source'],
      registers,
    }),
    reconciliationRuns: new Counter({
      name: 'payments_reconciliation_runs_total',
      help: 'reconciliation runs',
      labelNames: ['result'],
      registers,
    }),
    reconciliationChecks: new Counter({
      name: 'payments_reconciliation_checks_total',
      help: 'status queries made by reconciliation, by what they said',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    reconciliationSeconds: new Histogram({
      name: 'payments_reconciliation_seconds',
      help: 'duration of a reconciliation run',
      buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    }),
    creations: new Counter({
      name: 'payments_created_total',
      help: 'payment creations at providers by outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    outboxPublished: new Counter({
      name: 'payments_outbox_published_total',
      help: 'payment events published from the outbox',
      registers,
    }),
    outboxBacklog: new Gauge({
      name: 'payments_outbox_backlog',
      help: 'payment events waiting in the outbox at the last relay pass',
      registers,
    }),
  };
}
