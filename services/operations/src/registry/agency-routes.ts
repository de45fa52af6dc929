import type { FastifyInstance } from 'fastify';
import type { Pool } from '@lienthong/platform';
import type { AgencyRegistry } from './agency-registry.js';
import { agencyParam, READ_ROLES } from '../routes/query.js';

/**
 * GET /v1/agencies — the registry (code, name, parent, level, validity, successor, source);
 * GET /v1/agencies/:code/rollup — the units a code counts under, and the units counted under it.
 */
export function registerAgencyRoutes(app: FastifyInstance, deps: { pool: Pool; registry: AgencyRegistry }): void {
  app.get('/v1/agencies', { config: { access: { roles: READ_ROLES } } }, async () => ({ agencies: await deps.registry.list() }));
  app.get<{ Params: { code: string } }>(
    '/v1/agencies/:code/rollup',
    { schema: { params: { type: 'object', properties: { code: agencyParam } } }, config: { access: { roles: READ_ROLES } } },
    async (req) => {
      const up = (
        await deps.pool.query('SELECT ancestor FROM ops_agency_closure WHERE code = $1 AND ancestor <> code ORDER BY ancestor', [
          req.params.code,
        ])
      ).rows;
      const down = (
        await deps.pool.query('SELECT code FROM ops_agency_closure WHERE ancestor = $1 AND ancestor <> code ORDER BY code', [
          req.params.code,
        ])
      ).rows;
      return {
        code: req.params.code,
        countsUnder: up.map((r: { ancestor: string }) => r.ancestor),
        includes: down.map((r: { code: string }) => r.code),
      };
    },
  );
}
