/** `requestType` values of a one-time payment [M1]; the hub uses `captureWallet`. */
export const MOMO_REQUEST_TYPES = Object.freeze(['captureWallet', 'payWithATM', 'payWithCC', 'payWithMethod'] as const);
export type MomoRequestType = (typeof MOMO_REQUEST_TYPES)[number];

export function isMomoRequestType(v: unknown): v is MomoRequestType {
  return typeof v === 'string' && (MOMO_REQUEST_TYPES as readonly string[]).includes(v);
}
