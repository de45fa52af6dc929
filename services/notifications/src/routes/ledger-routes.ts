import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, HubError, type Pool } from '@lienthong/platform';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';

/**
 * The delivery ledger of one dossier, for provincial systems (their agencies only) and operators. The phone is
 * shown as its last three digits; content is never returned (it is personal and is dropped once final).
 */
export async function ledgerRoutes(app: FastifyInstance, opts: { pool: Pool }): Promise<void> {
  app.get<{ Querystring: { MaHoSo: string } }>(
    '/v1/notifications',
    {
      config: { access: { roles: ['submitter', 'operator', 'viewer'] } },
      schema: {
        querystring: {
          type: 'object',
          required: ['MaHoSo'],
          additionalProperties: false,
          properties: { MaHoSo: { type: 'string', minLength: 5, maxLength: 100 } },
        },
      },
    },
    async (req) => {
      const agency = agencyCodeOfMaHoSo(req.query.MaHoSo);
      if (!agency) {
        throw new HubError('LT_NOTIFY_BAD_MAHOSO', 'MaHoSo has no agency prefix', {
          kind: 'invalid',
          messageVi: 'Mã hồ sơ không hợp lệ',
          details: [
            {
              path: '/MaHoSo',
              code: 'LT_NOTIFY_BAD_MAHOSO',
              message: 'Mã hồ sơ không hợp lệ',
              message_en: 'MaHoSo has no agency prefix',
            },
          ],
        });
      }
      assertAgencyScope(req, agency, '/MaHoSo');
      const r = await opts.pool.query(
        `SELECT id, kind, channel, account, status, reason, attempts, phone_last3, provider_msg_id, fallback_of, created_at, sent_at, delivered_at
         FROM notif_messages WHERE ma_ho_so = $1 ORDER BY created_at, seq`,
        [req.query.MaHoSo],
      );
      return {
        MaHoSo: req.query.MaHoSo,
        messages: r.rows.map((m) => ({
          id: m.id,
          kind: m.kind,
          channel: m.channel,
          account: m.account,
          status: m.status,
          reason: m.reason,
          attempts: m.attempts,
          phone: `*******${m.phone_last3}`,
          providerMsgId: m.provider_msg_id,
          fallbackOf: m.fallback_of,
          createdAt: m.created_at,
          sentAt: m.sent_at,
          deliveredAt: m.delivered_at,
        })),
      };
    },
  );
}
