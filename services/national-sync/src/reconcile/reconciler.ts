import cron, { type ScheduledTask } from 'node-cron';
import { errorMessage, type CircuitBreaker, type Logger, type Pool } from '@lienthong/platform';
import { decodeDossierRow, type DossierRowRaw } from '../ledger/rows.js';
import type { SyncMetrics } from '../metrics.js';
import { dossierPacket } from '../push/packets.js';
import type { PortalClient } from '../push/portal.js';
import { comparePortalRecord } from './compare.js';

export interface ReconcilerOptions {
  pool: Pool;
  portal: PortalClient;
  breaker: CircuitBreaker;
  logger: Logger;
  metrics: SyncMetrics;
  /** node-cron schedule. */
  schedule: string;
  windowMinutes: number;
  limit: number;
  /** Called when dossiers were marked for resync (wakes the pusher). */
  onResync: () => void;
}

export interface ReconcileReport {
  checked: number;
  same: number;
  different: number;
  unknown: number;
  failed: number;
  /** false when another instance was already running a reconciliation. */
  ran: boolean;
}

/** Advisory lock (one-bigint form) so that one instance at a time reconciles. */
const RECONCILE_LOCK = 0x4c5402;

/**
 * The reconciliation job: asks TraCuuHoSo about dossiers synced within the window (least recently
 * checked first) and, where the portal's record differs from the ledger's newest snapshot or the portal
 * does not know the dossier, marks it for resync — the pusher then sends the newest snapshot again (as
 * a create if the portal lost it). Catches what no acknowledgement can: a portal that lost data, or a
 * late request from an earlier timed-out push applied after a newer one.
 */
export function createReconciler(opts: ReconcilerOptions) {
  const log = opts.logger.child({ component: 'reconciler' });
  if (!cron.validate(opts.schedule)) throw new Error(`invalid reconciliation schedule '${opts.schedule}'`);
  let task: ScheduledTask | undefined;
  let running: Promise<ReconcileReport> | undefined;

  async function check(raw: DossierRowRaw, report: ReconcileReport): Promise<boolean> {
    const row = decodeDossierRow(raw);
    report.checked++;
    let records: object[];
    try {
      records = await opts.breaker.run(
        () => opts.portal.traCuuHoSo(row.maHoSo),
        (e) => (e as { retriable?: boolean }).retriable === true,
      );
    } catch (err) {
      report.failed++;
      opts.metrics.reconciled('failed');
      log.warn({ maHoSo: row.maHoSo, err: errorMessage(err) }, 'TraCuuHoSo failed');
      return false;
    }
    const cmp = comparePortalRecord(dossierPacket(row) as unknown as Record<string, unknown>, records);
    report[cmp.kind]++;
    opts.metrics.reconciled(cmp.kind);
    if (cmp.kind === 'same') {
      await opts.pool.query('UPDATE sync_dossier SET reconciled_at = now() WHERE ma_ho_so = $1', [row.maHoSo]);
      return false;
    }
    log.warn(
      { maHoSo: row.maHoSo, result: cmp.kind, fields: cmp.kind === 'different' ? cmp.fields : undefined },
      'portal differs from the ledger; resyncing',
    );
    // Only if nothing was pushed since we read the row: a newer push already makes the check moot.
    await opts.pool.query(
      `UPDATE sync_dossier SET resync = true, due_at = now(), state = 'pending', reconciled_at = now(),
         portal_time = CASE WHEN $2 THEN NULL ELSE portal_time END,
         portal_seq = CASE WHEN $2 THEN NULL ELSE portal_seq END, updated_at = now()
       WHERE ma_ho_so = $1 AND portal_event_id IS NOT DISTINCT FROM $3`,
      [row.maHoSo, cmp.kind === 'unknown', raw.portal_event_id],
    );
    return true;
  }

  async function runOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, same: 0, different: 0, unknown: 0, failed: 0, ran: false };
    const client = await opts.pool.connect();
    try {
      const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [RECONCILE_LOCK]);
      if (!lock.rows[0]?.ok) return report;
      report.ran = true;
      try {
        const rows = await client.query<DossierRowRaw>(
          `SELECT * FROM sync_dossier
            WHERE state = 'synced' AND snapshot_event IS NOT NULL
              AND portal_synced_at > now() - ($1::int * interval '1 minute')
            ORDER BY reconciled_at NULLS FIRST, portal_synced_at DESC LIMIT $2`,
          [opts.windowMinutes, opts.limit],
        );
        let resynced = false;
        for (const raw of rows.rows) {
          if (opts.breaker.state() === 'open') break;
          if (await check(raw, report)) resynced = true;
        }
        if (resynced) opts.onResync();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [RECONCILE_LOCK]);
      }
    } finally {
      client.release();
    }
    log.info({ ...report }, 'reconciliation done');
    return report;
  }

  return {
    /** Runs one reconciliation now (cron, admin API); concurrent calls share the run in progress. */
    run(): Promise<ReconcileReport> {
      running ??= runOnce().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      task = cron.schedule(
        opts.schedule,
        () => {
          this.run().catch((err) => log.error({ err: errorMessage(err) }, 'reconciliation failed'));
        },
        { noOverlap: true, name: 'national-sync-reconcile' },
      );
    },
    async stop() {
      await task?.destroy();
      task = undefined;
      await running?.catch(() => {});
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
