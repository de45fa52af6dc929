import { Counter, Gauge, Histogram, type CircuitBreaker, type Pool, type Registry } from '@lienthong/platform';
import type { PortalService, SyncOutcomeKind } from './outbox/outcomes.js';

export interface SyncMetrics {
  /** Outcomes by kind (synced/rejected/retrying) and DVCQG service. */
  outcome(kind: SyncOutcomeKind, service: PortalService, n?: number): void;
  /** Sync lag: gateway acceptance → portal acknowledgement. */
  lag(service: PortalService, ms: number): void;
  /** One portal call's result and duration. */
  portalCall(service: PortalService, result: string, ms: number): void;
  /** What ingest did with an event. */
  ingested(type: string, result: 'recorded' | 'stale' | 'duplicate' | 'ignored'): void;
  /** Dossiers the reconciler found different from the ledger. */
  reconciled(result: 'same' | 'different' | 'unknown' | 'failed'): void;
}

/**
 * Prometheus metrics of national-sync. Backlog gauges are read from the ledger at scrape time (bounded
 * by the pool's statement timeout), so every instance reports the same, cluster-wide, truth.
 */
export function createSyncMetrics(registry: Registry, pool: Pool, breaker?: CircuitBreaker): SyncMetrics {
  const outcomes = new Counter({
    name: 'national_sync_outcomes_total',
    help: 'push outcomes by kind and DVCQG service',
    labelNames: ['outcome', 'service'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'national_sync_lag_seconds',
    help: 'time from the gateway accepting an event to the portal acknowledging it',
    labelNames: ['service'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
    registers: [registry],
  });
  const calls = new Histogram({
    name: 'national_sync_portal_call_seconds',
    help: 'DVCQG call duration by service and result (ok, transient, rejected, exists)',
    labelNames: ['service', 'result'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 6, 10],
    registers: [registry],
  });
  const ingest = new Counter({
    name: 'national_sync_ingested_total',
    help: 'dossier events by type and what the ledger did with them',
    labelNames: ['type', 'result'],
    registers: [registry],
  });
  const reconcile = new Counter({
    name: 'national_sync_reconciled_total',
    help: 'reconciliation checks by result',
    labelNames: ['result'],
    registers: [registry],
  });

  const backlogQuery = `SELECT
      (SELECT count(*) FROM sync_dossier WHERE due_at IS NOT NULL) AS due,
      (SELECT count(*) FROM sync_dossier WHERE state = 'retrying') AS retrying,
      (SELECT count(*) FROM sync_dossier WHERE state = 'rejected') AS rejected,
      (SELECT count(*) FROM sync_progress WHERE pushed_at IS NULL AND rejected_at IS NULL) AS steps,
      (SELECT count(*) FROM sync_outbox) AS outbox,
      (SELECT extract(epoch FROM now() - min(snapshot_accepted_at)) FROM sync_dossier WHERE due_at IS NOT NULL) AS oldest`;
  const backlog = new Gauge({
    name: 'national_sync_backlog',
    help: 'work waiting: due dossiers, dossiers retrying or rejected, pending progress steps, unpublished outbox records',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      try {
        const r = (await pool.query(backlogQuery)).rows[0] as Record<string, string | null>;
        for (const kind of ['due', 'retrying', 'rejected', 'steps', 'outbox']) this.set({ kind }, Number(r[kind] ?? 0));
        oldest.set(Number(r.oldest ?? 0));
      } catch {
        // A scrape must not fail because the ledger is down; /health/ready reports that.
      }
    },
  });
  const oldest = new Gauge({
    name: 'national_sync_oldest_unsynced_seconds',
    help: 'age of the oldest accepted snapshot not yet at the portal',
    registers: [registry],
  });
  void backlog;
  if (breaker) {
    new Gauge({
      name: 'national_sync_circuit_open',
      help: '1 while the DVCQG circuit breaker is open',
      registers: [registry],
      collect() {
        this.set(breaker.state() === 'open' ? 1 : 0);
      },
    });
  }

  return {
    outcome: (kind, service, n = 1) => outcomes.inc({ outcome: kind, service }, n),
    lag: (service, ms) => lag.observe({ service }, Math.max(0, ms) / 1000),
    portalCall: (service, result, ms) => calls.observe({ service, result }, ms / 1000),
    ingested: (type, result) => ingest.inc({ type, result }),
    reconciled: (result) => reconcile.inc({ result }),
  };
}
