import type { CloudEvent, MessageContext } from '@lienthong/events';
import { withTransaction, type Pool } from '@lienthong/platform';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import type { AgencyPostalDirectory } from './agencies.js';

/** The result every dossier has once; a later issue may split results per document [inf]. */
export const DEFAULT_RESULT_KEY = 'ket-qua';
/** TrangThaiHoSo 9 "Đã xử lý xong": the result is ready to be returned (national-standard.md §7). */
const RESULT_READY = '9';

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/**
 * Consumer of dossier.events.v1. A snapshot (`dossier.upserted`) records whether the applicant chose the
 * result by post (HinhThuc 1 [meaning inf, national-standard.md §7]); a snapshot or a progress step that
 * reaches TrangThaiHoSo 9 for such a dossier wants an order. Wanting is an INSERT … ON CONFLICT DO NOTHING
 * on (MaHoSo, result): redeliveries, replays and several instances all end in one row, so one order.
 * The order waits in `needs-address` until the provincial system registers a mappable recipient.
 */
/**
 * Records that a dossier's result is to go by post: an INSERT … ON CONFLICT DO NOTHING on (MaHoSo,
 * result), so any number of callers (events, the API, instances) make one row and therefore one order.
 * `pending` with a registered recipient, `needs-address` without one, `no-route` for an agency with no
 * postal settings (all visible to operators).
 */
export async function wantOrder(pool: Pool, agencies: AgencyPostalDirectory, maHoSo: string, agency: string): Promise<void> {
  await withTransaction(pool, async (c) => {
    const s = agencies.settingsFor(agency);
    const recipient = await c.query('SELECT 1 FROM postal_recipients WHERE ma_ho_so = $1', [maHoSo]);
    await c.query(
      `INSERT INTO postal_orders (ma_ho_so, result_key, agency, route, state) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (ma_ho_so, result_key) DO NOTHING`,
      [
        maHoSo,
        DEFAULT_RESULT_KEY,
        agency,
        s?.route ?? 'myvnpost',
        !s ? 'no-route' : recipient.rowCount ? 'pending' : 'needs-address',
      ],
    );
  });
}

export function createDossierIntake(deps: { pool: Pool; agencies: AgencyPostalDirectory }) {
  const want = (maHoSo: string, agency: string) => wantOrder(deps.pool, deps.agencies, maHoSo, agency);

  return async function handle(event: CloudEvent, _ctx: Pick<MessageContext, 'log'>): Promise<void> {
    const d = event.data as Record<string, unknown> | null;
    if (!d || typeof d !== 'object') return;
    const maHoSo = str(d.MaHoSo);
    if (!maHoSo) return;
    const agency = agencyCodeOfMaHoSo(maHoSo);
    if (!agency) return;
    if (event.type === 'vn.lienthong.dossier.upserted') {
      const byPost = str(d.HinhThuc) === '1';
      const row = await deps.pool.query(
        `INSERT INTO postal_dossiers (ma_ho_so, agency, by_post) VALUES ($1, $2, $3)
         ON CONFLICT (ma_ho_so) DO UPDATE SET by_post = EXCLUDED.by_post, updated_at = now() RETURNING by_post`,
        [maHoSo, agency, byPost],
      );
      if (row.rows[0]?.by_post && str(d.TrangThaiHoSo) === RESULT_READY) await want(maHoSo, agency);
    } else if (event.type === 'vn.lienthong.dossier.progressed' && str(d.TrangThai) === RESULT_READY) {
      const r = await deps.pool.query('SELECT by_post FROM postal_dossiers WHERE ma_ho_so = $1', [maHoSo]);
      if (r.rows[0]?.by_post) await want(maHoSo, agency);
    }
  };
}
