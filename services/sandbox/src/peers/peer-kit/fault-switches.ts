/**
 * JSON Schema properties of the fault switches every peer has (latency, 5xx and timeout shares, outage, the
 * seed of the draws), for a peer's PUT/PATCH /_admin/faults body; a peer adds its own switches beside them.
 */
export const commonFaultProperties = {
  latencyMs: { type: 'integer', minimum: 0, maximum: 120_000 },
  errorRate: { type: 'number', minimum: 0, maximum: 1 },
  timeoutRate: { type: 'number', minimum: 0, maximum: 1 },
  outage: { type: 'boolean' },
  /** Reseeds the random draws (errorRate, timeoutRate) for a reproducible run. */
  seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
} as const;
