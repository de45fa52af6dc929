import { runExclusive, withTransaction, type Logger, type Pool } from '@lienthong/platform';
import {
  FINAL_STATES,
  hccState,
  myvnpostState,
  type HccClient,
  type MyVnpostClient,
  type PostalState,
  type PostalStatusStep,
} from '@lienthong/vnpost';
import { enqueueEvent, type PostalOrderRow } from './ledger.js';

export interface StatusUpdaterDeps {
  pool: Pool;
  logger: Logger;
  myvnpost?: MyVnpostClient;
  hcc?: HccClient;
}

/**
 * Applies VNPost status reports to the ledger, from webhooks and from polling alike:
 * - every report is kept in postal_status_history; the unique key (order, status, time) absorbs replayed
 *   webhooks and re-polled histories, so a report is applied once;
 * - the order's state follows the newest report by VNPost's own time, so a late webhook never moves an
 *   order back (a 12 "out for delivery" arriving after 14 "delivered" changes nothing);
 * - a code we cannot map is kept and the order flagged for operators, with an `unknown` event: never
 *   dropped (issue 15); codes that do not move the parcel (fee settlements) are only kept.
 * Each state change writes its postal.events.v1 event into the outbox in the same transaction.
 */
export function createStatusUpdater(deps: StatusUpdaterDeps) {
  const log = deps.logger.child({ component: 'postal-status' });

  async function apply(
    key: { maHoSo: string; resultKey: string } | { itemCode: string },
    step: PostalStatusStep,
    mapState: (code: string) => PostalState | null,
    source: 'webhook' | 'poll',
  ): Promise<'applied' | 'duplicate' | 'kept' | 'flagged' | 'no-order'> {
    return withTransaction(deps.pool, async (c) => {
      const found =
        'itemCode' in key
          ? await c.query<PostalOrderRow>('SELECT * FROM postal_orders WHERE item_code = $1 FOR UPDATE', [key.itemCode])
          : await c.query<PostalOrderRow>('SELECT * FROM postal_orders WHERE ma_ho_so = $1 AND result_key = $2 FOR UPDATE', [
              key.maHoSo,
              key.resultKey,
            ]);
      const row = found.rows[0];
      if (!row) return 'no-order';
      const at = step.at ?? new Date().toISOString();
      const state = mapState(step.statusCode);
      const ins = await c.query(
        `INSERT INTO postal_status_history (ma_ho_so, result_key, vnpost_status, status_name, state, at, source) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING`,
        [row.ma_ho_so, row.result_key, step.statusCode, step.statusName, state, at, source],
      );
      if (ins.rowCount === 0) return 'duplicate';
      const base = {
        MaHoSo: row.ma_ho_so,
        resultKey: row.result_key,
        agency: row.agency,
        route: row.route,
        itemCode: row.item_code,
        vnpostStatus: step.statusCode,
        statusName: step.statusName,
        at,
      };
      if (state === null) return 'kept';
      if (state === 'unknown') {
        await c.query(
          `UPDATE postal_orders SET flagged = true, flag_reason = $3, updated_at = now() WHERE ma_ho_so = $1 AND result_key = $2`,
          [row.ma_ho_so, row.result_key, `unknown VNPost status ${step.statusCode} (${step.statusName})`.slice(0, 300)],
        );
        await enqueueEvent(c, { ...base, state: 'unknown' });
        log.warn({ maHoSo: row.ma_ho_so, vnpostStatus: step.statusCode }, 'unknown VNPost status kept and flagged');
        return 'flagged';
      }
      const newer = !row.last_status_at || new Date(at).getTime() >= row.last_status_at.getTime();
      if (!newer) return 'kept';
      await c.query(
        `UPDATE postal_orders SET state = $3, vnpost_status = $4, last_status_at = $5, updated_at = now(),
           flagged = CASE WHEN $3 IN ('failed', 'returned') THEN true ELSE flagged END,
           flag_reason = CASE WHEN $3 IN ('failed', 'returned') THEN $6 ELSE flag_reason END
         WHERE ma_ho_so = $1 AND result_key = $2`,
        [row.ma_ho_so, row.result_key, state, step.statusCode, at, `delivery ${state}: ${step.statusName}`.slice(0, 300)],
      );
      if (state !== row.state) await enqueueEvent(c, { ...base, state });
      return 'applied';
    });
  }

  const applyMyVnpost = (
    key: { itemCode: string } | { maHoSo: string; resultKey: string },
    step: PostalStatusStep,
    source: 'webhook' | 'poll',
  ) => apply(key, step, (code) => myvnpostState(code), source);

  /**
   * Polls VNPost for every open order (webhooks can be lost or never configured). One instance at a time
   * (a session advisory lock), so N instances do not multiply VNPost's load.
   */
  async function pollOnce(): Promise<{ orders: number; reports: number }> {
    let orders = 0;
    let reports = 0;
    await runExclusive(deps.pool, 'lienthong-postal-poll', async () => {
      if (deps.myvnpost) {
        const open = await deps.pool.query<PostalOrderRow>(
          `SELECT * FROM postal_orders WHERE route = 'myvnpost' AND item_code IS NOT NULL AND state NOT IN (${[...FINAL_STATES].map((s) => `'${s}'`).join(',')}) ORDER BY updated_at LIMIT 500`,
        );
        for (const row of open.rows) {
          try {
            const steps = await deps.myvnpost.statusHistory(row.item_code!);
            orders++;
            for (const s of steps)
              if ((await applyMyVnpost({ maHoSo: row.ma_ho_so, resultKey: row.result_key }, s, 'poll')) !== 'duplicate')
                reports++;
          } catch (err) {
            log.warn({ maHoSo: row.ma_ho_so, code: (err as { code?: string }).code }, 'status poll failed for one order');
          }
        }
      }
      if (deps.hcc) {
        const cur = await deps.pool.query<{ value: string }>("SELECT value FROM postal_cursors WHERE name = 'hcc-tracking'");
        let cursor = cur.rows[0]?.value;
        for (let page = 0; page < 20; page++) {
          const { events, lastId } = await deps.hcc.tracking(cursor, 500);
          for (const e of events) {
            const r = await apply({ maHoSo: e.orderCode, resultKey: 'ket-qua' }, e.step, (code) => hccState(code), 'poll');
            if (r !== 'duplicate' && r !== 'no-order') reports++;
            if (e.itemCode)
              await deps.pool.query('UPDATE postal_orders SET item_code = COALESCE(item_code, $2) WHERE ma_ho_so = $1', [
                e.orderCode,
                e.itemCode,
              ]);
          }
          if (lastId && lastId !== cursor) {
            cursor = lastId;
            await deps.pool.query(
              `INSERT INTO postal_cursors (name, value) VALUES ('hcc-tracking', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
              [cursor],
            );
          }
          if (events.length < 500) break;
        }
      }
    });
    return { orders, reports };
  }

  return { applyMyVnpost, pollOnce };
}
