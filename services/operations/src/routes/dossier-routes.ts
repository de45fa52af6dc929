import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, type Clock, type Pool } from '@lienthong/platform';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { checkSchemaName } from '../read-model/schema.js';
import { agencyOfMaHoSo } from '../read-model/facts.js';
import { OpsError } from '../errors.js';
import { agencyParam, maHoSoParam, pageParam, pageSizeParam, paging, READ_ROLES } from './query.js';

/**
 * GET /v1/dossiers/:MaHoSo — one dossier as the read model holds it (dates, status history, supplement
 * rounds, fees and how they were paid, flags, deadline notices, apology letters); GET /v1/overdue — the
 * overdue dossiers of an agency now. Scope: the dossier's own agency (its MaHoSo prefix).
 */
export function registerDossierRoutes(
  app: FastifyInstance,
  deps: { pool: Pool; schema: string; clock: Clock; dueSoon: { calendar: WorkingCalendar; workingHours: number } },
): void {
  const s = checkSchemaName(deps.schema);

  app.get<{ Params: { MaHoSo: string } }>(
    '/v1/dossiers/:MaHoSo',
    { schema: { params: { type: 'object', properties: { MaHoSo: maHoSoParam } } }, config: { access: { roles: READ_ROLES } } },
    async (req) => {
      const m = req.params.MaHoSo;
      assertAgencyScope(req, agencyOfMaHoSo(m), '/MaHoSo');
      const d = (
        await deps.pool.query(
          `SELECT ma_ho_so AS "MaHoSo", agency_code AS "agency", ma_tthc AS "MaTTHC", ten_tthc AS "TenTTHC", kenh AS "KenhThucHien",
           trang_thai AS "TrangThaiHoSo", ngay_nop AS "submittedAt", ngay_tiep_nhan AS "receivedAt", ngay_hen_tra AS "NgayHenTra",
           fee_total AS "feeTotal", fee_lines AS "feeLines", paid_flag AS "DuocThanhToanTrucTuyen", paid_settled AS "paidThroughHub",
           has_submitted_file AS "hasSubmittedFile", has_result_file AS "hasResultFile", has_result_code_link AS "hasElectronicResult",
           reuse_flag AS "reusesDigitisedData", from_citizen_store AS "fromCitizenStore", vneid AS "vneidVerified", ma_csdl AS "maCSDL",
           synced_at AS "syncedAt", start_at AS "startAt", end_at AS "endAt", end_status AS "endStatus", supp_count AS "supplementRounds",
           supp1_req AS "supplement1RequestedAt", supp1_done AS "supplement1DoneAt", supp2_req AS "supplement2RequestedAt",
           clock_stopped AS "clockStopped", due_base AS "deadline", due_at AS "deadlineAfterSupplement", overdue_at AS "overdueAt",
           snap_time AS "snapshotAcceptedAt", COALESCE(snap->'fees', '[]') AS "fees", COALESCE(snap->'resultLinks', '[]') AS "resultLinks"
         FROM ${s}.dossier WHERE ma_ho_so = $1`,
          [m],
        )
      ).rows[0];
      if (!d)
        throw new OpsError('LT_OPS_DOSSIER_NOT_FOUND', `dossier ${m} not seen`, {
          kind: 'not_found',
          messageVi: `chưa có hồ sơ ${m}`,
        });
      const steps = (
        await deps.pool.query(
          `SELECT trang_thai AS "TrangThai", at AS "ThoiDiemXuLy" FROM ${s}.step WHERE ma_ho_so = $1 ORDER BY at, trang_thai`,
          [m],
        )
      ).rows;
      const payments = (
        await deps.pool.query(
          `SELECT payment_id AS "paymentId", status, provider, paid_flag AS "DuocThanhToanTrucTuyen", amount, at FROM ${s}.payment WHERE ma_ho_so = $1 ORDER BY at`,
          [m],
        )
      ).rows;
      const notices = (
        await deps.pool.query(
          'SELECT kind, deadline, detected_at AS "detectedAt" FROM ops_deadline_notice WHERE ma_ho_so = $1 ORDER BY detected_at',
          [m],
        )
      ).rows;
      const apologies = (
        await deps.pool.query(
          `SELECT apology_id AS "apologyId", to_char(new_due_date, 'YYYY-MM-DD') AS "newDueDate", created_at AS "createdAt", letter->>'reason' AS reason,
           COALESCE(letter->'warnings', '[]'::jsonb) AS warnings FROM ops_apology WHERE ma_ho_so = $1 ORDER BY created_at`,
          [m],
        )
      ).rows;
      return {
        ...d,
        statusHistory: steps,
        payments,
        deadlineNotices: notices,
        apologies: apologies.map((a) => ({ ...a, letterUrl: `/v1/overdue/${m}/apology/${a.apologyId}` })),
      };
    },
  );

  app.get<{ Querystring: { agency: string; page?: string; pageSize?: string } }>(
    '/v1/overdue',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['agency'],
          properties: { agency: agencyParam, page: pageParam, pageSize: pageSizeParam },
        },
      },
      config: { access: { roles: READ_ROLES } },
    },
    async (req) => {
      assertAgencyScope(req, req.query.agency, '/agency');
      const { page, pageSize } = paging(req.query);
      const now = deps.clock.now();
      const where = `FROM ${s}.dossier d WHERE d.agency_code IN (SELECT code FROM ops_agency_closure WHERE ancestor = $1)
        AND d.overdue_at < $2 AND d.end_at IS NULL AND (d.trang_thai IS NULL OR d.trang_thai NOT IN (3, 7, 8, 9, 10))`;
      const total = Number(
        ((await deps.pool.query(`SELECT count(*) AS n ${where}`, [req.query.agency, now])).rows[0] as { n: string }).n,
      );
      const items = (
        await deps.pool.query(
          `SELECT d.ma_ho_so AS "MaHoSo", d.agency_code AS "agency", d.ma_tthc AS "MaTTHC", d.ngay_hen_tra AS "NgayHenTra", d.due_at AS "deadline",
           d.overdue_at AS "overdueAt", d.supp_count AS "supplementRounds",
           (SELECT count(*)::int FROM ops_apology a WHERE a.ma_ho_so = d.ma_ho_so) AS "apologies"
         ${where} ORDER BY d.overdue_at, d.ma_ho_so LIMIT $3 OFFSET $4`,
          [req.query.agency, now, pageSize, (page - 1) * pageSize],
        )
      ).rows;
      return { agency: req.query.agency, at: now.toISOString(), total, page, pageSize, items };
    },
  );

  /**
   * GET /v1/due-soon — dossiers of an agency that are not late yet but will be within the due-soon horizon
   * (OPERATIONS_DUE_SOON_WORKING_HOURS working hours, counted on the working-day calendar), soonest first:
   * the ones to act on today.
   */
  app.get<{ Querystring: { agency: string; page?: string; pageSize?: string } }>(
    '/v1/due-soon',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['agency'],
          properties: { agency: agencyParam, page: pageParam, pageSize: pageSizeParam },
        },
      },
      config: { access: { roles: READ_ROLES } },
    },
    async (req) => {
      assertAgencyScope(req, req.query.agency, '/agency');
      const { page, pageSize } = paging(req.query);
      const now = deps.clock.now();
      const bound = new Date(deps.dueSoon.calendar.addWorkingMinutes(now.getTime(), deps.dueSoon.workingHours * 60));
      const where = `FROM ${s}.dossier d WHERE d.agency_code IN (SELECT code FROM ops_agency_closure WHERE ancestor = $1)
        AND d.overdue_at >= $2 AND d.overdue_at <= $3 AND d.end_at IS NULL AND (d.trang_thai IS NULL OR d.trang_thai NOT IN (3, 7, 8, 9, 10))`;
      const total = Number(
        ((await deps.pool.query(`SELECT count(*) AS n ${where}`, [req.query.agency, now, bound])).rows[0] as { n: string }).n,
      );
      const items = (
        await deps.pool.query(
          `SELECT d.ma_ho_so AS "MaHoSo", d.agency_code AS "agency", d.ma_tthc AS "MaTTHC", d.ngay_hen_tra AS "NgayHenTra", d.due_at AS "deadline",
           d.overdue_at AS "overdueAt", d.supp_count AS "supplementRounds"
         ${where} ORDER BY d.overdue_at, d.ma_ho_so LIMIT $4 OFFSET $5`,
          [req.query.agency, now, bound, pageSize, (page - 1) * pageSize],
        )
      ).rows;
      return {
        agency: req.query.agency,
        at: now.toISOString(),
        until: bound.toISOString(),
        workingHours: deps.dueSoon.workingHours,
        total,
        page,
        pageSize,
        items,
      };
    },
  );
}
