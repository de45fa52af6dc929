import { commonFaultProperties } from '../peer-kit/index.js';

/** Run-time fault switches of the business registry (PUT/PATCH /dkkd/_admin/faults). */
export interface DkkdFaults {
  latencyMs: number;
  errorRate: number;
  timeoutRate: number;
  outage: boolean;
  tokenTtlMs: number | null;
  /** The reply is replaced: an HTML page with 200, JSON cut short, a huge JSON, a shape without Data. */
  malformed: 'html' | 'truncated' | 'huge' | 'wrong-shape' | null;
}

export const defaultFaults: Readonly<DkkdFaults> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  outage: false,
  tokenTtlMs: null,
  malformed: null,
});

export const faultsBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...commonFaultProperties,
    tokenTtlMs: { type: ['integer', 'null'], minimum: 1, maximum: 86_400_000 },
    malformed: { enum: ['html', 'truncated', 'huge', 'wrong-shape', null] },
  },
} as const;
export type FaultsBody = Partial<DkkdFaults> & { seed?: number };
