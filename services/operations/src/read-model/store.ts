import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from '@lienthong/platform';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { checkSchemaName } from './schema.js';
import { agencyOfMaHoSo, snapshotFacts, stepFacts, type SnapshotFacts, type StepFacts } from './facts.js';
import { deriveDossier, type ProcedureTerms } from './derive.js';

export interface EventVersion {
  timeMs: number;
  seq: bigint;
}

export type ApplyResult = 'applied' | 'duplicate' | 'stale' | 'ignored';

/**
 * Writes the read model. Why it is correct under redelivery and reordering (issue 9 §1):
 * - A snapshot (dossier.upserted) replaces the snapshot columns only when its version (the event's `time`,
 *   then its offset, as national-sync's version.ts argues) is newer than the stored one: a redelivered or an
 *   older snapshot arriving late changes nothing.
 * - A progress step is a member of a set keyed by a hash of its content: inserting it twice is a no-op,
 *   and its position comes from its own ThoiDiemXuLy, never from arrival order.
 * - A payment is keyed by paymentId and a settlement wins over an expiry whatever their order; a sync
 *   outcome only lowers `synced_at` to the earliest accepted time (a min is order-free).
 * - Every derived column (end time, supplement rounds, deadline, overdue instant) is recomputed from the
 *   whole stored set of facts by the pure deriveDossier, inside the same transaction, under the dossier
 *   row's lock. So the read model is a function of the set of events seen, not of their order or count.
 */
export interface ReadModelStore {
  applySnapshot(maHoSo: string, data: Record<string, unknown>, v: EventVersion, eventId: string): Promise<ApplyResult>;
  applyStep(maHoSo: string, data: Record<string, unknown>, eventId: string): Promise<ApplyResult>;
  applyPayment(p: {
    paymentId: string;
    maHoSo: string;
    status: 'settled' | 'expired';
    provider?: string;
    paidFlag?: number;
    amount?: number;
    at?: string;
  }): Promise<ApplyResult>;
  applySyncAccepted(maHoSo: string, atMs: number): Promise<ApplyResult>;
  /** Recomputes the derived columns of dossiers whose deadline depends on the catalogue (no NgayHenTra). */
  rederiveWithoutDeadline(): Promise<number>;
  /** Recomputes one dossier (tests, admin). */
  rederive(maHoSo: string): Promise<void>;
}

/** Content hash of a step: the same CapNhatTienDoHoSoMC item twice is one step. */
export function stepKey(data: Record<string, unknown>): string {
  const canon = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
        )
      : Array.isArray(v)
        ? v.map(canon)
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canon(data)))
    .digest('hex')
    .slice(0, 32);
}

const ts = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms));

