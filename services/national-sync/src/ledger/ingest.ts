import { createMicroBatcher, type Pool } from '@lienthong/platform';
import type { CloudEvent } from '@lienthong/events';
import { ledgerError } from '../errors.js';
import type { Version } from '../version.js';
import { stepKeyOf } from './step-key.js';

export type SnapshotOutcome = 'recorded' | 'stale';
export type StepOutcome = 'recorded' | 'duplicate';

export interface LedgerIngest {
  /** Records a dossier snapshot if it is newer than the one the ledger holds; else it is stale. */
  recordSnapshot(maHoSo: string, event: CloudEvent, version: Version): Promise<SnapshotOutcome>;
  /** Records a progress step unless the same step (same content) is already recorded. */
  recordStep(maHoSo: string, event: CloudEvent, version: Version): Promise<StepOutcome>;
  /** Records a fee-settlement overlay if newer than the one held; the dossier is re-pushed with it. */
  recordFees(maHoSo: string, overlay: object, timeMs: number): Promise<SnapshotOutcome>;
}

/**
 * How the consumer writes accepted events into the ledger. Each write is one statement, so it is atomic
 * and takes the dossier's row lock only for its own duration: ingest never waits on a push in flight
 * (pushers serialize on an advisory lock, not on the row), so a slow portal never stalls the consumer.
 *
 * A newly recorded event makes the dossier due at once, except while it waits out a retry backoff: a
 * portal outage must not turn every incoming update into an immediate push. Either way the pusher
 * reads the newest snapshot when it gets to the dossier, so the newest state is what goes out.
 */
interface Snapshot {
  maHoSo: string;
  event: CloudEvent;
  time: Date;
  seq: string;
}

