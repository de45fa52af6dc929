import { backoffDelay, isRetriable, withTransaction, type Logger, type Pool, type RetryPolicy } from '@lienthong/platform';
import type {
  AddressMapper,
  HccClient,
  MappedAddress,
  MyVnpostClient,
  PostalOrderInput,
  PostalOrderRecord,
} from '@lienthong/vnpost';
import type { AgencyPostalDirectory } from './agencies.js';
import { enqueueEvent, type PostalOrderRow } from './ledger.js';

export interface CarrierClients {
  myvnpost?: MyVnpostClient;
  hcc?: HccClient;
}

export interface OrderCreatorDeps extends CarrierClients {
  pool: Pool;
  agencies: AgencyPostalDirectory;
  mapper: AddressMapper;
  logger: Logger;
  /** How long a claimed order is hidden from other workers: longer than one create and its look-up. */
  leaseSeconds?: number;
  retry?: RetryPolicy;
}

const defaultRetry: RetryPolicy = { maxAttempts: Infinity, minDelayMs: 2_000, maxDelayMs: 600_000, factor: 2, jitter: 0.3 };

/**
 * Creates the orders that are due, exactly once each (issue 15):
 * - a worker claims rows with FOR UPDATE SKIP LOCKED and pushes `next_attempt_at` a lease ahead in the
 *   same statement, so two instances never take the same order and a worker killed mid-call (SIGKILL
 *   between VNPost's create and our record) leaves the row to be taken again after the lease;
 * - before creating, it asks VNPost for an order with our key (MyVNPost getOrder by saleOrderCode; HCC:
 *   a scan of the tracking feed, the only look-up that route has [code O1]) and adopts it if found. A
 *   timeout or a crash therefore never makes a second order;
 * - a refusal (VNPost said no) is final and flagged for operators; anything retriable backs off.
 */