export function createReadModelStore(deps: {
  pool: Pool;
  schema: string;
  calendar: WorkingCalendar;
  /** Called with the agency code of every new dossier row (the registry's roll-up). */
  onNewAgency?: (code: string) => Promise<void>;
}): ReadModelStore {
  const s = checkSchemaName(deps.schema);
  const procedureCache = new Map<string, { terms: ProcedureTerms | null; at: number }>();

  async function procedureTerms(c: PoolClient, maTTHC: string | null): Promise<ProcedureTerms | null> {
    if (!maTTHC) return null;
    const hit = procedureCache.get(maTTHC);
    if (hit && Date.now() - hit.at < 60_000) return hit.terms;
    const r = (await c.query('SELECT legal_days, working_days FROM ops_procedure WHERE ma_tthc = $1', [maTTHC])).rows[0] as
      { legal_days: number | null; working_days: boolean } | undefined;
    const terms = r ? { legalDays: r.legal_days, workingDays: r.working_days } : null;
    if (procedureCache.size > 10_000) procedureCache.clear();
    procedureCache.set(maTTHC, { terms, at: Date.now() });
    return terms;
  }

  /**
   * Locks the dossier's row, creating a stub (agency from MaHoSo) when its first event is not a snapshot:
   * one statement (an upsert takes the row lock and returns the row), one round trip per event saved.
   */
  async function lockRow(
    c: PoolClient,
    maHoSo: string,
  ): Promise<{ snap: SnapshotFacts | null; snapTime: Date | null; snapSeq: string | null; maTTHC: string | null }> {
    const row = (
      await c.query(
        `INSERT INTO ${s}.dossier AS d (ma_ho_so, agency_code) VALUES ($1, $2)
       ON CONFLICT (ma_ho_so) DO UPDATE SET updated_at = d.updated_at
       RETURNING d.snap, d.snap_time, d.snap_seq, d.ma_tthc_national, (xmax = 0) AS inserted`,
        [maHoSo, agencyOfMaHoSo(maHoSo)],
      )
    ).rows[0] as {
      snap: SnapshotFacts | null;
      snap_time: Date | null;
      snap_seq: string | null;
      ma_tthc_national: string | null;
      inserted: boolean;
    };
    if (row.inserted && deps.onNewAgency) await deps.onNewAgency(agencyOfMaHoSo(maHoSo));
    return { snap: row.snap, snapTime: row.snap_time, snapSeq: row.snap_seq, maTTHC: row.ma_tthc_national };
  }

  async function derive(c: PoolClient, maHoSo: string, snap: SnapshotFacts | null, snapTime: Date | null): Promise<void> {
    const steps = (await c.query(`SELECT trang_thai, at FROM ${s}.step WHERE ma_ho_so = $1`, [maHoSo])).rows.map(
      (r: { trang_thai: number; at: Date }): StepFacts => ({ trangThai: r.trang_thai, at: r.at.getTime() }),
    );
    const d = deriveDossier({
      snap,
      snapTimeMs: snapTime ? snapTime.getTime() : null,
      steps,
      procedure: await procedureTerms(c, snap?.maTTHCNational ?? null),
      calendar: deps.calendar,
    });
    await c.query(
      `UPDATE ${s}.dossier SET start_at = $2, end_at = $3, end_status = $4, supp_count = $5, supp1_req = $6, supp1_done = $7,
         supp2_req = $8, clock_stopped = $9, due_base = $10, due_at = $11, overdue_at = $12, resolution_wmin = $13,
         resolution_ms = $14, updated_at = now()
       WHERE ma_ho_so = $1`,
      [
        maHoSo,
        ts(d.startAt),
        ts(d.endAt),
        d.endStatus,
        d.suppCount,
        ts(d.supp1Req),
        ts(d.supp1Done),
        ts(d.supp2Req),
        d.clockStopped,
        ts(d.dueBase),
        ts(d.dueAt),
        ts(d.overdueAt),
        d.resolutionWorkingMinutes,
        d.resolutionCalendarMs,
      ],
    );
  }

  async function tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await deps.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  return {
    applySnapshot(maHoSo, data, v, eventId) {
      return tx(async (c) => {
        const row = await lockRow(c, maHoSo);
        const stored = row.snapTime ? { timeMs: row.snapTime.getTime(), seq: BigInt(row.snapSeq ?? '0') } : undefined;
        if (stored && (stored.timeMs > v.timeMs || (stored.timeMs === v.timeMs && stored.seq >= v.seq))) {
          return stored.timeMs === v.timeMs && stored.seq === v.seq ? 'duplicate' : 'stale';
        }
        const f = snapshotFacts(data);
        await c.query(
          `UPDATE ${s}.dossier SET snap_time = $2, snap_seq = $3, snap_event_id = $4, snap = $5, ma_tthc = $6, ma_tthc_national = $7,
             ten_tthc = $8, kenh = $9, trang_thai = $10, ngay_nop = $11, ngay_tiep_nhan = $12, ngay_hen_tra = $13, fee_total = $14,
             fee_lines = $15, fees_all_zero = $16, paid_flag = $17, has_submitted_file = $18, has_result_file = $19,
             has_result_code_link = $20, reuse_flag = $21, from_citizen_store = $22, vneid = $23, ma_csdl = $24
           WHERE ma_ho_so = $1`,
          [
            maHoSo,
            new Date(v.timeMs),
            v.seq.toString(),
            eventId,
            JSON.stringify(f),
            f.maTTHC,
            f.maTTHCNational,
            f.tenTTHC,
            f.kenh,
            f.trangThai,
            ts(f.ngayNop),
            ts(f.ngayTiepNhan),
            ts(f.ngayHenTra),
            f.feeTotal,
            f.feeLines,
            f.feesAllZero,
            f.paidOnlineFlag,
            f.hasSubmittedFile,
            f.hasResultFile,
            f.hasResultCodeAndLink,
            f.reuseFlag,
            f.fromCitizenStore,
            f.vneid,
            f.maCSDL,
          ],
        );
        await derive(c, maHoSo, f, new Date(v.timeMs));
        return 'applied';
      });
    },

    applyStep(maHoSo, data, eventId) {
      const step = stepFacts(data);
      if (!step) return Promise.resolve('ignored');
      return tx(async (c) => {
        const row = await lockRow(c, maHoSo);
        const ins = await c.query(
          `INSERT INTO ${s}.step (ma_ho_so, step_key, trang_thai, at, event_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [maHoSo, stepKey(data), step.trangThai, new Date(step.at), eventId],
        );
        if (!ins.rowCount) return 'duplicate';
        await derive(c, maHoSo, row.snap, row.snapTime);
        return 'applied';
      });
    },

    applyPayment(p) {
      return tx(async (c) => {
        await lockRow(c, p.maHoSo);
        // A settlement wins over an expiry in either order (a late settlement after expiry is real money).
        const r = await c.query(
          `INSERT INTO ${s}.payment (payment_id, ma_ho_so, status, provider, paid_flag, amount, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (payment_id) DO UPDATE SET status = 'settled', provider = EXCLUDED.provider, paid_flag = EXCLUDED.paid_flag,
             amount = EXCLUDED.amount, at = EXCLUDED.at
           WHERE ${s}.payment.status = 'expired' AND EXCLUDED.status = 'settled'`,
          [
            p.paymentId,
            p.maHoSo,
            p.status,
            p.provider ?? null,
            p.paidFlag ?? null,
            p.amount ?? null,
            p.at ? new Date(p.at) : null,
          ],
        );
        if (!r.rowCount) return 'duplicate';
        await c.query(
          `UPDATE ${s}.dossier SET paid_settled = (SELECT min(paid_flag) FROM ${s}.payment WHERE ma_ho_so = $1 AND status = 'settled') WHERE ma_ho_so = $1`,
          [p.maHoSo],
        );
        return 'applied';
      });
    },

    applySyncAccepted(maHoSo, atMs) {
      return tx(async (c) => {
        await lockRow(c, maHoSo);
        const r = await c.query(
          `UPDATE ${s}.dossier SET synced_at = $2 WHERE ma_ho_so = $1 AND (synced_at IS NULL OR synced_at > $2)`,
          [maHoSo, new Date(atMs)],
        );
        return r.rowCount ? 'applied' : 'duplicate';
      });
    },

    async rederiveWithoutDeadline() {
      procedureCache.clear();
      const ids = (
        await deps.pool.query(
          `SELECT ma_ho_so FROM ${s}.dossier WHERE ngay_hen_tra IS NULL AND end_at IS NULL AND snap IS NOT NULL`,
        )
      ).rows.map((r: { ma_ho_so: string }) => r.ma_ho_so);
      for (const id of ids) await this.rederive(id);
      return ids.length;
    },

    rederive(maHoSo) {
      return tx(async (c) => {
        const row = await lockRow(c, maHoSo);
        await derive(c, maHoSo, row.snap, row.snapTime);
      });
    },
  };
}
