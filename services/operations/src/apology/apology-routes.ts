import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, requireClient, withTransaction, type Clock, type Pool } from '@lienthong/platform';
import type { WorkingCalendar } from '../calendar/calendar.js';
import { checkSchemaName } from '../read-model/schema.js';
import { agencyOfMaHoSo } from '../read-model/facts.js';
import { enqueueEvent } from '../outbox.js';
import { OpsError, badInput } from '../errors.js';
import { maHoSoParam, READ_ROLES } from '../routes/query.js';
import { renderApologyHtml, type ApologyLetter } from './letter.js';
import { apologyEvent } from './apology-event.js';
import { apologyWarnings } from './apology-warnings.js';

interface ApologyBody {
  reason: string;
  newDueDate: string;
  letterNumber?: string;
  place?: string;
  governingBody?: string;
  agencyName?: string;
  recipientAddress?: string;
  signerTitle?: string;
  signerName?: string;
  recipientsCopy?: string[];
}

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason', 'newDueDate'],
  properties: {
    reason: text(2000),
    newDueDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    letterNumber: text(50),
    place: text(100),
    governingBody: text(300),
    agencyName: text(300),
    recipientAddress: text(500),
    signerTitle: text(100),
    signerName: text(200),
    recipientsCopy: { type: 'array', maxItems: 10, items: text(200) },
  },
} as const;

const VN = 7 * 3_600_000;
const localDate = (ms: number) => new Date(ms + VN).toISOString().slice(0, 10);

/**
 * POST /v1/overdue/:MaHoSo/apology (operator): records the apology letter of a late dossier with the
 * new date the officer sets, keeps it with the dossier, and queues `vn.lienthong.dossier.apology-issued`
 * on dossier.deadline.v1 in the same transaction (outbox). GET …/apology/:id renders it as printable HTML.
 * Refused only for what is known wrong: an unknown dossier, another agency's, a malformed body or a new date
 * that is not after today. Whether the hub itself counts the dossier as overdue rests on inferred rules, so a
 * dossier it does not count as overdue (or as still open) gets the letter with warnings (apology-warnings.ts).
 */
