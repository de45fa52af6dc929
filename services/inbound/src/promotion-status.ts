import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { assertAgencyScope, HubError, type Pool } from '@lienthong/platform';
import { checkPromotionStatusData, reducePromotionStatus, reportablePromotionStatuses } from '@lienthong/dvcqg';
import { agencyCodeOfMaHoSo } from '@lienthong/standard';
import { invalidReport } from './answers.js';
import { InboundErrorCodes } from './errors.js';
import type { OutboundPublisher } from './outbound.js';
import { canonical } from './receive.js';

/** A status with its processing documents listed by link: far below this. */
export const STATUS_BODY_LIMIT = 256 * 1024;

/**
 * The status of a promotion-notice dossier that came from the portal (createdossierfromdvcqg / nhanhsdvcqg), for
 * DongBoTrangThaiHoSo `type: "2"` (reference §5 [code S1]).
 *
 * How the provincial system reports it, and why: `POST /v1/inbound/dossier-status` with the very `data` object
 * DongBoTrangThaiHoSo carries — {MaHoSo (the portal's code), MaHoSoDonVi (its own), MaDoiTuong, NoiDung, NgayXuLy,
 * TrangThai, TaiLieuXuLy[]} — which is what a one-stop system already builds for the portal when such a dossier
 * changes status (OpenCPS does [code S1]); pointing it at the hub is a change of URL. Deriving it from the system's ordinary dossier events through the gateway would
 * need the link between its local dossier and the portal's code, which no field of DongBoHoSoMC or
 * CapNhatTienDoHoSoMC carries: the hub would have to invent a convention. Two differences from the portal's own
 * call: TrangThai is the dossier's TrangThaiHoSo (1–10, the code every other packet uses) and the hub reduces it —
 * 2 from 4/6/9/10, 5 from 3/7/8 [code S1], 2 from 2 [inf]; 1 and 5 (supplement requested) have no reduced value
 * and are refused with the path, rather than 5 being read as "refused" — and there is no session or madonvi.
 *
 * Checks: the MaHoSo must be a promotion dossier inbound received from the portal; the caller needs the scope of
 * that dossier's agency as inbound recorded it (and of the agency its MaHoSoDonVi names, when it names one); the
 * packet must pass the national schema. Then it is published once to national.outbound.v1 (202 only after Kafka
 * acknowledged it) and national-sync pushes it, never regressing: ordered by NgayXuLy, then acceptance. The same
 * report again (a retry) is answered 200 and publishes nothing.
 */
export function registerPromotionStatusRoute(app: FastifyInstance, deps: { pool: Pool; publisher: OutboundPublisher }): void {
  app.post(
    '/v1/inbound/dossier-status',
    {
      config: { access: { roles: ['submitter', 'operator'] } },
      bodyLimit: STATUS_BODY_LIMIT,
      schema: {
        summary:
          'Status of a promotion-notice dossier that came from the portal (pushed by national-sync with DongBoTrangThaiHoSo type 2)',
        body: {
          type: 'object',
          required: ['MaHoSo', 'MaHoSoDonVi', 'NgayXuLy', 'TrangThai'],
          additionalProperties: false,
          properties: {
            MaHoSo: { type: 'string', minLength: 1, maxLength: 100, description: 'the portal’s code of the dossier' },
            MaHoSoDonVi: { type: 'string', minLength: 1, maxLength: 100, description: 'the provincial system’s own code' },
            MaDoiTuong: { type: 'string', maxLength: 100 },
            NoiDung: { type: 'string', maxLength: 4_000 },
            NgayXuLy: { type: 'string', minLength: 1, maxLength: 20, description: 'yyyyMMddHHmmss, Asia/Ho_Chi_Minh' },
            TrangThai: {
              type: 'string',
              pattern: '^([1-9]|10)$',
              description: `TrangThaiHoSo of the dossier; reported: ${reportablePromotionStatuses.join(', ')}`,
            },
            TaiLieuXuLy: { type: 'array', maxItems: 200, items: { type: 'object' } },
          },
        },
      },
    },
    async (req, reply) => {
      const b = req.body as Record<string, unknown> & { MaHoSo: string; MaHoSoDonVi: string; TrangThai: string };
      const found = await deps.pool.query<{ agency: string | null }>(
        `SELECT agency FROM inbound_packets WHERE ma_ho_so = $1 AND kind IN ('create', 'amend') AND state = 'published'
          ORDER BY received_at DESC LIMIT 1`,
        [b.MaHoSo],
      );
      const dossier = found.rows[0];
      if (!dossier)
        throw new HubError(InboundErrorCodes.NOT_FOUND, `no promotion dossier ${b.MaHoSo} from the portal`, {
          kind: 'not_found',
          messageVi: `Không có hồ sơ khuyến mại ${b.MaHoSo} do Cổng DVCQG chuyển`,
          details: [{ path: '/MaHoSo', code: InboundErrorCodes.NOT_FOUND, message: 'không có', message_en: 'unknown' }],
        });
      // Scope on the dossier's agency as inbound routed it, never on the caller's claim.
      const client = assertAgencyScope(req, dossier.agency ?? '(none)', '/MaHoSo');
      const local = agencyCodeOfMaHoSo(b.MaHoSoDonVi);
      if (local) assertAgencyScope(req, local, '/MaHoSoDonVi');
      if (!dossier.agency)
        throw new HubError(InboundErrorCodes.NO_AGENCY, `promotion dossier ${b.MaHoSo} has no agency yet`, {
          kind: 'conflict',
          messageVi: `Hồ sơ ${b.MaHoSo} chưa xác định cơ quan: hãy định tuyến (POST /v1/inbound/packets/route) trước`,
        });
      const reduced = reducePromotionStatus(b.TrangThai);
      if (!reduced)
        throw invalidReport('the status', 'Trạng thái', [
          {
            path: '/TrangThai',
            code: InboundErrorCodes.STATUS_NOT_REPORTABLE,
            message: `Trạng thái ${b.TrangThai} không được đồng bộ cho hồ sơ khuyến mại (chỉ ${reportablePromotionStatuses.join(', ')})`,
            message_en: `status ${b.TrangThai} is not reported for promotion dossiers (only ${reportablePromotionStatuses.join(', ')})`,
          },
        ]);
      const checked = checkPromotionStatusData({ ...b, TrangThai: reduced });
      if (!checked.ok) throw invalidReport('the status', 'Trạng thái', checked.errors);
      const packet = checked.packet;
      const hash = createHash('sha256')
        .update(canonical({ packet, reportedStatus: b.TrangThai }))
        .digest('hex')
        .slice(0, 32);
      const out = await deps.publisher.publish({
        refKey: `promotion-status:${b.MaHoSo}:${hash}`,
        kind: 'promotion-status',
        key: b.MaHoSo,
        agency: dossier.agency,
        packet,
        reportedStatus: b.TrangThai,
        submittedBy: client.id,
      });
      return reply.status(out.result === 'accepted' ? 202 : 200).send({
        MaHoSo: b.MaHoSo,
        TrangThai: reduced,
        reportedStatus: b.TrangThai,
        eventId: out.eventId,
        ...(out.result === 'duplicate' ? { replayed: true } : {}),
      });
    },
  );
}
