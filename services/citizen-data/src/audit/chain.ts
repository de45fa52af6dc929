import { createHmac } from 'node:crypto';

/** The hash before the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit row as stored (columns in camelCase). */
export interface AuditRow {
  seq: number;
  lookupId: string;
  at: Date;
  clientId: string;
  agency: string | null;
  officerId: string | null;
  maHoSo: string | null;
  maTTHC: string | null;
  operation: string;
  subjectType: 'citizen' | 'business' | null;
  subjectHash: string | null;
  fields: string[];
  outcome: 'found' | 'not-found' | 'match' | 'no-match' | 'refused' | 'error';
  reason: string | null;
  peerCode: string | null;
  latencyMs: number;
  prevHash: string;
  hash: string;
}

/**
 * The row's canonical content: every column but the hashes, in a fixed order, as JSON (so no separator can
 * be smuggled inside a value), the time as an ISO string in ms (what Postgres keeps of a JS Date).
 */
export function canonical(r: Omit<AuditRow, 'prevHash' | 'hash'>): string {
  return JSON.stringify([
    r.seq,
    r.lookupId,
    r.at.toISOString(),
    r.clientId,
    r.agency,
    r.officerId,
    r.maHoSo,
    r.maTTHC,
    r.operation,
    r.subjectType,
    r.subjectHash,
    r.fields,
    r.outcome,
    r.reason,
    r.peerCode,
    r.latencyMs,
  ]);
}

/** hash(row) = HMAC-SHA-256(chain key, prev_hash ‖ "\n" ‖ canonical(row)). */
export function chainHash(key: string, prevHash: string, r: Omit<AuditRow, 'prevHash' | 'hash'>): string {
  return createHmac('sha256', key)
    .update(`${prevHash}\n${canonical(r)}`, 'utf8')
    .digest('hex');
}

/** The first place the chain breaks, or null when it is whole. */
export interface ChainBreak {
  /** The seq of the first row that fails, or of the first missing row. */
  seq: number;
  lookupId: string | null;
  problem: 'altered' | 'missing' | 'relinked';
  message: string;
  message_vi: string;
}

/**
 * A streaming verifier: feed rows in seq order; it remembers the previous hash and reports the first break.
 * - a row whose content no longer gives its hash → `altered` (it was edited);
 * - a gap in seq, or a prev_hash that is not the previous row's hash → `missing` (rows before it deleted);
 * - a prev_hash that was rewritten to bridge a gap (and so no longer gives the row's hash) → `altered`.
 */
export function createChainVerifier(key: string) {
  let prev = GENESIS_HASH;
  let expected = 1;
  let checked = 0;
  return {
    get checked() {
      return checked;
    },
    get nextSeq() {
      return expected;
    },
    feed(r: AuditRow): ChainBreak | null {
      checked++;
      if (r.seq !== expected) {
        return {
          seq: expected,
          lookupId: null,
          problem: 'missing',
          message: `row ${expected}${r.seq - 1 > expected ? `–${r.seq - 1}` : ''} missing (deleted): the next row present is ${r.seq}`,
          message_vi: `Bản ghi ${expected}${r.seq - 1 > expected ? `–${r.seq - 1}` : ''} bị thiếu (đã bị xóa); bản ghi kế tiếp còn lại là ${r.seq}`,
        };
      }
      if (chainHash(key, r.prevHash, r) !== r.hash) {
        return {
          seq: r.seq,
          lookupId: r.lookupId,
          problem: 'altered',
          message: `row ${r.seq} was altered: its content no longer matches its hash`,
          message_vi: `Bản ghi ${r.seq} đã bị sửa: nội dung không còn khớp mã băm`,
        };
      }
      if (r.prevHash !== prev) {
        return {
          seq: r.seq,
          lookupId: r.lookupId,
          problem: 'relinked',
          message: `row ${r.seq} does not follow row ${r.seq - 1}: the chain was re-linked`,
          message_vi: `Bản ghi ${r.seq} không nối tiếp bản ghi ${r.seq - 1}: chuỗi đã bị nối lại`,
        };
      }
      prev = r.hash;
      expected = r.seq + 1;
      return null;
    },
  };
}