export function registerApologyRoutes(
  app: FastifyInstance,
  deps: { pool: Pool; schema: string; clock: Clock; calendar: WorkingCalendar; onQueued?: () => void },
): void {
  const s = checkSchemaName(deps.schema);

  app.post<{ Params: { MaHoSo: string }; Body: ApologyBody }>(
    '/v1/overdue/:MaHoSo/apology',
    {
      schema: { params: { type: 'object', properties: { MaHoSo: maHoSoParam } }, body: bodySchema },
      config: { access: { roles: ['operator'] } },
    },
    async (req, reply) => {
      const m = req.params.MaHoSo;
      const client = assertAgencyScope(req, agencyOfMaHoSo(m), '/MaHoSo');
      const now = deps.clock.now();
      const b = req.body;
      const newMs = Date.parse(`${b.newDueDate}T00:00:00+07:00`);
      if (Number.isNaN(newMs) || localDate(newMs) !== b.newDueDate) {
        throw badInput('LT_OPS_APOLOGY_INVALID', [{ path: '/newDueDate', en: 'not a real date', vi: 'ngày không hợp lệ' }]);
      }
      if (b.newDueDate <= localDate(now.getTime())) {
        throw badInput('LT_OPS_APOLOGY_INVALID', [
          { path: '/newDueDate', en: 'the new date must be after today', vi: 'ngày hẹn mới phải sau ngày hôm nay' },
        ]);
      }

      const result = await withTransaction(deps.pool, async (c) => {
        const d = (
          await c.query(
            `SELECT d.agency_code, d.snap, d.ngay_tiep_nhan, d.due_at, d.overdue_at, d.end_at, d.clock_stopped, d.trang_thai, a.name AS agency_name, pa.name AS parent_name
           FROM ${s}.dossier d LEFT JOIN ops_agency a ON a.code = d.agency_code LEFT JOIN ops_agency pa ON pa.code = a.parent
           WHERE d.ma_ho_so = $1 FOR UPDATE OF d`,
            [m],
          )
        ).rows[0] as
          | {
              agency_code: string;
              snap: { chuHoSo: string | null; tenTTHC: string | null; donViXuLy: string | null } | null;
              ngay_tiep_nhan: Date | null;
              due_at: Date | null;
              overdue_at: Date | null;
              end_at: Date | null;
              clock_stopped: boolean;
              trang_thai: number | null;
              agency_name: string | null;
              parent_name: string | null;
            }
          | undefined;
        if (!d)
          throw new OpsError('LT_OPS_DOSSIER_NOT_FOUND', `dossier ${m} not seen`, {
            kind: 'not_found',
            messageVi: `chưa có hồ sơ ${m}`,
          });
        const warnings = apologyWarnings(d, now, b.newDueDate, (day) => deps.calendar.isWorkingDay(day));
        const inferred: string[] = [];
        const pick = (given: string | undefined, fallback: string | null | undefined, field: string, last: string) => {
          if (given) return given;
          inferred.push(field);
          return fallback || last;
        };
        const letter: ApologyLetter = {
          number: pick(b.letterNumber, null, 'number', '……'),
          place: pick(b.place, null, 'place', '……'),
          issuedDate: localDate(now.getTime()),
          governingBody: pick(b.governingBody, d.parent_name, 'governingBody', ''),
          agencyCode: d.agency_code,
          agencyName: pick(b.agencyName, d.agency_name ?? d.snap?.donViXuLy, 'agencyName', d.agency_code),
          recipient: d.snap?.chuHoSo || 'Ông/Bà',
          recipientAddress: b.recipientAddress ?? '',
          maHoSo: m,
          procedureName: d.snap?.tenTTHC ?? '',
          receivedDate: d.ngay_tiep_nhan ? localDate(d.ngay_tiep_nhan.getTime()) : null,
          promisedDate: d.due_at ? localDate(d.due_at.getTime()) : null,
          reason: b.reason,
          newDueDate: b.newDueDate,
          signerTitle: pick(b.signerTitle, null, 'signerTitle', 'Thủ trưởng cơ quan, đơn vị'),
          signerName: b.signerName ?? '',
          recipientsCopy: b.recipientsCopy ?? ['Như trên', 'Lưu: VT'],
          inferredFields: inferred,
          warnings,
        };
        const apologyId = randomUUID();
        await c.query(
          'INSERT INTO ops_apology (apology_id, ma_ho_so, agency_code, letter, new_due_date, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [apologyId, m, d.agency_code, JSON.stringify(letter), b.newDueDate, client.id, now],
        );
        const letterUrl = `/v1/overdue/${m}/apology/${apologyId}`;
        await enqueueEvent(
          c,
          apologyEvent(
            {
              MaHoSo: m,
              agencyCode: d.agency_code,
              apologyId,
              reason: b.reason,
              previousDueDate: d.due_at ? d.due_at.toISOString() : null,
              newDueDate: b.newDueDate,
              letterUrl,
              issuedAt: now.toISOString(),
            },
            now,
          ),
        );
        return { apologyId, letterUrl, inferredFields: inferred, warnings };
      });
      deps.onQueued?.();
      return reply.status(201).send({ MaHoSo: m, ...result });
    },
  );

  app.get<{ Params: { MaHoSo: string; id: string } }>(
    '/v1/overdue/:MaHoSo/apology/:id',
    {
      schema: { params: { type: 'object', properties: { MaHoSo: maHoSoParam, id: { type: 'string', format: 'uuid' } } } },
      config: { access: { roles: READ_ROLES } },
    },
    async (req, reply) => {
      assertAgencyScope(req, agencyOfMaHoSo(req.params.MaHoSo), '/MaHoSo');
      requireClient(req);
      const row = (
        await deps.pool.query('SELECT letter FROM ops_apology WHERE apology_id = $1 AND ma_ho_so = $2', [
          req.params.id,
          req.params.MaHoSo,
        ])
      ).rows[0] as { letter: ApologyLetter } | undefined;
      if (!row)
        throw new OpsError('LT_OPS_DOSSIER_NOT_FOUND', 'no such apology letter', {
          kind: 'not_found',
          messageVi: 'không có phiếu xin lỗi này',
        });
      return reply
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .header('x-content-type-options', 'nosniff')
        .type('text/html; charset=utf-8')
        .send(renderApologyHtml(row.letter));
    },
  );
}
