/**
 * Our postal states, the ones `postal.events.v1` publishes. `unknown` keeps a status code we cannot map:
 * it is recorded and flagged for operators, never dropped (issue 15).
 */
export const POSTAL_STATES = [
  'created',
  'picked-up',
  'in-transit',
  'delivered',
  'failed',
  'returned',
  'cancelled',
  'unknown',
] as const;
export type PostalState = (typeof POSTAL_STATES)[number];

/** States after which VNPost will not move the order again (polling stops). */
export const FINAL_STATES: ReadonlySet<PostalState> = new Set(['delivered', 'returned', 'cancelled']);

/**
 * MyVNPost order `status` → our state. Source: two independent public clients agree on the codes
 * (vnpost.md §1 "Order status", [code N6, X2]); the grouping follows X2's mapping, with two choices of
 * ours [inf]: 15 (delivery failed) is `failed` rather than X2's IN_TRANSIT, because an operator must see a
 * failed attempt, and the return stages 16–18/24 are `failed` until 19 says the item is back (`returned`).
 * 20/23 (partial), 21/28/29 (COD and fee settlements) do not move the parcel: `delivered` for 20/21/23
 * [inf], fee events 28/29 keep the state (null). 0 (draft) is `created` [inf]: we never create drafts.
 */
const MYVNPOST: Record<number, PostalState | null> = {
  0: 'created',
  1: 'created',
  2: 'created',
  3: 'created',
  4: 'created',
  5: 'failed', // pickup failed
  6: 'picked-up',
  7: 'picked-up',
  8: 'failed', // pickup failed
  9: 'cancelled', // pickup cancelled
  10: 'in-transit',
  11: 'in-transit',
  12: 'in-transit',
  13: 'in-transit',
  14: 'delivered',
  15: 'failed',
  16: 'failed',
  17: 'failed',
  18: 'failed',
  19: 'returned',
  20: 'delivered',
  21: 'delivered',
  22: 'cancelled',
  23: 'delivered',
  24: 'failed',
  28: null,
  29: null,
  [-8]: 'cancelled', // deleted
};

/** Maps a MyVNPost status code: a state, `null` for codes that do not move the parcel, `unknown` otherwise. */
export function myvnpostState(status: number | string): PostalState | null {
  const text = String(status).trim();
  // Number('') is 0 (a draft): an empty status must stay unknown, not become a state.
  const n = typeof status === 'number' ? status : text === '' ? NaN : Number(text);
  if (!Number.isInteger(n)) return 'unknown';
  return n in MYVNPOST ? MYVNPOST[n]! : 'unknown';
}

/**
 * HCC/LGSP tracking `StatusCode` → our state. Only 4 = delivered is seen in public code (OpenCPS's
 * scheduler, vnpost.md §2 [code O5]); every other code is `unknown` and flagged for operators until the
 * official table is known.
 */
export function hccState(statusCode: number | string): PostalState {
  return Number(statusCode) === 4 ? 'delivered' : 'unknown';
}

/** Every MyVNPost status code the reference lists (for tests and the docs' table). */
export const MYVNPOST_KNOWN_CODES: readonly number[] = Object.keys(MYVNPOST).map(Number);
