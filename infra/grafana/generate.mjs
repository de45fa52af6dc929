#!/usr/bin/env node
// Writes one Grafana dashboard JSON per service into infra/grafana/ (node infra/grafana/generate.mjs).
// Import them in Grafana (Dashboards → Import) with a Prometheus data source scraping the services'
// /metrics (every series carries `service`; pods add `instance`). Only metrics the code exports are used
// (tests/cluster/deployment-manifests.test.ts checks it). Ledger-wide gauges (national_sync_backlog…)
// are the same on every instance: panels take max, not sum.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const common = (s) => [
  ['Requests by status', `sum by (status) (rate(http_request_duration_seconds_count{service="${s}"}[5m]))`, 'reqps'],
  [
    'p95 latency by route',
    `histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{service="${s}"}[5m])))`,
    's',
  ],
  ['Resident memory by instance', `process_resident_memory_bytes{service="${s}"}`, 'bytes'],
  ['Event loop lag p99', `nodejs_eventloop_lag_p99_seconds{service="${s}"}`, 's'],
];
const producer = (s) => [
  ['Kafka messages published', `sum by (topic) (rate(kafka_published_messages_total{service="${s}"}[5m]))`, 'ops'],
  ['Kafka transaction failures', `sum(rate(kafka_publish_failures_total{service="${s}"}[5m]))`, 'ops'],
  [
    'Kafka transaction p95',
    `histogram_quantile(0.95, sum by (le) (rate(kafka_transaction_seconds_bucket{service="${s}"}[5m])))`,
    's',
  ],
];
const consumer = (s) => [
  ['Consumer lag by topic', `sum by (topic) (consumer_lag_messages{service="${s}"})`, 'short'],
  ['Messages handled by outcome', `sum by (topic, outcome) (rate(consumer_messages_total{service="${s}"}[5m]))`, 'ops'],
  [
    'Dead-lettered (1h)',
    `sum by (topic) (increase(consumer_messages_total{service="${s}",outcome="dead_lettered"}[1h]))`,
    'short',
  ],
  ['Paused partitions', `sum by (topic) (consumer_paused_partitions{service="${s}"})`, 'short'],
];

const services = {
  gateway: [
    ['Items accepted by kind', 'sum by (kind) (rate(gateway_items_accepted_total[5m]))', 'ops'],
    ['Requests refused by code', 'sum by (code) (rate(gateway_requests_refused_total[5m]))', 'reqps'],
    ...producer('gateway'),
    [
      'Kafka single-record send p95 (1-item requests)',
      'histogram_quantile(0.95, sum by (le) (rate(kafka_single_send_seconds_bucket{service="gateway"}[5m])))',
      's',
    ],
  ],
  'national-sync': [
    ['Oldest dossier not yet at the portal', 'max(national_sync_oldest_unsynced_seconds)', 's'],
    ['Backlog by kind', 'max by (kind) (national_sync_backlog)', 'short'],
    ['Circuit breaker open (by instance)', 'national_sync_circuit_open', 'short'],
    ['Push outcomes', 'sum by (outcome, service) (rate(national_sync_outcomes_total[5m]))', 'ops'],
    [
      'Lag accepted → portal p95',
      'histogram_quantile(0.95, sum by (le, service) (rate(national_sync_lag_seconds_bucket[5m])))',
      's',
    ],
    [
      'Portal call p95 by result',
      'histogram_quantile(0.95, sum by (le, result) (rate(national_sync_portal_call_seconds_bucket[5m])))',
      's',
    ],
    ['Events ingested by result', 'sum by (type, result) (rate(national_sync_ingested_total[5m]))', 'ops'],
    ['Reconciliation results (1h)', 'sum by (result) (increase(national_sync_reconciled_total[1h]))', 'short'],
    ...consumer('national-sync'),
    ...producer('national-sync'),
  ],
  payments: [
    ['Payments created by provider and outcome', 'sum by (provider, outcome) (rate(payments_created_total[5m]))', 'ops'],
    ['Provider notifications by outcome', 'sum by (provider, outcome) (rate(payments_notifications_total[5m]))', 'ops'],
    ['Settlements by outcome and source', 'sum by (outcome, source) (rate(payments_settlements_total[5m]))', 'ops'],
    [
      'Needing an operator (1h): conflict, mismatch, second transaction, review',
      'sum by (provider, outcome) (increase(payments_settlements_total{outcome=~"conflict|amount_mismatch|second_transaction|review"}[1h]))',
      'short',
    ],
    ['Outbox backlog', 'max(payments_outbox_backlog)', 'short'],
    ['Reconciliation runs (1h)', 'sum by (result) (increase(payments_reconciliation_runs_total[1h]))', 'short'],
    ['Reconciliation checks by outcome', 'sum by (provider, outcome) (rate(payments_reconciliation_checks_total[15m]))', 'ops'],
    ['Reconciliation run p95', 'histogram_quantile(0.95, sum by (le) (rate(payments_reconciliation_seconds_bucket[1h])))', 's'],
    ...producer('payments'),
  ],
  'citizen-data': [
    ['Look-ups by operation and outcome', 'sum by (operation, outcome) (rate(citizen_data_lookups_total[5m]))', 'ops'],
    [
      'Look-up errors share',
      'sum(rate(citizen_data_lookups_total{outcome="error"}[10m])) / sum(rate(citizen_data_lookups_total[10m]))',
      'percentunit',
    ],
    ...producer('citizen-data'),
  ],
  console: [...consumer('console')],
  operations: [
    ['Read model events by result', 'sum by (type, result) (rate(read_model_events_total[5m]))', 'ops'],
    ['Indicator rate (percent)', 'max by (indicator, agency) (indicator_rate_percent)', 'percent'],
    ['Indicator numerator', 'max by (indicator, agency) (indicator_numerator)', 'short'],
    ['Indicator denominator', 'max by (indicator, agency) (indicator_denominator)', 'short'],
    ...consumer('operations'),
    ...producer('operations'),
  ],
  notifications: [...consumer('notifications'), ...producer('notifications')],
  postal: [...consumer('postal'), ...producer('postal')],
  inbound: [...consumer('inbound'), ...producer('inbound')],
};

for (const [svc, specific] of Object.entries(services)) {
  const panels = [...specific, ...common(svc)].map(([title, expr, unit], i) => ({
    id: i + 1,
    type: 'timeseries',
    title,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: [{ refId: 'A', expr, legendFormat: '' }],
  }));
  const dashboard = {
    uid: `lienthong-${svc}`,
    title: `Liên Thông Hub — ${svc}`,
    tags: ['lienthong-hub', svc],
    timezone: 'Asia/Ho_Chi_Minh',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }] },
    annotations: { list: [] },
    panels,
  };
  writeFileSync(path.join(here, `${svc}.json`), `${JSON.stringify(dashboard, null, 2)}\n`);
}
console.error(`[grafana] wrote ${Object.keys(services).length} dashboards into ${path.relative(process.cwd(), here) || here}`);
