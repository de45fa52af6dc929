import type { FastifyInstance } from 'fastify';
import { assertAgencyScope, type Clock } from '@lienthong/platform';
import type { IndicatorService } from '../indicators/compute.js';
import { parsePeriod } from '../indicators/compute.js';
import { indicatorIds } from '../indicators/definitions.js';
import { OpsError } from '../errors.js';
import { agencyParam, dateParam, maTTHCParam, pageParam, pageSizeParam, paging, READ_ROLES } from './query.js';

interface IndicatorQuerystring {
  agency: string;
  from?: string;
  to?: string;
  maTTHC?: string;
}

const querystring = {
  type: 'object',
  additionalProperties: false,
  required: ['agency'],
  properties: { agency: agencyParam, from: dateParam, to: dateParam, maTTHC: maTTHCParam },
} as const;

/**
 * GET /v1/indicators: every Decision 766 indicator a hub can compute, for one agency (its units rolled up,
 * old units into their successors) and period; GET /v1/indicators/:id/dossiers: the dossiers (procedures
 * for 3.5) behind a numerator or denominator, paged. Scoped on the agency asked for: the figures are the
 * data of that agency, so a client may only read agencies it may act for.
 */
export function registerIndicatorRoutes(app: FastifyInstance, deps: { indicators: IndicatorService; clock: Clock }): void {
  app.get<{ Querystring: IndicatorQuerystring }>(
    '/v1/indicators',
    { schema: { querystring }, config: { access: { roles: READ_ROLES } } },
    async (req) => {
      assertAgencyScope(req, req.query.agency, '/agency');
      const now = deps.clock.now().getTime();
      const period = parsePeriod(req.query.from, req.query.to, now);
      const figures = await deps.indicators.compute({
        agency: req.query.agency,
        period,
        nowMs: now,
        ...(req.query.maTTHC ? { maTTHC: req.query.maTTHC } : {}),
      });
      const qs = (id: string, set: string) =>
        `/v1/indicators/${id}/dossiers?agency=${encodeURIComponent(req.query.agency)}&from=${period.from}&to=${period.to}&set=${set}${req.query.maTTHC ? `&maTTHC=${req.query.maTTHC}` : ''}`;
      return {
        agency: req.query.agency,
        from: period.from,
        to: period.to,
        periodEndForUnfinished: new Date(Math.min(period.endMs, now)).toISOString(),
        computedAt: new Date(now).toISOString(),
        indicators: figures.map((f) => ({
          ...f,
          lists:
            f.id === '2.2' && !req.query.maTTHC
              ? null
              : { numerator: qs(f.id, 'numerator'), denominator: qs(f.id, 'denominator') },
        })),
      };
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: IndicatorQuerystring & { set: 'numerator' | 'denominator'; page?: string; pageSize?: string };
  }>(
    '/v1/indicators/:id/dossiers',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 8 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['agency', 'set'],
          properties: {
            ...querystring.properties,
            set: { enum: ['numerator', 'denominator'] },
            page: pageParam,
            pageSize: pageSizeParam,
          },
        },
      },
      config: { access: { roles: READ_ROLES } },
    },
    async (req) => {
      if (!(indicatorIds as readonly string[]).includes(req.params.id)) {
        throw new OpsError('LT_OPS_UNKNOWN_INDICATOR', `no indicator ${req.params.id}`, {
          kind: 'not_found',
          messageVi: `không có chỉ số ${req.params.id}`,
        });
      }
      assertAgencyScope(req, req.query.agency, '/agency');
      const now = deps.clock.now().getTime();
      const period = parsePeriod(req.query.from, req.query.to, now);
      const { page, pageSize } = paging(req.query);
      const r = await deps.indicators.items({
        id: req.params.id,
        set: req.query.set,
        agency: req.query.agency,
        period,
        nowMs: now,
        page,
        pageSize,
        ...(req.query.maTTHC ? { maTTHC: req.query.maTTHC } : {}),
      });
      return {
        indicator: req.params.id,
        set: req.query.set,
        agency: req.query.agency,
        from: period.from,
        to: period.to,
        page,
        pageSize,
        ...r,
      };
    },
  );
}