export function createLedgerIngest(pool: Pool): LedgerIngest {
  const dueExpr = `CASE WHEN d.state = 'retrying' AND d.due_at IS NOT NULL THEN d.due_at ELSE now() END`;
  const stateExpr = `CASE WHEN d.state = 'retrying' THEN 'retrying' ELSE 'pending' END`;

  // The WHERE of ON CONFLICT is evaluated on the locked, latest row: of two concurrent writers the older
  // version loses whichever commits first. Equal versions (a redelivery) are stale. So is a newer snapshot
  // whose dossier data equals the one the ledger holds (a client's resend: the gateway's 1-item requests go
  // without a Kafka transaction, and one answered 503 may already have been written, issue 16): the portal
  // holds or is about to get exactly that, and recording it would push it again — or, during a push of the
  // first copy, make the settlement see a changed row and push twice. Except after the portal refused the
  // data: sending it again is how a province retries once the portal's side is fixed.
  // A named (prepared) statement, parsed and planned once per connection; the rows as one JSON parameter,
  // which JSON.stringify writes natively (text arrays are escaped element by element in JavaScript, and
  // each event was serialized once more on its own: issue 16's profile).
  const upsertSnapshots = (items: readonly Snapshot[]) =>
    pool.query<{ ma_ho_so: string }>({
      name: 'ns-ingest-snapshots',
      text: `INSERT INTO sync_dossier AS d (ma_ho_so, snapshot_event, snapshot_time, snapshot_seq, snapshot_accepted_at, state, due_at)
       SELECT m, e, t, s, now(), 'pending', now() FROM json_to_recordset($1::json) AS i(m text, e jsonb, t timestamptz, s bigint)
       ON CONFLICT (ma_ho_so) DO UPDATE SET
         snapshot_event = EXCLUDED.snapshot_event, snapshot_time = EXCLUDED.snapshot_time,
         snapshot_seq = EXCLUDED.snapshot_seq, snapshot_accepted_at = now(),
         state = ${stateExpr}, due_at = ${dueExpr}, updated_at = now()
       WHERE (d.snapshot_time IS NULL
          OR (d.snapshot_time, d.snapshot_seq) < (EXCLUDED.snapshot_time, EXCLUDED.snapshot_seq))
         AND (d.state = 'rejected' OR d.snapshot_event->'data' IS DISTINCT FROM EXCLUDED.snapshot_event->'data')
       RETURNING ma_ho_so`,
      values: [JSON.stringify(items.map((i) => ({ m: i.maHoSo, e: i.event, t: i.time, s: i.seq })))],
    });
  /**
   * Snapshots recorded by the consumer's concurrent partitions in the same event-loop turn share one
   * statement, so one commit (one WAL flush) instead of one each: ingest was what capped national-sync's
   * drain (issue 16: the ledger's `synced` followed `ingested` within a cycle, and each 1-row commit
   * waited for its own flush). One statement may not touch a row twice, so a dossier already in the batch
   * (never from one partition, which hands over one record at a time; possibly from another consumer) is
   * recorded by its own statement afterwards, in arrival order. A refused statement (a data error, e.g.
   * a value jsonb does not take) is retried row by row, so only the record at fault gets the error and
   * its neighbours from other partitions are recorded; an infrastructure failure fails them all (retriable).
   */
  const recordSnapshots = createMicroBatcher<Snapshot, SnapshotOutcome | Error>(async (items) => {
    const seen = new Set<string>();
    const first = items.filter((i) => !seen.has(i.maHoSo) && seen.add(i.maHoSo));
    let results: Map<Snapshot, SnapshotOutcome | Error>;
    try {
      const recorded = new Set((await upsertSnapshots(first)).rows.map((r) => r.ma_ho_so));
      results = new Map(first.map((i) => [i, recorded.has(i.maHoSo) ? 'recorded' : 'stale']));
    } catch (err) {
      const e = ledgerError(err, 'record snapshot');
      if (e.retriable) throw e;
      results = new Map();
      for (const i of first) results.set(i, await recordOne(i));
    }
    for (const i of items) if (!results.has(i)) results.set(i, await recordOne(i));
    // Each caller gets its own outcome, an Error being thrown to its caller only (recordSnapshot below).
    return items.map((i) => results.get(i)!);
  });
  async function recordOne(i: Snapshot): Promise<SnapshotOutcome | Error> {
    try {
      const r = await upsertSnapshots([i]);
      return r.rowCount === 1 ? 'recorded' : 'stale';
    } catch (err) {
      return ledgerError(err, 'record snapshot');
    }
  }

  return {
    async recordSnapshot(maHoSo, event, version) {
      const outcome = await recordSnapshots({
        maHoSo,
        event,
        time: new Date(version.timeMs),
        seq: version.seq.toString(),
      });
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },

    async recordStep(maHoSo, event, version) {
      try {
        const r = await pool.query(
          `WITH ins AS (
             INSERT INTO sync_progress (ma_ho_so, step_key, event, ver_time, ver_seq)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ma_ho_so, step_key) DO NOTHING RETURNING ma_ho_so)
           INSERT INTO sync_dossier AS d (ma_ho_so, state, due_at)
           SELECT ma_ho_so, 'pending', now() FROM ins
           ON CONFLICT (ma_ho_so) DO UPDATE SET state = ${stateExpr}, due_at = ${dueExpr}, updated_at = now()
           RETURNING ma_ho_so`,
          [maHoSo, stepKeyOf(event.data), JSON.stringify(event), new Date(version.timeMs), version.seq.toString()],
        );
        return r.rowCount === 1 ? 'recorded' : 'duplicate';
      } catch (err) {
        throw ledgerError(err, 'record progress step');
      }
    },

    async recordFees(maHoSo, overlay, timeMs) {
      try {
        // resync: the snapshot version does not change, but what the portal must hold does.
        const r = await pool.query(
          `INSERT INTO sync_dossier AS d (ma_ho_so, fee_overlay, fee_time, state, due_at, resync)
           VALUES ($1, $2, $3, 'pending', now(), true)
           ON CONFLICT (ma_ho_so) DO UPDATE SET fee_overlay = EXCLUDED.fee_overlay, fee_time = EXCLUDED.fee_time,
             resync = true, state = ${stateExpr}, due_at = ${dueExpr}, updated_at = now()
           WHERE d.fee_time IS NULL OR d.fee_time < EXCLUDED.fee_time
           RETURNING ma_ho_so`,
          [maHoSo, JSON.stringify(overlay), new Date(timeMs)],
        );
        return r.rowCount === 1 ? 'recorded' : 'stale';
      } catch (err) {
        throw ledgerError(err, 'record fee settlement');
      }
    },
  };
}
