import {
  backoffDelay,
  errorMessage,
  isRetriable,
  type Clock,
  type Logger,
  type Pool,
  type RetryPolicy,
} from '@lienthong/platform';
import type { DvcqgClient } from '@lienthong/dvcqg';
import type { AgencyRegistry } from '../registry/agency-registry.js';
import type { ReadModelStore } from '../read-model/store.js';

/** What the hub keeps of a LayThuTuc answer (reference §5). */
export interface ProcedureRecord {
  maTTHC: string;
  name: string;
  legalDays: number | null;
  unit: string | null;
  workingDays: boolean;
  fees: { MAPHILEPHI: string; SOTIEN: number; MOTA: string }[];
  hasFee: boolean;
  requiresPaperResult: boolean;
  onlineChannel: boolean;
  agencies: string[];
}

const arr = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Record<string, unknown>[]) : [];
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Reads one LayThuTuc `result[0]` (untrusted: every field checked). Legal time = the largest
 * THOIGIANGIAIQUYET over the channels [inf]; working days when DONVITINH says "làm việc" (or is empty) [inf];
 * "requires a paper result" = the procedure lists a result in KETQUATHUCHIEN [inf: the catalogue has no
 * explicit flag in the shapes seen]; online = a CACHTHUCTHUCHIEN with KENH 2 [inf].
 */
export function procedureFromDetail(maTTHC: string, name: string, d: Record<string, unknown>): ProcedureRecord {
  let legalDays: number | null = null;
  let unit: string | null = null;
  const fees = new Map<string, { MAPHILEPHI: string; SOTIEN: number; MOTA: string }>();
  let online = false;
  for (const way of arr(d.CACHTHUCTHUCHIEN)) {
    if (String(way.KENH ?? '') === '2') online = true;
    for (const t of arr(way.THOIGIAN)) {
      const days = num(t.THOIGIANGIAIQUYET);
      if (days !== undefined && days >= 0 && days < 10_000 && (legalDays === null || days > legalDays)) {
        legalDays = days;
        unit = typeof t.DONVITINH === 'string' ? t.DONVITINH.slice(0, 100) : null;
      }
      for (const f of arr(t.PHILEPHI)) {
        const amount = num(f.SOTIEN);
        if (amount === undefined || amount < 0) continue;
        const code = typeof f.MAPHILEPHI === 'string' ? f.MAPHILEPHI.slice(0, 100) : '';
        fees.set(`${code}|${amount}`, {
          MAPHILEPHI: code,
          SOTIEN: amount,
          MOTA: typeof f.MOTA === 'string' ? f.MOTA.slice(0, 500) : '',
        });
      }
    }
  }
  const feeList = [...fees.values()];
  return {
    maTTHC,
    name: (typeof d.TENTTHC === 'string' ? d.TENTTHC : name).slice(0, 500),
    legalDays,
    unit,
    workingDays: unit === null || unit === '' || /làm việc/i.test(unit),
    fees: feeList,
    hasFee: feeList.some((f) => f.SOTIEN > 0),
    requiresPaperResult: arr(d.KETQUATHUCHIEN).length > 0,
    onlineChannel: online,
    agencies: arr(d.COQUANTHUCHIEN)
      .map((c) => c.MADONVI)
      .filter((c): c is string => typeof c === 'string' && /^[A-Za-z0-9.]{1,64}$/.test(c)),
  };
}

export interface CatalogueRun {
  runId: number;
  status: 'ok' | 'partial' | 'failed' | 'skipped';
  proceduresListed: number;
  detailsOk: number;
  detailsFailed: number;
  agencies: number;
  errors: { what: string; code: string; message: string }[];
}

export interface CatalogueSync {
  runOnce(trigger: string): Promise<CatalogueRun>;
}

const LOCK = "hashtext('lienthong-operations-catalogue')";

/**
 * Catalogue sync (issue 9 §6): LayDanhSachTTHC, then LayThuTuc for each procedure, then LayDanhMucCoQuan
 * into the agency registry. Each call is retried with backoff (retry policy below) while the answer is
 * retriable (5xx, timeouts, malformed answers); a procedure that still fails keeps its previous details and
 * the run ends `partial`, listing what failed, so a portal fault never empties the catalogue. One run at a
 * time across instances (a session advisory lock held for the run).
 */