export function createOrderCreator(deps: OrderCreatorDeps) {
  const lease = deps.leaseSeconds ?? 60;
  const retry = deps.retry ?? defaultRetry;
  const log = deps.logger.child({ component: 'postal-creator' });

  const findExisting = async (row: PostalOrderRow): Promise<PostalOrderRecord | null> => {
    if (row.route === 'myvnpost') return deps.myvnpost!.findOrder(row.ma_ho_so);
    if (row.attempts <= 1) return null; // first try: nothing can exist yet
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const { events, lastId } = await deps.hcc!.tracking(cursor, 500);
      const hit = events.find((e) => e.orderCode === row.ma_ho_so);
      if (hit)
        return { orderCode: row.ma_ho_so, itemCode: hit.itemCode, originalId: null, status: hit.step.statusCode, totalFee: null };
      if (events.length === 0 || lastId === cursor) return null;
      cursor = lastId;
    }
    return null;
  };

  const createOne = async (row: PostalOrderRow): Promise<void> => {
    const settings = deps.agencies.settingsFor(row.agency);
    const client = row.route === 'myvnpost' ? deps.myvnpost : deps.hcc;
    if (!settings || !client) {
      await deps.pool.query(
        `UPDATE postal_orders SET state = 'no-route', flagged = true, flag_reason = $3, updated_at = now() WHERE ma_ho_so = $1 AND result_key = $2`,
        [row.ma_ho_so, row.result_key, !settings ? 'no postal settings for this agency' : `route ${row.route} is not configured`],
      );
      return;
    }
    const rec = await deps.pool.query<{ receiver: PostalOrderInput['receiver']; mapped: MappedAddress }>(
      'SELECT receiver, mapped FROM postal_recipients WHERE ma_ho_so = $1',
      [row.ma_ho_so],
    );
    const recipient = rec.rows[0];
    if (!recipient) {
      await deps.pool.query(
        `UPDATE postal_orders SET state = 'needs-address', updated_at = now() WHERE ma_ho_so = $1 AND result_key = $2`,
        [row.ma_ho_so, row.result_key],
      );
      return;
    }
    const sender = deps.mapper.map({ street: settings.sender.address, communeCode: settings.sender.communeCode }, '/sender');
    const input: PostalOrderInput = {
      orderCode: row.ma_ho_so,
      sender: {
        name: settings.sender.name,
        phone: settings.sender.phone,
        address: settings.sender.address,
        provinceCode: sender.ProvinceCode,
        communeCode: sender.CommuneCode,
      },
      receiver: { ...recipient.receiver, provinceCode: recipient.mapped.ProvinceCode, communeCode: recipient.mapped.CommuneCode },
      content: `Kết quả giải quyết hồ sơ ${row.ma_ho_so}`,
      weightGrams: settings.weightGrams,
      serviceCode: settings.serviceCode,
      codAmount: settings.codAmount,
    };
    let created = await findExisting(row);
    const adopted = created !== null;
    if (!created) {
      created =
        row.route === 'myvnpost'
          ? await deps.myvnpost!.createOrder(input, { receiver: recipient.mapped, sender })
          : await deps.hcc!.createOrder(input, {
              sender: Number(sender.ProvinceCode),
              receiver: Number(recipient.mapped.ProvinceCode),
            });
    }
    const order = created;
    await withTransaction(deps.pool, async (c) => {
      const u = await c.query(
        `UPDATE postal_orders SET state = 'created', item_code = $3, original_id = $4, vnpost_status = $5, last_error = NULL, updated_at = now()
         WHERE ma_ho_so = $1 AND result_key = $2 AND state = 'pending'`,
        [row.ma_ho_so, row.result_key, order.itemCode, order.originalId, order.status],
      );
      if (u.rowCount === 0) return; // another worker recorded it meanwhile
      await enqueueEvent(c, {
        MaHoSo: row.ma_ho_so,
        resultKey: row.result_key,
        agency: row.agency,
        route: row.route,
        state: 'created',
        itemCode: order.itemCode,
        vnpostStatus: order.status,
        statusName: null,
        at: new Date().toISOString(),
      });
    });
    log.info(
      { maHoSo: row.ma_ho_so, route: row.route, adopted },
      adopted ? 'postal order found at VNPost and recorded' : 'postal order created',
    );
  };

  /** One pass: claims up to `limit` due orders and creates them. Resolves with how many were handled. */
  async function runOnce(limit = 10): Promise<number> {
    const claimed = await deps.pool.query<PostalOrderRow>(
      `UPDATE postal_orders o SET next_attempt_at = now() + make_interval(secs => $2), attempts = o.attempts + 1
       WHERE (o.ma_ho_so, o.result_key) IN (
         SELECT ma_ho_so, result_key FROM postal_orders WHERE state = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING o.*`,
      [limit, lease],
    );
    for (const row of claimed.rows) {
      try {
        await createOne(row);
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'LT_POSTAL_ERROR';
        const message = (err as Error).message.slice(0, 500);
        if (isRetriable(err)) {
          const delay = backoffDelay(retry, row.attempts);
          await deps.pool.query(
            `UPDATE postal_orders SET next_attempt_at = now() + make_interval(secs => $3), last_error = $4, updated_at = now() WHERE ma_ho_so = $1 AND result_key = $2`,
            [row.ma_ho_so, row.result_key, delay / 1000, `${code}: ${message}`],
          );
          log.warn(
            { maHoSo: row.ma_ho_so, code, attempts: row.attempts, retryInMs: delay },
            'postal order not created yet; will retry',
          );
        } else {
          await deps.pool.query(
            `UPDATE postal_orders SET state = 'create-failed', flagged = true, flag_reason = $3, last_error = $3, updated_at = now() WHERE ma_ho_so = $1 AND result_key = $2`,
            [row.ma_ho_so, row.result_key, `${code}: ${message}`],
          );
          log.error({ maHoSo: row.ma_ho_so, code }, 'postal order refused; flagged for operators');
        }
      }
    }
    return claimed.rowCount ?? 0;
  }

  return { runOnce };
}
