import { drawApiFault, seededRandom, type ApiFault, type Random } from '../peer-kit/index.js';

export type { ApiFault };

/**
 * Run-time fault switches of a payment peer (`POST|PUT /<peer>/_admin/faults`). Notification faults act on
 * the peer's server-to-server calls to the merchant (IPN, confirm); API faults on the protocol endpoints the
 * hub calls (create, querydr, query, INIT…), never on the admin API or the pay page.
 */
export interface PaymentPeerFaults {
  /** Share (0..1) of notifications never sent at all — the paid order whose IPN never came [V6a]. */
  lostNotifications: number;
  /** Wait before the first delivery of each notification, in ms. */
  delayMs: number;
  /** Extra identical copies sent concurrently with each delivery attempt (a race for the hub's idempotency). */
  duplicateNotifications: number;
  /** Alter the amount after signing, so the signature no longer matches (a forged notification). */
  tamperNotifications: boolean;
  /** Share (0..1) of protocol API calls answered with the provider's error. */
  errorRate: number;
  /** Share (0..1) of protocol API calls left hanging (then 504 after the configured hang). */
  timeoutRate: number;
}

export const defaultPaymentPeerFaults: Readonly<PaymentPeerFaults> = Object.freeze({
  lostNotifications: 0,
  delayMs: 0,
  duplicateNotifications: 0,
  tamperNotifications: false,
  errorRate: 0,
  timeoutRate: 0,
});

/** JSON Schema of the admin body; the route validates with it, so stored values are trusted. */
export const paymentPeerFaultsBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    lostNotifications: { type: 'number', minimum: 0, maximum: 1 },
    delayMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
    duplicateNotifications: { type: 'integer', minimum: 0, maximum: 50 },
    tamperNotifications: { type: 'boolean' },
    errorRate: { type: 'number', minimum: 0, maximum: 1 },
    timeoutRate: { type: 'number', minimum: 0, maximum: 1 },
    /** Reseeds the random draws for a reproducible run. */
    seed: { type: 'integer', minimum: 0, maximum: 4_294_967_295 },
  },
} as const;

export type PaymentPeerFaultsPatch = Partial<PaymentPeerFaults> & { seed?: number };

export interface FaultSwitches {
  get(): Readonly<PaymentPeerFaults>;
  /** Merges a validated patch (POST) or replaces from the defaults (PUT). */
  set(patch: PaymentPeerFaultsPatch, mode?: 'merge' | 'replace'): Readonly<PaymentPeerFaults>;
  reset(): void;
  /** One draw per protocol call, split between error and timeout (rates are shares of all calls). */
  drawApiFault(): ApiFault;
  /** One draw per notification. */
  drawLost(): boolean;
}

export function createFaultSwitches(initial: Partial<PaymentPeerFaults> = {}, seed = 20_250_304): FaultSwitches {
  let current: Readonly<PaymentPeerFaults> = Object.freeze({ ...defaultPaymentPeerFaults, ...initial });
  let random: Random = seededRandom(seed);
  return {
    get: () => current,
    set(patch, mode = 'merge') {
      const { seed: newSeed, ...values } = patch;
      if (newSeed !== undefined) random = seededRandom(newSeed);
      current = Object.freeze({ ...(mode === 'merge' ? current : defaultPaymentPeerFaults), ...values });
      return current;
    },
    reset() {
      current = Object.freeze({ ...defaultPaymentPeerFaults });
      random = seededRandom(seed);
    },
    drawApiFault: () => drawApiFault(current, random),
    drawLost() {
      return current.lostNotifications > 0 && random() < current.lostNotifications;
    },
  };
}
