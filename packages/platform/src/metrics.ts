import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';

export { Registry, Counter, Histogram, Gauge };

/** One Prometheus registry per service, with the Node process metrics and a `service` label. */
export function createMetricsRegistry(service: string, opts: { defaults?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry });
  return registry;
}