export function createCatalogueSync(deps: {
  pool: Pool;
  client: DvcqgClient;
  registry: AgencyRegistry;
  store: ReadModelStore;
  logger: Logger;
  clock: Clock;
  retry?: RetryPolicy;
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}): CatalogueSync {
  const log = deps.logger.child({ component: 'catalogue-sync' });
  const policy = deps.retry ?? { maxAttempts: 4, minDelayMs: 200, maxDelayMs: 5_000, factor: 2, jitter: 0.3 };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isRetriable(err) || attempt >= policy.maxAttempts) throw err;
        await sleep(backoffDelay(policy, attempt));
      }
    }
  }

  const codeOf = (err: unknown) => String((err as { code?: unknown }).code ?? 'LT_OPS_CATALOGUE_SYNC_FAILED');

  return {
    async runOnce(trigger) {
      const lockClient = await deps.pool.connect();
      try {
        const got = (await lockClient.query(`SELECT pg_try_advisory_lock(${LOCK}) AS ok`)).rows[0] as { ok: boolean };
        if (!got.ok)
          return { runId: 0, status: 'skipped', proceduresListed: 0, detailsOk: 0, detailsFailed: 0, agencies: 0, errors: [] };
        try {
          const started = deps.clock.now();
          const runId = Number(
            (
              (
                await deps.pool.query('INSERT INTO ops_catalogue_run (trigger, started_at) VALUES ($1, $2) RETURNING run_id', [
                  trigger.slice(0, 50),
                  started,
                ])
              ).rows[0] as { run_id: string }
            ).run_id,
          );
          const run: CatalogueRun = {
            runId,
            status: 'ok',
            proceduresListed: 0,
            detailsOk: 0,
            detailsFailed: 0,
            agencies: 0,
            errors: [],
          };
          try {
            const list = (await withRetry(() => deps.client.layDanhSachTTHC())).filter(
              (p) => typeof p.MATTHC === 'string' && /^\d\.\d{6}$/.test(p.MATTHC) && typeof p.TENTTHC === 'string',
            );
            run.proceduresListed = list.length;
            await deps.pool.query(
              `INSERT INTO ops_procedure (ma_tthc, name, listed_at) SELECT * , $3::timestamptz FROM unnest($1::text[], $2::text[])
               ON CONFLICT (ma_tthc) DO UPDATE SET name = EXCLUDED.name, listed_at = EXCLUDED.listed_at`,
              [list.map((p) => p.MATTHC), list.map((p) => p.TENTTHC.slice(0, 500)), started],
            );
            let next = 0;
            const worker = async () => {
              while (next < list.length) {
                const p = list[next++]!;
                try {
                  const detail = await withRetry(() => deps.client.layThuTuc(p.MATTHC));
                  if (!detail)
                    throw Object.assign(new Error('LayThuTuc answered no procedure'), { code: 'LT_OPS_PROCEDURE_UNKNOWN' });
                  const r = procedureFromDetail(p.MATTHC, p.TENTTHC, detail as Record<string, unknown>);
                  await deps.pool.query(
                    `UPDATE ops_procedure SET name = $2, legal_days = $3, unit = $4, working_days = $5, fees = $6, has_fee = $7,
                       requires_paper_result = $8, online_channel = $9, agencies = $10, detail = $11, detail_synced_at = $12 WHERE ma_tthc = $1`,
                    [
                      r.maTTHC,
                      r.name,
                      r.legalDays,
                      r.unit,
                      r.workingDays,
                      JSON.stringify(r.fees),
                      r.hasFee,
                      r.requiresPaperResult,
                      r.onlineChannel,
                      r.agencies,
                      JSON.stringify(detail),
                      deps.clock.now(),
                    ],
                  );
                  run.detailsOk++;
                } catch (err) {
                  run.detailsFailed++;
                  if (run.errors.length < 100)
                    run.errors.push({
                      what: `LayThuTuc ${p.MATTHC}`,
                      code: codeOf(err),
                      message: errorMessage(err).slice(0, 300),
                    });
                }
              }
            };
            await Promise.all(Array.from({ length: deps.concurrency ?? 4 }, worker));
            try {
              run.agencies = await deps.registry.applyPortalList(await withRetry(() => deps.client.layDanhMucCoQuan()));
            } catch (err) {
              run.errors.push({ what: 'LayDanhMucCoQuan', code: codeOf(err), message: errorMessage(err).slice(0, 300) });
            }
            run.status = run.errors.length ? 'partial' : 'ok';
            await deps.store.rederiveWithoutDeadline();
          } catch (err) {
            run.status = 'failed';
            run.errors.push({ what: 'LayDanhSachTTHC', code: codeOf(err), message: errorMessage(err).slice(0, 300) });
          }
          await deps.pool.query(
            `UPDATE ops_catalogue_run SET finished_at = $2, status = $3, procedures_listed = $4, details_ok = $5, details_failed = $6, agencies = $7, errors = $8 WHERE run_id = $1`,
            [
              runId,
              deps.clock.now(),
              run.status,
              run.proceduresListed,
              run.detailsOk,
              run.detailsFailed,
              run.agencies,
              JSON.stringify(run.errors),
            ],
          );
          log.info(
            {
              runId,
              status: run.status,
              listed: run.proceduresListed,
              ok: run.detailsOk,
              failed: run.detailsFailed,
              agencies: run.agencies,
            },
            'catalogue sync finished',
          );
          return run;
        } finally {
          await lockClient.query(`SELECT pg_advisory_unlock(${LOCK})`).catch(() => {});
        }
      } finally {
        lockClient.release();
      }
    },
  };
}
