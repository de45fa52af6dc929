/**
 * The keyset cursor of GET /v1/payments: the position after the last row of a page, in the list's order
 * (`created_at DESC, payment_id DESC`). The list is ordered by creation, not by last change, because a
 * payment's `created_at` never moves: a row updated while an operator pages through the list can neither
 * appear twice nor be skipped (ordered by `updated_at`, it would jump above the cursor and be missed).
 *
 * The cursor carries `created_at` as Postgres keeps it, to the microsecond (a JS Date keeps milliseconds:
 * rows written by SQL with `now()` would otherwise compare wrongly at the page boundary), and the payment id
 * as the tie-breaker. It travels base64url-encoded so callers treat it as opaque; it is decoded strictly,
 * so a forged cursor is a 400, never SQL.
 */
export interface ListCursor {
  /** `created_at` in UTC with microseconds, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (Postgres `to_char`, see payment-reads.ts). */
  createdAt: string;
  paymentId: string;
}

const SHAPE =
  /^(\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Longest encoded cursor: 27 + 1 + 36 bytes of text, base64url without padding. */
export const MAX_CURSOR_LENGTH = 86;

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(`${c.createdAt}|${c.paymentId}`, 'utf8').toString('base64url');
}

/** The cursor in `s`, or undefined when `s` is not one this service wrote. */
export function decodeCursor(s: string): ListCursor | undefined {
  if (s.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  const m = SHAPE.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m) return undefined;
  // Date.parse rolls 2025-02-30 over to March 2; Postgres would refuse it (a 500). A real calendar date only,
  // and none before 1970 (Postgres has no year 0).
  const ms = Date.parse(m[1]!);
  if (!(ms >= 0) || new Date(ms).toISOString().slice(0, 19) !== m[1]!.slice(0, 19)) return undefined;
  return { createdAt: m[1]!, paymentId: m[2]! };
}
