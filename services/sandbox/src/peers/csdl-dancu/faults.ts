import { commonFaultProperties, drawApiFault, type Random } from '../peer-kit/index.js';

/**
 * Run-time fault switches (PUT/PATCH /csdl-dancu/_admin/faults), applied to the token and SOAP routes,
 * never to the admin API.
 */
export interface CsdlFaults {
  latencyMs: number;
  /** Share of calls answered 5xx (0..1). */
  errorRate: number;
  /** Share of calls left hanging, then 504 (0..1). */
  timeoutRate: number;
  /** Every call answers 503 with a proxy's HTML page. */
  outage: boolean;
  /** Tokens die this long after issue whatever expires_in announced; null = as announced. */
  tokenTtlMs: number | null;
  /** The SOAP call's reply is replaced by a hostile or malformed one. */
  malformed: 'html' | 'truncated' | 'xxe' | 'billion-laughs' | 'huge' | 'wrong-namespace' | 'soap-fault' | 'not-soap' | null;
}

export const defaultFaults: Readonly<CsdlFaults> = Object.freeze({
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
    malformed: {
      enum: ['html', 'truncated', 'xxe', 'billion-laughs', 'huge', 'wrong-namespace', 'soap-fault', 'not-soap', null],
    },
  },
} as const;

export type FaultsBody = Partial<CsdlFaults> & { seed?: number };

export function drawFault(f: CsdlFaults, random: Random): 'outage' | 'error' | 'timeout' | undefined {
  if (f.outage) return 'outage';
  return drawApiFault(f, random);
}
