import { randomUUID } from 'node:crypto';
import { createMicroBatcher, HubError, type Pool } from '@lienthong/platform';
import { CitizenDataErrors } from '../errors.js';
import { chainHash, createChainVerifier, GENESIS_HASH, type AuditRow, type ChainBreak } from './chain.js';

/** What a caller records; seq, time, lookupId and the hashes are the log's. */
export type AuditEntry = Omit<AuditRow, 'seq' | 'at' | 'lookupId' | 'prevHash' | 'hash'> & { lookupId?: string };

export interface AuditSearch {
  subjectHash?: string;
  officerId?: string;
  agency?: string;
  maHoSo?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBroken: ChainBreak | null;
}

export interface AuditLog {
  /** Appends one row (grouped with concurrent appends into one transaction); resolves with the stored row. */
  append(e: AuditEntry): Promise<AuditRow>;
  /** Recomputes the whole chain in seq order and names the first broken row. */
  verify(): Promise<VerifyResult>;
  search(q: AuditSearch): Promise<AuditRow[]>;
}

const COLUMNS =
  'seq, lookup_id, at, client_id, agency, officer_id, ma_ho_so, ma_tthc, operation, subject_type, subject_hash, fields, outcome, reason, peer_code, latency_ms, prev_hash, hash';

export function rowOf(r: Record<string, unknown>): AuditRow {
  return {
    seq: Number(r.seq),
    lookupId: String(r.lookup_id),
    at: r.at as Date,
    clientId: String(r.client_id),
    agency: (r.agency as string | null) ?? null,
    officerId: (r.officer_id as string | null) ?? null,
    maHoSo: (r.ma_ho_so as string | null) ?? null,
    maTTHC: (r.ma_tthc as string | null) ?? null,
    operation: String(r.operation),
    subjectType: (r.subject_type as AuditRow['subjectType']) ?? null,
    subjectHash: (r.subject_hash as string | null) ?? null,
    fields: (r.fields as string[] | null) ?? [],
    outcome: r.outcome as AuditRow['outcome'],
    reason: (r.reason as string | null) ?? null,
    peerCode: (r.peer_code as string | null) ?? null,
    latencyMs: Number(r.latency_ms),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

/**
 * The append-only, hash-chained audit log in Postgres. The chain has one head: appends are grouped per
 * event-loop turn (a burst of look-ups costs one INSERT, not one each) and placed optimistically after the
 * head, the primary key on seq settling races between instances. A look-up's answer is sent only after its row committed:
 * if the log cannot be written, the caller gets 503 and no data (nothing unaudited leaves the hub).
 */
export function createAuditLog(opts: { pool: Pool; chainKey: string; now?: () => Date }): AuditLog {
  const now = opts.now ?? (() => new Date());
  // The chain's head as this instance last wrote or read it. Appends are optimistic: the batch is inserted with
  // the next seqs in ONE statement (one round trip, no lock); if another instance took one of those seqs
  // first, the primary key refuses the whole batch, the head is re-read and the batch re-chained. Within this
  // process appends run one batch at a time (`tail`), so they never race each other.
  let head: { seq: number; hash: string } | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  const readHead = async () => {
    const r = (await opts.pool.query('SELECT seq, hash FROM citizen_audit ORDER BY seq DESC LIMIT 1')).rows[0] as
      { seq: string; hash: string } | undefined;
    head = r ? { seq: Number(r.seq), hash: r.hash } : { seq: 0, hash: GENESIS_HASH };
    return head;
  };
  const insertOnce = async (entries: AuditEntry[]): Promise<AuditRow[]> => {
    const h = head ?? (await readHead());
    let seq = h.seq;
    let prev = h.hash;
    const rows: AuditRow[] = [];
    const at = new Date(Math.floor(now().getTime()));
    for (const e of entries) {
      // Millisecond precision: what a JS Date keeps, so the canonical form survives the round trip.
      const base = { ...e, seq: ++seq, lookupId: e.lookupId ?? randomUUID(), at };
      const hash = chainHash(opts.chainKey, prev, base);
      rows.push({ ...base, prevHash: prev, hash });
      prev = hash;
    }
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const vals = [
        r.seq,
        r.lookupId,
        r.at,
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
        r.prevHash,
        r.hash,
      ];
      const start = params.length;
      params.push(...vals);
      return `(${vals.map((_, i) => `$${start + i + 1}`).join(', ')})`;
    });
    await opts.pool.query(`INSERT INTO citizen_audit (${COLUMNS}) VALUES ${tuples.join(', ')}`, params);
    head = { seq, hash: prev };
    return rows;
  };
  const flush = (entries: AuditEntry[]): Promise<AuditRow[]> => {
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await insertOnce(entries);
        } catch (err) {
          const raced =
            (err as { code?: string; constraint?: string }).code === '23505' &&
            (err as { constraint?: string }).constraint === 'citizen_audit_pkey';
          if (raced && attempt < 20) {
            await readHead().catch(() => (head = undefined));
            continue;
          }
          head = undefined;
          throw new HubError(
            CitizenDataErrors.AUDIT_UNAVAILABLE,
            'the audit log cannot be written; nothing is answered unaudited',
            {
              kind: 'unavailable',
              retriable: true,
              cause: err,
              messageVi: 'Không ghi được nhật ký kiểm toán; yêu cầu không được thực hiện, vui lòng thử lại sau',
            },
          );
        }
      }
    };
    const p = tail.then(run, run);
    tail = p.catch(() => undefined);
    return p;
  };
  const append = createMicroBatcher(flush, { maxItems: 200 });

  return {
    append,
    async verify() {
      const v = createChainVerifier(opts.chainKey);
      let after = 0;
      for (;;) {
        const { rows } = await opts.pool.query(`SELECT ${COLUMNS} FROM citizen_audit WHERE seq > $1 ORDER BY seq LIMIT 2000`, [
          after,
        ]);
        if (rows.length === 0) break;
        for (const raw of rows) {
          const broken = v.feed(rowOf(raw as Record<string, unknown>));
          if (broken) return { ok: false, checked: v.checked, firstBroken: broken };
        }
        after = Number((rows[rows.length - 1] as { seq: string }).seq);
      }
      // Rows already published but gone from the table: the tail was deleted.
      const published = Number(
        (
          (await opts.pool.query('SELECT last_seq FROM citizen_audit_published WHERE id = 1')).rows[0] as
            { last_seq?: string } | undefined
        )?.last_seq ?? 0,
      );
      if (published >= v.nextSeq) {
        return {
          ok: false,
          checked: v.checked,
          firstBroken: {
            seq: v.nextSeq,
            lookupId: null,
            problem: 'missing',
            message: `rows ${v.nextSeq}–${published} were published to citizen.audit.v1 but are missing from the table (the tail was deleted)`,
            message_vi: `Bản ghi ${v.nextSeq}–${published} đã được phát lên citizen.audit.v1 nhưng không còn trong bảng (phần cuối đã bị xóa)`,
          },
        };
      }
      return { ok: true, checked: v.checked, firstBroken: null };
    },
    async search(q) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        params.push(v);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (q.subjectHash) add('subject_hash = ?', q.subjectHash);
      if (q.officerId) add('officer_id = ?', q.officerId);
      if (q.agency) add('agency = ?', q.agency);
      if (q.maHoSo) add('ma_ho_so = ?', q.maHoSo);
      if (q.from) add('at >= ?', q.from);
      if (q.to) add('at < ?', q.to);
      params.push(q.limit);
      const { rows } = await opts.pool.query(
        `SELECT ${COLUMNS} FROM citizen_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => rowOf(r as Record<string, unknown>));
    },
  };
}
