/// <reference types="@fastify/swagger" />
import type { FastifyInstance } from 'fastify';
import type { Pool } from '@lienthong/platform';
import { SyncError, SyncErrorCodes } from '../errors.js';
import type { Replayer } from '../replay/replayer.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import { adminGuard } from './admin-auth.js';
import { readDossierStatus } from './dossier-status.js';

export interface AdminRoutesDeps {
  pool: Pool;
  replayer: Replayer;
  reconciler: Reconciler;
  adminToken: string | undefined;
}

const maHoSoSchema = { type: 'string', minLength: 3, maxLength: 200, pattern: '^[^\\s]+$' } as const;

/**
 * Operator API: what the ledger says about a dossier, replay (one MaHoSo, or every dead letter since a
 * time), and an immediate reconciliation run.
 */
export async function adminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): Promise<void> {
  const guard = adminGuard(deps.adminToken);

  app.get<{ Params: { maHoSo: string } }>(
    '/v1/dossiers/:maHoSo/sync',
    {
      onRequest: guard,
      schema: {
        summary: 'Ledger entry of a dossier: versions accepted and held by the portal, state, attempts, last error',
        params: { type: 'object', required: ['maHoSo'], properties: { maHoSo: maHoSoSchema } },
      },
    },
    async (req) => {
      const s = await readDossierStatus(deps.pool, req.params.maHoSo);
      if (!s) throw new SyncError(SyncErrorCodes.DOSSIER_NOT_FOUND, `no ledger entry for ${req.params.maHoSo}`, { kind: 'not_found', messageVi: `không có hồ sơ ${req.params.maHoSo} trong sổ cái đồng bộ` });
      return s;
    },
  );

  app.post<{ Body: { maHoSo?: string; deadLettersSince?: string } }>(
    '/v1/admin/replay',
    {
      onRequest: guard,
      schema: {
        summary: 'Replay one dossier (its newest snapshot and unacknowledged steps) or every dead letter since a time',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { maHoSo: maHoSoSchema, deadLettersSince: { type: 'string', minLength: 10, maxLength: 40 } },
        },
      },
    },
    async (req, reply) => {
      const { maHoSo, deadLettersSince } = req.body ?? {};
      if (deadLettersSince !== undefined) {
        const since = new Date(deadLettersSince);
        if (Number.isNaN(since.getTime())) {
          throw new SyncError(SyncErrorCodes.BAD_REPLAY_REQUEST, 'deadLettersSince is not an RFC 3339 time', { kind: 'invalid', messageVi: 'deadLettersSince không phải thời điểm RFC 3339' });
        }
        return reply.status(202).send(await deps.replayer.replayDeadLetters(since, maHoSo));
      }
      if (maHoSo !== undefined) return reply.status(202).send({ dossiers: [await deps.replayer.replayDossier(maHoSo)] });
      throw new SyncError(SyncErrorCodes.BAD_REPLAY_REQUEST, 'give maHoSo or deadLettersSince', { kind: 'invalid', messageVi: 'cần maHoSo hoặc deadLettersSince' });
    },
  );

  app.post('/v1/admin/reconcile', { onRequest: guard, schema: { summary: 'Run the TraCuuHoSo reconciliation now' } }, async () => deps.reconciler.run());
}
