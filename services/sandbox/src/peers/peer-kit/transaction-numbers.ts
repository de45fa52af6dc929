/**
 * First transaction number of a simulated provider (VNPAY vnp_TransactionNo, MoMo transId, PayGov
 * MaGiaoDich). Real providers never reuse one, and the hub's ledger refuses a second settlement with the
 * same provider transaction id; a sandbox counting from a constant after every restart (or reset) would
 * hand out numbers the ledger has already seen, and its payments would be refused as duplicates.
 * Starting from the clock (ms × 100, 15 digits: VNPAY's Numeric[1,15] [V1], a safe integer for MoMo's
 * Long [M1]) keeps each start above every number an earlier start can have issued, unless it minted more
 * than 100 numbers per millisecond.
 */
export function transactionNumberStart(nowMs: number = Date.now()): number {
  return Math.floor(nowMs) * 100;
}
