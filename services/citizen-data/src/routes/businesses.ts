import type { FastifyInstance } from 'fastify';
import type { DkkdClient } from '@lienthong/dkkd';
import { isTaxCode } from '@lienthong/standard';
import type { Guard } from '../guard.js';
import { notFound } from './citizens.js';

/**
 * GET /v1/businesses/{taxCode}?MaHoSo=&MaTTHC=&officerId= — a business from the registry (reference §10).
 * A GET has no body, so the purpose travels in the query string; request logging is off on this route so
 * the tax code in the path never reaches a log line.
 */
export function registerBusinessRoutes(app: FastifyInstance, deps: { guard: Guard; dkkd: DkkdClient }): void {
  app.get<{ Params: { taxCode: string }; Querystring: Record<string, unknown> }>(
    '/v1/businesses/:taxCode',
    {
      config: { access: { roles: ['submitter'] } },
      logLevel: 'warn',
      schema: {
        summary: 'A business from the registry, for a named purpose (query MaHoSo, MaTTHC, officerId); audited',
        tags: ['businesses'],
      },
    },
    async (req, reply) => {
      const taxCode = req.params.taxCode;
      const q = req.query;
      const purpose =
        q.MaHoSo === undefined && q.MaTTHC === undefined && q.officerId === undefined
          ? undefined
          : { MaHoSo: q.MaHoSo, MaTTHC: q.MaTTHC, officerId: q.officerId };
      const valid = isTaxCode(taxCode);
      const r = await deps.guard({
        req,
        reply,
        operation: 'business.lookup',
        purpose,
        ...(valid ? { subject: { type: 'business' as const, id: taxCode } } : {}),
        problems: valid
          ? []
          : [
              {
                path: '/taxCode',
                code: 'LT_CITIZEN_PATTERN',
                message: 'Mã số thuế phải gồm 10 chữ số hoặc 10-3 chữ số',
                message_en: 'the tax code must be 10 digits or 10-3 digits',
              },
            ],
        call: async () => {
          const b = await deps.dkkd.business(taxCode);
          return b ? { value: b, outcome: 'found', fields: Object.keys(b) } : { value: null, outcome: 'not-found', fields: [] };
        },
      });
      if (!r.value) throw notFound();
      return { lookupId: r.lookupId, business: r.value, source: { system: 'DKKD', retrievedAt: r.row.at.toISOString() } };
    },
  );
}
