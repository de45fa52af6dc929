import type { Kafka } from 'kafkajs';
import { decodeEvent, readDeadLetters } from '@lienthong/events';
import { errorMessage, type Logger, type Pool } from '@lienthong/platform';
import { DOSSIER_PROGRESSED, DOSSIER_UPSERTED, checkDossierEvent } from '../consume/dossier-events.js';
import { SyncError, SyncErrorCodes } from '../errors.js';
import type { LedgerIngest } from '../ledger/ingest.js';

export interface ReplayerOptions {
  pool: Pool;
  kafka: Kafka;
  ingest: LedgerIngest;
  /** dossier.events.v1.dlq with its namespace. */
  dlqTopic: string;
  logger: Logger;
  /** Called after dossiers were made due (wakes the pusher, if this process runs one). */
  onReplayed?: () => void;
  dlqReadTimeoutMs?: number;
}

export interface DossierReplay {
  maHoSo: string;
  /** Rejected progress steps made pending again. */
  stepsReset: number;
}

export interface DeadLetterReplay {
  deadLetters: number;
  /** Dead letters that could not be used (not a dossier event, or still invalid): left where they are. */
  skipped: { offset: string; reason: string }[];
  dossiers: DossierReplay[];
}

/**
 * Operator replay (docs/national-sync.md). Replaying never sends an old state: it makes the dossier due
 * with `resync`, so the pusher sends the *newest* snapshot the ledger holds (re-sent even if the portal is
 * believed to hold it), then every step not acknowledged — including steps the portal refused before.
 * Dead letters are first re-recorded through the same version check as live events: one that never made
 * it into the ledger (refused at ingest) is added if it is newer, an older one changes nothing.
 */
export function createReplayer(opts: ReplayerOptions) {
  const log = opts.logger.child({ component: 'replay' });

  async function replayDossier(maHoSo: string): Promise<DossierReplay | undefined> {
    const r = await opts.pool.query(
      `UPDATE sync_dossier SET resync = true, due_at = now(), state = 'pending', attempts = 0,
         rejected_time = NULL, rejected_seq = NULL, updated_at = now()
       WHERE ma_ho_so = $1 RETURNING ma_ho_so`,
      [maHoSo],
    );
    if (r.rowCount === 0) return undefined;
    const steps = await opts.pool.query(
      `UPDATE sync_progress SET rejected_at = NULL WHERE ma_ho_so = $1 AND rejected_at IS NOT NULL AND pushed_at IS NULL`,
      [maHoSo],
    );
    return { maHoSo, stepsReset: steps.rowCount ?? 0 };
  }

  return {
    /** Replays one dossier from the ledger; throws LT_SYNC_DOSSIER_NOT_FOUND if the ledger has none. */
    async replayDossier(maHoSo: string): Promise<DossierReplay> {
      const r = await replayDossier(maHoSo);
      if (!r)
        throw new SyncError(SyncErrorCodes.DOSSIER_NOT_FOUND, `no ledger entry for ${maHoSo}`, {
          kind: 'not_found',
          messageVi: `không có hồ sơ ${maHoSo} trong sổ cái đồng bộ`,
        });
      log.info({ maHoSo, stepsReset: r.stepsReset }, 'dossier replayed');
      opts.onReplayed?.();
      return r;
    },

    /** Replays every dossier with a dead letter since `since` (optionally only one MaHoSo). */
    async replayDeadLetters(since: Date, only?: string): Promise<DeadLetterReplay> {
      const letters = await readDeadLetters(opts.kafka, opts.dlqTopic, since.getTime(), {
        logger: log,
        timeoutMs: opts.dlqReadTimeoutMs ?? 30_000,
      });
      const skipped: DeadLetterReplay['skipped'] = [];
      const touched = new Set<string>();
      let count = 0;
      for (const dl of letters) {
        if (only !== undefined && dl.key !== only) continue;
        count++;
        try {
          const event = decodeEvent(dl.value);
          if (event.type !== DOSSIER_UPSERTED && event.type !== DOSSIER_PROGRESSED)
            throw new Error(`not a dossier event (${event.type})`);
          // The original offset keeps the event's version what it was when first consumed.
          const { maHoSo, version } = checkDossierEvent(event, dl.headers['dlq-original-offset'] ?? '0');
          if (event.type === DOSSIER_UPSERTED) await opts.ingest.recordSnapshot(maHoSo, event, version);
          else await opts.ingest.recordStep(maHoSo, event, version);
          touched.add(maHoSo);
        } catch (err) {
          if (err instanceof SyncError && err.retriable) throw err;
          skipped.push({ offset: dl.offset, reason: errorMessage(err).slice(0, 300) });
        }
      }
      const dossiers: DossierReplay[] = [];
      for (const m of touched) {
        const r = await replayDossier(m);
        if (r) dossiers.push(r);
      }
      log.info(
        { since: since.toISOString(), deadLetters: count, dossiers: dossiers.length, skipped: skipped.length },
        'dead letters replayed',
      );
      if (dossiers.length) opts.onReplayed?.();
      return { deadLetters: count, skipped, dossiers };
    },
  };
}

export type Replayer = ReturnType<typeof createReplayer>;
