import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, requireClient } from '@lienthong/platform';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRow } from '../audit/chain.js';
import { detailsOf, noValidation, openApiBodies, validateAuditSearch } from '../bodies.js';
import { invalid } from '../errors.js';
import type { SubjectType } from '../subject-hash.js';

const AUDITOR = { access: { roles: ['auditor'] as const } };

/** A row as auditors see it: everything stored (the subject only as its keyed hash). */
const view = (r: AuditRow) => ({ ...r, at: r.at.toISOString() });

/**
 * The auditor's routes: verify the chain (names the first broken row) and search the log by subject ID
 * (hashed on the way in: the ID is never stored or logged; POST so it is not in a URL), officer, agency,
 * MaHoSo and time. An auditor whose clients-file entry is not `*` must name an agency within its scope.
 */
export function registerAuditRoutes(
  app: FastifyInstance,
  deps: { audit: AuditLog; hashSubject: (t: SubjectType, id: string) => string },
): void {
  app.get(
    '/v1/audit/verify',
    { config: AUDITOR, schema: { summary: 'Recomputes the audit hash chain and names the first broken row', tags: ['audit'] } },
    async () => deps.audit.verify(),
  );

  app.post(
    '/v1/audit/search',
    {
      config: AUDITOR,
      logLevel: 'warn',
      schema: {
        summary: 'Audit rows by subject ID (hashed on the way in), officer, agency, MaHoSo, time',
        tags: ['audit'],
        body: openApiBodies.auditSearch,
      },
      validatorCompiler: noValidation,
    },
    async (req) => {
      const q = (req.body ?? {}) as Record<string, string | number | undefined>;
      if (!validateAuditSearch(q))
        throw invalid('invalid audit search', 'Điều kiện tìm kiếm không hợp lệ', detailsOf(validateAuditSearch.errors));
      const date = (k: 'from' | 'to') => {
        if (q[k] === undefined) return undefined;
        const d = new Date(String(q[k]));
        if (Number.isNaN(d.getTime()))
          throw invalid(`${k} is not a date`, `${k} không phải ngày giờ hợp lệ`, [
            { path: `/${k}`, code: 'LT_CITIZEN_FORMAT', message: 'Ngày giờ không hợp lệ', message_en: 'invalid date-time' },
          ]);
        return d;
      };
      const client = requireClient(req);
      if (!client.agencies.includes('*')) {
        if (typeof q.agency !== 'string')
          throw invalid(
            'an auditor limited to some agencies must name one',
            'Kiểm toán viên chỉ được cấp một số cơ quan phải chọn cơ quan',
            [{ path: '/agency', code: 'LT_CITIZEN_REQUIRED', message: 'Cần chọn cơ quan', message_en: 'agency is required' }],
          );
        assertAgencyScope(req, q.agency, '/agency');
      }
      const subjectType =
        (q.subjectType as SubjectType | undefined) ??
        (typeof q.subjectId === 'string' && /^[0-9]{10}(-[0-9]{3})?$/.test(q.subjectId) ? 'business' : 'citizen');
      const from = date('from');
      const to = date('to');
      const rows = await deps.audit.search({
        ...(typeof q.subjectId === 'string' ? { subjectHash: deps.hashSubject(subjectType, q.subjectId) } : {}),
        ...(typeof q.officerId === 'string' ? { officerId: q.officerId } : {}),
        ...(typeof q.agency === 'string' ? { agency: q.agency } : {}),
        ...(typeof q.MaHoSo === 'string' ? { maHoSo: q.MaHoSo } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        limit: typeof q.limit === 'number' ? q.limit : 100,
      });
      return { items: rows.map(view) };
    },
  );
}
