import { drawApiFault, type Random } from '../peer-kit/index.js';

/**
 * Run-time fault switches of the DVCQG simulator (PUT /dvcqg/_admin/faults). They apply to the protocol
 * routes (auth, integration, share), never to the admin API.
 */
export interface DvcqgFaults {
  /** Added before every protocol answer. */
  latencyMs: number;
  /** Share of calls answered 5xx before any processing (0..1). */
  errorRate: number;
  /** Share of calls processed and then left hanging, answering 504 after SANDBOX_DVCQG_TIMEOUT_HANG_MS (0..1). */
  timeoutRate: number;
  /** Every protocol call answers 503 with a proxy's HTML page; nothing is processed. */
  outage: boolean;
  /** Sessions die this long after login, whatever the login answer announced; null = as announced. */
  sessionTtlMs: number | null;
  /** Dossiers refused permanently with a portal error (-1), in DongBoHoSoMC, CapNhatTienDoHoSoMC and DongBoTrangThaiHoSo. */
  rejectMaHoSo: string[];
  /** Answers (DongBoKetQuaHoiDapGuiTuDVCQG) to these questions refused permanently with -1. */
  rejectHoiDapId: string[];
  /** The call is processed, then its answer is replaced by a malformed one. */
  malformed: 'html' | 'non-json' | 'no-error-code' | 'huge' | null;
  /**
   * Dialect switch, not a fault: how success is written — 0 (OpenCPS 3.0 branch), "0" (TD) or "00"
   * (OpenCPS 2020 branches) [code S1, T2].
   */
  successCode: 0 | '0' | '00';
}

export const defaultFaults: Readonly<DvcqgFaults> = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  outage: false,
  sessionTtlMs: null,
  rejectMaHoSo: [],
  rejectHoiDapId: [],
  malformed: null,
  successCode: 0,
});

/** JSON Schema of the PUT/PATCH body; the route validates with it, so the values below are trusted. */
export const faultsBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    latencyMs: { type: 'integer', minimum: 0, maximum: 120_000 },
    errorRate: { type: 'number', minimum: 0, maximum: 1 },
    timeoutRate: { type: 'number', minimum: 0, maximum: 1 },
    outage: { type: 'boolean' },
    sessionTtlMs: { type: ['integer', 'null'], minimum: 1, maximum: 86_400_000 },
    rejectMaHoSo: { type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1, maxLength: 100 } },
    rejectHoiDapId: { type: 'array', maxItems: 10_000, items: { type: 'string', minLength: 1, maxLength: 100 } },
    malformed: { enum: ['html', 'non-json', 'no-error-code', 'huge', null] },
    successCode: { enum: [0, '0', '00'] },
    /** Reseeds the random draws (errorRate, timeoutRate) for a reproducible run. */
    seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
  },
} as const;

export type FaultsBody = Partial<DvcqgFaults> & { seed?: number };

/** What happens to one protocol call, drawn once per call. */
export type FaultAction = 'outage' | 'error' | 'timeout' | undefined;

/** Outage first (it is total), then the one draw every peer makes, split between 5xx and timeouts. */
export function drawFault(f: DvcqgFaults, random: Random): FaultAction {
  if (f.outage) return 'outage';
  return drawApiFault(f, random);
}
