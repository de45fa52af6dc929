import type { FastifyInstance } from 'fastify';
import type { Pool } from '@lienthong/platform';
import { checkAgainstCatalogue } from './catalogue-check.js';
import type { CatalogueSync } from './catalogue-sync.js';
import { READ_ROLES } from '../routes/query.js';
import { OpsError } from '../errors.js';

/**
 * POST /v1/catalogue/check — warnings for dossier items (the gateway's lookup); POST /v1/catalogue/sync —
 * an on-demand sync (operator); GET /v1/catalogue/runs — the sync ledger; GET /v1/catalogue/procedures/:ma.
 */
export function registerCatalogueRoutes(
  app: FastifyInstance,
  deps: { pool: Pool; sync: CatalogueSync | undefined; refuseAgencies?: readonly string[] },
): void {
  app.post<{ Body: { items: Record<string, unknown>[] } }>(
    '/v1/catalogue/check',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['items'],
          properties: { items: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'object' } } },
        },
      },
      config: { access: { roles: ['submitter', 'operator', 'viewer'] } },
    },
    async (req) => {
      const warnings = await checkAgainstCatalogue(deps.pool, req.body.items, deps.refuseAgencies ?? []);
      return { refuse: warnings.some((w) => w.level === 'error'), warnings };
    },
  );

  app.post('/v1/catalogue/sync', { config: { access: { roles: ['operator'] } } }, async (_req, reply) => {
    if (!deps.sync)
      throw new OpsError('LT_OPS_CATALOGUE_SYNC_FAILED', 'catalogue sync is not configured (DVCQG_PASSWORD)', {
        kind: 'unavailable',
        messageVi: 'chưa cấu hình kết nối DVCQG',
      });
    const run = await deps.sync.runOnce('on-demand');
    return reply.status(run.status === 'failed' ? 502 : 200).send(run);
  });

  app.get('/v1/catalogue/runs', { config: { access: { roles: READ_ROLES } } }, async () => ({
    runs: (
      await deps.pool.query(
        `SELECT run_id::int AS "runId", trigger, started_at AS "startedAt", finished_at AS "finishedAt", status, procedures_listed AS "proceduresListed",
         details_ok AS "detailsOk", details_failed AS "detailsFailed", agencies, errors FROM ops_catalogue_run ORDER BY run_id DESC LIMIT 50`,
      )
    ).rows,
  }));

  app.get<{ Params: { ma: string } }>(
    '/v1/catalogue/procedures/:ma',
    {
      schema: { params: { type: 'object', properties: { ma: { type: 'string', pattern: '^\\d\\.\\d{6}$' } } } },
      config: { access: { roles: [...READ_ROLES, 'submitter'] } },
    },
    async (req) => {
      const r = (
        await deps.pool.query(
          `SELECT ma_tthc AS "MaTTHC", name AS "TenTTHC", legal_days AS "legalDays", unit, working_days AS "workingDays", fees, has_fee AS "hasFee",
           requires_paper_result AS "requiresPaperResult", online_channel AS "onlineChannel", agencies, detail_synced_at AS "detailSyncedAt"
         FROM ops_procedure WHERE ma_tthc = $1`,
          [req.params.ma],
        )
      ).rows[0];
      if (!r)
        throw new OpsError('LT_OPS_PROCEDURE_UNKNOWN', `procedure ${req.params.ma} not in the catalogue`, {
          kind: 'not_found',
          messageVi: `không có thủ tục ${req.params.ma}`,
        });
      return r;
    },
  );
}
