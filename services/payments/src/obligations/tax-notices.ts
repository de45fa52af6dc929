import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, HubError, withTransaction, type Pool } from '@lienthong/platform';
import type { CloudEvent } from '@lienthong/events';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';

export const TAX_NOTICE_EVENT = 'vn.lienthong.inbound.tax-notice';
const SOURCE = 'dvcqg-tax-notice';

/**
 * Tax notices from the national portal become payment obligations (issue 13 §4): what the citizen owes
 * before the result is issued, visible to the provincial system, the operator and the console next to the
 * dossier's own fees. The tax is paid to the tax authority, not through the hub's providers, so the hub
 * records what the portal reports and never settles it itself.
 *
 * `TrangThaiThanhToan` is an int whose values are not public (reference §6 [code S4; values unconfirmed]):
 * the values meaning "paid" are configuration (PAYMENTS_TAX_PAID_STATUSES, default 1 [inf]); 0 is "owed"
 * [inf]; anything else is kept as `reported` with the raw value, never guessed. `UrlFileChungTu` (the proof
 * of payment) is kept as the portal sent it. The portal is the sender of the notice, so it already knows
 * the tax status: nothing is pushed back to it.
 */
export function createTaxNoticeObligations(deps: { pool: Pool; paidStatuses: readonly number[] }) {
  const statusOf = (s: number | null): 'owed' | 'paid' | 'reported' =>
    s === null ? 'reported' : deps.paidStatuses.includes(s) ? 'paid' : s === 0 ? 'owed' : 'reported';

  /** Consumer handler of national.inbound.v1: tax notices only; other inbound kinds are not ours. */
  async function handle(event: CloudEvent): Promise<'recorded' | 'duplicate' | 'skipped'> {
    if (event.type !== TAX_NOTICE_EVENT) return 'skipped';
    const data = event.data as { agency?: unknown; packet?: Record<string, unknown> } | null;
    const p = data?.packet;
    if (!p || typeof p.MaHoSo !== 'string') return 'skipped';
    const info = (p.ThongTinThanhToan ?? {}) as Record<string, unknown>;
    const reference = typeof info.MaThongBaoThue === 'string' && info.MaThongBaoThue ? info.MaThongBaoThue : `${p.MaHoSo}`;
    const amountText =
      typeof info.SoTien === 'number' ? String(info.SoTien) : typeof info.SoTien === 'string' ? info.SoTien.trim() : '';
    const amount = /^\d{1,15}$/.test(amountText) ? Number(amountText) : null;
    const portalStatus =
      typeof p.TrangThaiThanhToan === 'number' && Number.isInteger(p.TrangThaiThanhToan) ? p.TrangThaiThanhToan : null;
    const proof =
      typeof p.UrlFileChungTu === 'string' && /^https?:\/\//.test(p.UrlFileChungTu) ? p.UrlFileChungTu.slice(0, 2000) : null;
    const agency = (typeof data?.agency === 'string' && data.agency) || agencyCodeOfMaHoSo(p.MaHoSo) || 'unknown';
    const description = typeof info.NoiDungThanhToan === 'string' ? info.NoiDungThanhToan.slice(0, 2000) : null;
    return withTransaction(deps.pool, async (c) => {
      const h = await c.query(
        `INSERT INTO payment_obligation_history (source, reference, event_id, portal_status, proof_url) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [SOURCE, reference, event.id, portalStatus, proof],
      );
      if (h.rowCount === 0) return 'duplicate' as const;
      await c.query(
        `INSERT INTO payment_obligations (source, reference, ma_ho_so, agency, amount, description, status, portal_status, proof_url, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (source, reference) DO UPDATE SET
           amount = COALESCE(EXCLUDED.amount, payment_obligations.amount),
           description = COALESCE(EXCLUDED.description, payment_obligations.description),
           -- once paid, a later "owed" report is kept in the history but never un-pays the obligation
           status = CASE WHEN payment_obligations.status = 'paid' THEN 'paid' ELSE EXCLUDED.status END,
           portal_status = EXCLUDED.portal_status,
           proof_url = COALESCE(EXCLUDED.proof_url, payment_obligations.proof_url),
           event_id = EXCLUDED.event_id,
           updated_at = now()`,
        [SOURCE, reference, p.MaHoSo, agency, amount, description, statusOf(portalStatus), portalStatus, proof, event.id],
      );
      return 'recorded' as const;
    });
  }

  function routes(app: FastifyInstance): void {
    app.get(
      '/v1/payments/obligations',
      {
        config: { access: { roles: ['submitter', 'viewer', 'operator'] } },
        schema: {
          summary: 'What is owed for a dossier outside the hub’s fees (tax notices from the national portal)',
          querystring: {
            type: 'object',
            required: ['MaHoSo'],
            additionalProperties: false,
            properties: { MaHoSo: { type: 'string', minLength: 5, maxLength: 100, pattern: '^[A-Za-z0-9.\\-_]+$' } },
          },
        },
      },
      async (req) => {
        const { MaHoSo } = req.query as { MaHoSo: string };
        const agency = agencyCodeOfMaHoSo(MaHoSo);
        if (!agency) {
          throw new HubError('LT_PAY_BAD_MAHOSO', `MaHoSo ${MaHoSo} carries no agency code`, {
            kind: 'invalid',
            messageVi: `Mã hồ sơ ${MaHoSo} không chứa mã cơ quan`,
          });
        }
        assertAgencyScope(req, agency, '/MaHoSo');
        const rows = await deps.pool.query(
          `SELECT source, reference, ma_ho_so, amount, description, status, portal_status, proof_url, first_seen_at, updated_at
           FROM payment_obligations WHERE ma_ho_so = $1 ORDER BY first_seen_at`,
          [MaHoSo],
        );
        return { MaHoSo, obligations: rows.rows.map((r) => ({ ...r, amount: r.amount === null ? null : Number(r.amount) })) };
      },
    );
  }

  return { handle, routes };
}
